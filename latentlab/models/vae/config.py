"""The VAE family's config and its params.yaml sections (`vae`, and `vae_wide` whose keys
replace vae's for the second, wider VAE). Pure Python: no TensorFlow."""
from __future__ import annotations

from dataclasses import dataclass

from ...params import choice, fraction, integer, number

MODES = ("vae", "ae", "no_encoder")
NOISE = ("none", "salt_pepper", "gaussian")

PARAMS = {
    "vae": {
        "mode": choice(*MODES),
        "dim_z": integer(1),
        "n_hidden": integer(1),
        "dropout": fraction(),
        "beta": number(0.0),
        "noise": choice(*NOISE),
        "noise_factor": number(0.0),
        "learning_rate": number(0.0, open_min=True),
        "batch_size": integer(1),
        "epochs": integer(1),
        "elbo_samples": integer(1),
        "prr_grid": integer(1, 50),
        "manifold_grid": integer(2, 50),
        "z_range": number(0.0, open_min=True),
    },
    "vae_wide": {  # replaces these keys of `vae` for the second VAE
        "dim_z": integer(1),
        "epochs": integer(1),
    },
}


def settings_for(params: dict, overrides: str | None = None) -> dict:
    """The `vae` section with the keys of section `overrides` (vae_wide) in their place."""
    return {**params["vae"], **(params[overrides] if overrides else {})}


@dataclass(frozen=True)
class VAEConfig:
    image_shape: tuple[int, int, int]
    dim_z: int = 2
    n_hidden: int = 500
    dropout: float = 0.1
    mode: str = "vae"
    beta: float = 1.0
    noise: str = "none"
    noise_factor: float = 0.7
    seed: int = 0

    @classmethod
    def from_params(cls, vae: dict, image_shape: tuple[int, ...], seed: int) -> "VAEConfig":
        keys = ("dim_z", "n_hidden", "dropout", "mode", "beta", "noise", "noise_factor")
        return cls(image_shape=tuple(int(s) for s in image_shape), seed=seed, **{k: vae[k] for k in keys})
