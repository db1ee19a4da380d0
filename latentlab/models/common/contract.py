"""The contract between a model family and the pipeline, importable without TensorFlow.

A family package's `__init__` declares a `Family` (its name, params schema, cross-checks and
whether it has a class output); its `adapter` module turns a trained folder into a `LatentModel`,
the only thing the downstream stages (embed, evaluate_*, dbscan_votemi) ever see.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

# What a model's class ids mean: its own predictions of the labels (EXoN's classifier), or
# clusters in an order of the model's own choosing that are matched to labels (a GAN's code).
CLASS_IDS = (None, "labels", "clusters")


@dataclass(frozen=True)
class Family:
    name: str
    params: dict[str, Any]  # params.yaml sections this family owns -> their schema
    class_ids: str | None = None
    # check(params, data) raises ParamsError for values the data cannot take (data: DataSize)
    check: Callable[[dict, Any], None] | None = None
    description: str = ""
    sections: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        if self.class_ids not in CLASS_IDS:
            raise ValueError(f"family {self.name}: class_ids must be one of {CLASS_IDS}")
        object.__setattr__(self, "sections", tuple(self.params))

    @property
    def adapter(self) -> str:
        return f"latentlab.models.{self.name}.adapter"


@dataclass(frozen=True)
class LatentModel:
    """A trained model as NumPy functions; images are (N, H, W, C) in [0, 1].

    encode: images -> codes (N, D); decode: any codes (N, D) -> images, KDE draws included;
    sample: (n, seed) -> n images from the model's prior, the same for the same seed;
    classify: images -> integer class ids, present when the family has `class_ids`;
    references: (real images, seed) -> {name: images} that evaluate_fid scores beside the samples,
    with the same real images (IIN: its autoencoder's reconstructions and decode(N(0, I)) samples)."""

    encode: Callable[[np.ndarray], np.ndarray]
    decode: Callable[[np.ndarray], np.ndarray]
    sample: Callable[[int, int], np.ndarray]
    classify: Callable[[np.ndarray], np.ndarray] | None = None
    class_ids: str | None = None
    references: Callable[[np.ndarray, int], dict[str, np.ndarray]] | None = None


class ModelFileError(ValueError):
    """A trained model's folder or file that is missing, truncated or not what it should be."""


class TrainingDiverged(RuntimeError):
    """The training loss became NaN or infinite: nothing is saved, the stage fails."""


@dataclass
class Example:
    """A tiny untrained model of a family, for the one contract test every family runs
    (tests/test_families.py): `train(steps)` runs real training steps on fixed data, `loss()` is
    a seeded, repeatable measure of its training objective on that data, `save(folder)` writes
    the folder its adapter loads."""

    model: Any
    train: Callable[[int], None]
    loss: Callable[[], float]
    save: Callable[[Any], None]
