"""EXoN's encoder (one Gaussian head per class), decoder, classifier q(y|x) and augmentation."""
from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .config import EXoNConfig
from .prior import prior_parameters


def build_encoder(config: EXoNConfig) -> keras.Model:
    """x -> per-class posterior means and log-variances, each (n_classes, latent_dim)."""
    k, d = config.n_classes, config.latent_dim
    image = keras.Input(config.image_shape, name="image")
    if config.architecture == "mnist":
        h = layers.Flatten()(image)
        h = layers.Dense(256, activation="relu")(h)
        h = layers.Dense(128, activation="relu")(h)
    else:
        h = image
        for filters in (32, 64, 128, 256):
            h = layers.Conv2D(filters, 4, strides=2, padding="same")(h)
            h = layers.BatchNormalization()(h)
            h = layers.LeakyReLU(0.2)(h)
        h = layers.Flatten()(h)
        h = layers.Dense(1024, activation="relu")(h)
    # Each class head starts at its prior component, so class k's codes begin where the KL term
    # pulls them; a short CPU schedule is too brief for them to find their components unaided.
    prior_means, _ = prior_parameters(config)
    start = keras.initializers.Constant(prior_means.astype(np.float32).ravel())
    mean = layers.Reshape((k, d), name="mean")(layers.Dense(k * d, bias_initializer=start)(h))
    log_variance = layers.Reshape((k, d), name="log_variance")(layers.Dense(k * d)(h))
    return keras.Model(image, [mean, log_variance], name="exon_encoder")


def build_decoder(config: EXoNConfig) -> keras.Model:
    z = keras.Input((config.latent_dim,), name="z")
    if config.architecture == "mnist":
        h = layers.Dense(128, activation="relu")(z)
        h = layers.Dense(256, activation="relu")(h)
        h = layers.Dense(int(np.prod(config.image_shape)), activation="tanh")(h)
        out = layers.Reshape(config.image_shape)(h)
    else:
        h = layers.Dense(4 * 4 * 512, activation="relu")(z)
        h = layers.Reshape((4, 4, 512))(h)
        for filters in (256, 128, 64, 32):
            h = layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(h)
            h = layers.BatchNormalization()(h)
            h = layers.LeakyReLU(0.2)(h)
        h = layers.Conv2D(config.image_shape[-1], 4, strides=2, padding="same", activation="tanh")(h)
        out = layers.Resizing(config.image_shape[0], config.image_shape[1])(h)
    return keras.Model(z, out, name="exon_decoder")


def build_classifier(config: EXoNConfig) -> keras.Model:
    """conv 32/64/128 (x2 for CIFAR) with BN + LeakyReLU(0.1), max-pool, spatial dropout 0.5,
    global average pooling, dense 64, softmax."""
    image = keras.Input(config.image_shape, name="image")
    h = image
    repeats = 1 if config.architecture == "mnist" else 2
    for filters in (32, 64, 128):
        for _ in range(repeats):
            h = layers.Conv2D(filters, 3, padding="same")(h)
            h = layers.BatchNormalization()(h)
            h = layers.LeakyReLU(0.1)(h)
        h = layers.MaxPooling2D()(h)
        if filters == 128:
            h = layers.SpatialDropout2D(0.5)(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Dense(64)(h)
    h = layers.LeakyReLU(0.1)(h)
    probabilities = layers.Dense(config.n_classes, activation="softmax")(h)
    return keras.Model(image, probabilities, name="exon_classifier")


def build_augmenter(config: EXoNConfig) -> keras.Sequential:
    """MNIST: rotation +-25 degrees and a pad-4 random crop; CIFAR: flip and pad-2 crop."""
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    h, w = config.image_shape[:2]
    if config.architecture == "mnist":
        steps = [layers.RandomRotation(25 / 360, seed=config.seed, **fill),
                 layers.RandomTranslation(4 / h, 4 / w, seed=config.seed + 1, **fill)]
    else:
        steps = [layers.RandomFlip("horizontal", seed=config.seed),
                 layers.RandomTranslation(2 / h, 2 / w, seed=config.seed + 1, **fill)]
    return keras.Sequential(steps, name="augment")
