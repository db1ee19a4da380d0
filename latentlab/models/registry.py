"""The model families the downstream stages know (dvc.yaml's `models` maps each model to one).

Each model family answers three questions through plain functions of NumPy arrays:
encode (images in [0, 1] -> latent codes), decode (latent codes -> images in [0, 1]) and
sample (n, seed -> n images drawn from the model's prior, for FID), and for models with a class
output, classify (images -> class ids).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np


# Families whose LatentModel has `classify`; known without importing them (so without TensorFlow).
FAMILIES_WITH_CLASSES = frozenset({"exon"})


@dataclass(frozen=True)
class LatentModel:
    encode: Callable[[np.ndarray], np.ndarray]
    decode: Callable[[np.ndarray], np.ndarray]
    sample: Callable[[int, int], np.ndarray]
    classify: Callable[[np.ndarray], np.ndarray] | None = None  # models with their own class output


def load_model(family: str, folder: str | Path) -> LatentModel:
    if family == "vae":
        from .vae import VAE

        vae = VAE.load_from(folder)

        def sample(n: int, seed: int) -> np.ndarray:
            z = np.random.default_rng(seed).standard_normal((n, vae.config.dim_z)).astype(np.float32)
            return vae.decode(z)  # Bernoulli means, the usual image of a sample

        return LatentModel(encode=vae.encode, decode=vae.decode, sample=sample)
    if family == "exon":
        from ..data.splits import to_symmetric_range
        from .exon import EXoN

        exon = EXoN.load_from(folder)

        def decode(z: np.ndarray) -> np.ndarray:
            return (exon.decode(z) + 1.0) / 2.0  # tanh decoder: [-1, 1] back to [0, 1]

        def sample(n: int, seed: int) -> np.ndarray:
            return decode(exon.sample_prior(n, seed)[0])  # 1/K from each prior component

        return LatentModel(
            encode=lambda x: exon.encode(to_symmetric_range(x)),
            decode=decode,
            sample=sample,
            classify=lambda x: exon.predict_classes(to_symmetric_range(x)),
        )
    raise ValueError(f"no model family is known by the name {family!r}")
