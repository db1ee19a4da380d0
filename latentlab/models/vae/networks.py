"""The VAE's encoder and decoder networks (SPEC section 1)."""
from __future__ import annotations

import keras
import numpy as np
from keras import layers, ops

from .config import VAEConfig

STD_FLOOR = 1e-6  # std = softplus(raw) + 1e-6, as in seed 004


def build_encoder(config: VAEConfig) -> keras.Model:
    """784 -> 500 ELU -> dropout -> 500 tanh -> dropout -> (mean, raw std)."""
    image = keras.Input(config.image_shape, name="image")
    h = layers.Flatten()(image)
    h = layers.Dense(config.n_hidden, activation="elu")(h)
    h = layers.Dropout(config.dropout)(h)
    h = layers.Dense(config.n_hidden, activation="tanh")(h)
    h = layers.Dropout(config.dropout)(h)
    mean = layers.Dense(config.dim_z, name="z_mean")(h)
    raw_std = layers.Dense(config.dim_z, name="z_raw_std")(h)
    return keras.Model(image, [mean, raw_std], name="encoder")


def build_decoder(config: VAEConfig) -> keras.Model:
    """dim_z -> 500 tanh -> dropout -> 500 ELU -> dropout -> pixel logits (Bernoulli)."""
    z = keras.Input((config.dim_z,), name="z")
    h = layers.Dense(config.n_hidden, activation="tanh")(z)
    h = layers.Dropout(config.dropout)(h)
    h = layers.Dense(config.n_hidden, activation="elu")(h)
    h = layers.Dropout(config.dropout)(h)
    logits = layers.Dense(int(np.prod(config.image_shape)), name="pixel_logits")(h)
    logits = layers.Reshape(config.image_shape)(logits)
    return keras.Model(z, logits, name="decoder")


def posterior_std(raw_std):
    return ops.softplus(raw_std) + STD_FLOOR
