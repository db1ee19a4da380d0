"""The trained models the downstream stages know, by the name used in dvc.yaml's foreach."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

Encoder = Callable[[np.ndarray], np.ndarray]


def load_encoder(model: str, folder: str | Path) -> Encoder:
    """A function from images (N, H, W, C) in [0, 1] to latent codes (N, d)."""
    if model == "vae":
        from .vae import VAE

        return VAE.load_from(folder).encode
    raise ValueError(f"no encoder is known for model {model!r}")
