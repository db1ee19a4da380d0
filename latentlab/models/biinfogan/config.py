"""Bi-InfoGAN's config and its params.yaml section, with the checks against the data and the
reader of the original's `encodings.txt`. Pure Python: no TensorFlow.

The latent is laid out as the original's: z (n_z values, U(-1, 1)), then each categorical code
as a one-hot (uniform categories), then the continuous codes (U(-1, 1)). The first categorical
code is the one scored as a clustering of the classes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...params import ParamsError, Rule, boolean, choice, fraction, integer, number



def positive_integers() -> Rule:
    return Rule("a non-empty list of integers >= 2",
                lambda v: isinstance(v, list) and len(v) > 0
                and all(isinstance(k, int) and not isinstance(k, bool) and k >= 2 for k in v))


def optional_encodings() -> Rule:
    return Rule("null, or a path to an encodings.txt file", lambda v: v is None or (isinstance(v, str) and v != ""))


PARAMS = {
    "biinfogan": {
        "n_z": integer(1),
        "categorical": positive_integers(),  # the size of each categorical code; the first is scored
        "n_continuous": integer(0),
        "width": number(0.0, 4.0, open_min=True),  # multiplies every hidden layer's size (1 = the original)
        "noise": boolean(),  # Gaussian noise after D's hidden layers in training (the original: on)
        "init": choice("original", "fan_in"),  # E's and D's weights: the original's he_init, or He's fan-in
        "d_batch": choice("separate", "joint"),  # D's real and fake pairs: two calls (the original) or one batch
        "e_batch": choice("separate", "joint"),  # E's real and generated images: likewise
        "info_weight_categorical": number(0.0),  # lambda of the categorical information term (the original: 1)
        "info_weight_continuous": number(0.0),  # lambda of the continuous one (the original: 1)
        "learning_rate_d": number(0.0, open_min=True),
        "learning_rate_ge": number(0.0, open_min=True),
        "final_lr_fraction": number(0.0, 1.0),  # polynomial decay (power 0.5) to lr x this at the end
        "beta1": fraction(),
        "bn_momentum": fraction(),
        "batch_size": integer(2),
        "iterations": integer(1),
        "log_every": integer(1),  # iterations per row of the curves (one Keras "epoch")
        "encodings": optional_encodings(),
        "sweep_range": number(0.0, open_min=True),
    },
}


@dataclass(frozen=True)
class BiInfoGANConfig:
    image_shape: tuple[int, int, int]
    n_z: int = 16
    categorical: tuple[int, ...] = (10,)
    n_continuous: int = 2
    width: float = 1.0
    noise: bool = True
    init: str = "original"  # original (he_init with the kernel height for convs) | fan_in
    d_batch: str = "separate"  # separate (the original: real and fake through D in two calls) | joint
    e_batch: str = "separate"  # separate (E(x) and E(G(l)) in two calls, the original) | joint
    bn_momentum: float = 0.999
    info_weight_categorical: float = 1.0
    info_weight_continuous: float = 1.0
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "categorical", tuple(int(k) for k in self.categorical))
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))

    @property
    def architecture(self) -> str:
        """`mnist` for grey images (28x28; G starts at side / 4), `32x32` for colour (side / 8)."""
        return "mnist" if self.image_shape[-1] == 1 else "32x32"

    @property
    def generator_side(self) -> int:
        return self.image_shape[0] // (4 if self.architecture == "mnist" else 8)

    @property
    def latent_dim(self) -> int:
        return self.n_z + sum(self.categorical) + self.n_continuous

    def layout(self) -> dict[str, slice]:
        """Where each part sits in the latent vector: z, c1, c2 ... (categorical), then `continuous`."""
        parts, start = {"z": slice(0, self.n_z)}, self.n_z
        for i, size in enumerate(self.categorical):
            parts[f"c{i + 1}"] = slice(start, start + size)
            start += size
        parts["continuous"] = slice(start, start + self.n_continuous)
        return parts

    def continuous_names(self) -> list[str]:
        """The continuous codes named as the paper does, after the categorical ones (c2, c3 for MNIST)."""
        first = len(self.categorical) + 1
        return [f"c{first + j}" for j in range(self.n_continuous)]

    @classmethod
    def from_params(cls, settings: dict, image_shape, seed: int) -> "BiInfoGANConfig":
        keys = ("n_z", "categorical", "n_continuous", "width", "noise", "init", "d_batch", "e_batch", "bn_momentum",
                "info_weight_categorical", "info_weight_continuous")
        return cls(image_shape=tuple(image_shape), seed=seed, **{k: settings[k] for k in keys})


class EncodingsError(ParamsError):
    """An encodings.txt that is not a one-to-one map of categories to classes."""


def parse_encodings(text: str, n_categories: int, source: str = "encodings.txt") -> list[int]:
    """The original's format (its evaluate_model.py): one line `6,5,9,...` whose k-th number is the
    category that means class k. Returns the inverse, the class of each category. Every category
    must appear exactly once (the map is one-to-one), or the file is refused."""
    fields = [f.strip() for f in text.strip().replace("\n", ",").split(",") if f.strip() != ""]
    try:
        categories = [int(f) for f in fields]
    except ValueError:
        raise EncodingsError(f"{source}: expected comma-separated category numbers like 6,5,9,..., "
                             f"got {text.strip()[:60]!r}") from None
    if len(categories) != n_categories:
        raise EncodingsError(f"{source}: {len(categories)} numbers for {n_categories} categories (one per class)")
    repeated = sorted({c for c in categories if categories.count(c) > 1})
    missing = sorted(set(range(n_categories)) - set(categories))
    if repeated or missing:
        raise EncodingsError(f"{source}: not one-to-one: category {repeated} repeated, {missing} missing "
                             f"(each of 0..{n_categories - 1} exactly once)")
    class_of = [0] * n_categories
    for label, category in enumerate(categories):
        class_of[category] = label
    return class_of


def read_encodings(path: str | Path, n_categories: int) -> list[int]:
    try:
        text = Path(path).read_text()
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError) as error:
        raise EncodingsError(f"biinfogan.encodings: cannot read {path} ({type(error).__name__})") from None
    return parse_encodings(text, n_categories, source=str(path))


def check(params: dict, data) -> None:
    """The values of `biinfogan` that the data cannot take (data: a DataSize)."""
    settings = params["biinfogan"]
    if settings["batch_size"] > data.n_train:
        raise ParamsError(f"biinfogan.batch_size: {settings['batch_size']} is more than the {data.n_train} "
                          f"training images; at most {data.n_train}")
    if settings["log_every"] > settings["iterations"]:
        raise ParamsError(f"biinfogan.log_every: {settings['log_every']} is more than biinfogan.iterations "
                          f"{settings['iterations']}")
    if settings["iterations"] % settings["log_every"]:
        raise ParamsError(f"biinfogan.iterations: {settings['iterations']} is not a multiple of "
                          f"biinfogan.log_every {settings['log_every']} (one curve row per log_every iterations)")
    if data.labeled and settings["encodings"] is not None:
        if settings["categorical"][0] != data.n_classes:
            raise ParamsError(f"biinfogan.encodings: the first categorical code has {settings['categorical'][0]} "
                              f"categories, the data {data.n_classes} classes")
        read_encodings(settings["encodings"], settings["categorical"][0])
