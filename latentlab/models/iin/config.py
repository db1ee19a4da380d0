"""IIN's configs and params sections (seed 003): the autoencoder, the interpretation network T
over its latent, and D-IIN's factor split. Pure Python: no TensorFlow.

Four sections, one per thing that trains, so a change reruns only what it affects:
`iin_ae` (the autoencoder), `diin_ae` (its keys replacing iin_ae's for the ColorfulMNIST
autoencoder), `iin` (the flow), `diin` (its keys replacing iin's, plus the factors and rho).
"""
from __future__ import annotations

from dataclasses import dataclass

from ...params import ParamsError, Rule, choice, fraction, integer, number

IN_SIZE = 32  # the original's input side: MNIST is resized 28 -> 32, not padded
FACTOR_NAMES = ("digit", "colour", "residual")  # D-IIN's factors, in the original's order


def optional_step() -> Rule:
    return Rule("null or an integer >= 0", lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0))


def optional_count() -> Rule:
    return Rule("null or an integer >= 1", lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 1))


def factor_sizes() -> Rule:
    return Rule("a list of integers >= 1 (digit, colour, residual)",
                lambda v: isinstance(v, list) and len(v) == len(FACTOR_NAMES)
                and all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in v))


PARAMS = {
    "iin_ae": {
        "z_dim": integer(2),
        "width": number(0.0, 4.0, open_min=True),  # channels x this (1 = the original's 64 ... 512)
        "kl_weight": number(0.0),
        "logvar_init": number(-10.0, 10.0),  # the learned output log-scale s starts here
        "base_learning_rate": number(0.0, open_min=True),  # x batch_size, as the original's configs
        "beta1": fraction(),
        "beta2": fraction(),
        "batch_size": integer(2),
        "epochs": integer(1),
        "decay_start": optional_step(),  # step from which lr falls linearly to 0 at the end; null = never
        "disc_start": optional_step(),  # PatchGAN from this step, adaptively weighted; null = no GAN
        "disc_filters": integer(1),
        "disc_layers": integer(1, 4),
        "disc_lr_factor": number(0.0, open_min=True),
    },
    "diin_ae": {
        "epochs": integer(1),
    },
    "iin": {
        "n_blocks": integer(1),
        "hidden_dim": integer(1),
        "hidden_depth": integer(0),
        "init": choice("original", "identity"),
        "base_learning_rate": number(0.0, open_min=True),
        "beta1": fraction(),
        "beta2": fraction(),
        "batch_size": integer(2),
        "epochs": integer(1),
        "decay_start": optional_step(),
    },
    "diin": {  # its flow keys replace iin's, so IIN and D-IIN can take their own schedules
        "factor_sizes": factor_sizes(),
        "rho": number(0.0, 1.0, open_min=True),
        "n_blocks": integer(1),
        "hidden_dim": integer(1),
        "base_learning_rate": number(0.0, open_min=True),
        "epochs": integer(1),
        "decay_start": optional_step(),
        "pair_sets": optional_count(),  # sets of pairs encoded, cycled through by the epochs; null = one per epoch
    },
}


@dataclass(frozen=True)
class AutoencoderConfig:
    """The autoencoder's architecture (SPEC.md section 5); `image_shape` is the data's (28x28x1 for
    the embedded MNIST), the networks work at IN_SIZE x IN_SIZE."""

    image_shape: tuple[int, int, int]
    z_dim: int = 64
    width: float = 1.0
    logvar_init: float = 0.0
    disc_filters: int = 64
    disc_layers: int = 3
    discriminator: bool = False
    colorful: bool = False  # trained on grey images coloured at random (ColorfulMNIST): 3 channels
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "image_shape", tuple(int(s) for s in self.image_shape))

    @property
    def channels(self) -> int:
        return self.image_shape[-1]

    def filters(self, n: int) -> int:
        return max(1, round(n * self.width))

    @classmethod
    def from_params(cls, settings: dict, image_shape, seed: int, colorful: bool = False) -> "AutoencoderConfig":
        if colorful:
            image_shape = tuple(image_shape[:2]) + (3,)
        return cls(image_shape=tuple(image_shape), colorful=colorful, z_dim=settings["z_dim"], width=settings["width"],
                   logvar_init=settings["logvar_init"], disc_filters=settings["disc_filters"],
                   disc_layers=settings["disc_layers"], discriminator=settings["disc_start"] is not None, seed=seed)


@dataclass(frozen=True)
class FlowConfig:
    """T: n_blocks of [ActNorm, double affine coupling, fixed permutation] on dim-d vectors."""

    dim: int
    n_blocks: int = 12
    hidden_dim: int = 512
    hidden_depth: int = 2
    init: str = "original"  # original (PyTorch's Linear default) | identity (each coupling starts as x)
    factor_sizes: tuple[int, ...] = ()  # D-IIN's split of T(z); () for the unsupervised IIN
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "factor_sizes", tuple(int(k) for k in self.factor_sizes))

    @classmethod
    def from_params(cls, settings: dict, dim: int, seed: int, factor_sizes=()) -> "FlowConfig":
        keys = ("n_blocks", "hidden_dim", "hidden_depth", "init")
        return cls(dim=dim, factor_sizes=tuple(factor_sizes), seed=seed, **{k: settings[k] for k in keys})


def ae_settings(params: dict, colorful: bool) -> dict:
    """The autoencoder's settings: iin_ae, with diin_ae's keys in their place for ColorfulMNIST."""
    return {**params["iin_ae"], **(params["diin_ae"] if colorful else {})}


def flow_settings(params: dict, factors: bool) -> dict:
    """The flow's settings: iin, with diin's keys in their place for D-IIN."""
    return {**params["iin"], **(params["diin"] if factors else {})}


def check(params: dict, data) -> None:
    """The values of the IIN sections that the data or each other cannot take (data: a DataSize)."""
    ae, flow, diin = params["iin_ae"], params["iin"], params["diin"]
    for key, value in (("iin_ae.batch_size", ae["batch_size"]), ("iin.batch_size", flow["batch_size"])):
        if value > data.n_train:
            raise ParamsError(f"{key}: {value} is more than the {data.n_train} training images; at most {data.n_train}")
    if ae["z_dim"] % 2:
        raise ParamsError(f"iin_ae.z_dim: {ae['z_dim']} is odd; the flow's couplings split it in halves (an even number)")
    if sum(diin["factor_sizes"]) != ae["z_dim"]:
        raise ParamsError(f"diin.factor_sizes: {diin['factor_sizes']} add up to {sum(diin['factor_sizes'])}, "
                          f"not iin_ae.z_dim {ae['z_dim']} (T(z) is split into the factors)")
