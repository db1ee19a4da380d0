"""A trained VAE folder as the downstream contract."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.contract import Example, LatentModel
from .config import VAEConfig
from .model import VAE


def load(folder: str | Path) -> LatentModel:
    vae = VAE.load_from(folder)

    def sample(n: int, seed: int) -> np.ndarray:
        z = np.random.default_rng(seed).standard_normal((n, vae.config.dim_z)).astype(np.float32)
        return vae.decode(z)  # Bernoulli means, the usual image of a sample

    return LatentModel(encode=vae.encode, decode=vae.decode, sample=sample)


def example(x: np.ndarray, y: np.ndarray, seed: int) -> Example:
    """A small VAE on images `x` in [0, 1] (labels unused): the contract test's subject."""
    import keras

    config = VAEConfig(image_shape=tuple(x.shape[1:]), dim_z=2, n_hidden=32, dropout=0.0, seed=seed)
    model = VAE(config)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    return Example(
        model=model,
        train=lambda steps: model.fit(x, batch_size=len(x), epochs=steps, verbose=0, shuffle=False),
        loss=lambda: -model.evaluate_elbo(x, n_samples=4, seed=seed)["test_elbo_nats"],
        save=model.save_to,
    )
