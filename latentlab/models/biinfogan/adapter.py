"""A trained Bi-InfoGAN folder as the downstream contract.

encode: E's outputs in the latent layout (z, c1 probabilities, continuous codes);
decode: G of a code with each categorical part snapped to the one-hot of its argmax (G was only
  trained on one-hot categories; KDE draws between clusters land on one of them);
sample: G of the prior; classify: the argmax of c1, a cluster id matched to labels downstream.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.contract import Example, LatentModel
from .config import BiInfoGANConfig
from .model import BiInfoGAN, optimizers, prior_latent, snap_categories


def load(folder: str | Path) -> LatentModel:
    gan = BiInfoGAN.load_from(folder)
    return LatentModel(
        encode=gan.encode,
        decode=lambda codes: gan.decode(snap_categories(gan.config, codes)),
        sample=lambda n, seed: gan.decode(prior_latent(gan.config, n, np.random.default_rng(seed))),
        classify=gan.categories,
        class_ids="clusters",
    )


def example(x: np.ndarray, y: np.ndarray, seed: int) -> Example:
    """A narrow Bi-InfoGAN on images `x` in [0, 1] (labels unused): the contract test's subject.
    A GAN has no loss that must fall, so `loss()` is the part that must: the information loss
    (how well E recovers the codes of G's images) on a fixed set of prior latents."""
    import keras

    config = BiInfoGANConfig(image_shape=tuple(x.shape[1:]), n_z=4, categorical=(3,), n_continuous=2,
                             width=0.125, bn_momentum=0.9, seed=seed)
    model = BiInfoGAN(config)
    settings = {"learning_rate_d": 2e-3, "learning_rate_ge": 2e-3, "final_lr_fraction": 1.0, "beta1": 0.5}
    model.compile(*optimizers(settings, iterations=1000))
    images = keras.ops.convert_to_tensor(x)
    fixed = keras.ops.convert_to_tensor(prior_latent(config, len(x), np.random.default_rng(seed)))

    def loss() -> float:
        _, _, parts = model.losses_on(images, fixed, training=False)
        return float(keras.ops.convert_to_numpy(parts["info_categorical"] + parts["info_continuous"]))

    return Example(
        model=model,
        train=lambda steps: model.fit(x, batch_size=len(x), epochs=steps, verbose=0, shuffle=False),
        loss=loss,
        save=model.save_to,
    )
