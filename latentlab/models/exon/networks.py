"""EXoN's encoder (one Gaussian head per class), decoder, classifier q(y|x) and augmentation, as
the authors' TensorFlow code builds them (SPEC.md section 2): MNIST in mnist/model.py, CIFAR-10
in model.py. Every bias starts at zero, as Keras's defaults there."""
from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .config import EXoNConfig
from .prior import prior_parameters
from .resample import FlipShift, RotateShift


def _class_heads(h, config: EXoNConfig, name: str, starts=None):
    """One Dense(latent_dim) per class, stacked to (n_classes, latent_dim). Separate heads, as the
    original: their Glorot initialisation is scaled by latent_dim outputs, not n_classes x that.
    `starts`: each head's initial bias (default zero)."""
    def bias(k):
        return "zeros" if starts is None else keras.initializers.Constant(starts[k].astype(np.float32))

    heads = [layers.Reshape((1, config.latent_dim))(layers.Dense(config.latent_dim, bias_initializer=bias(k))(h))
             for k in range(config.n_classes)]
    return layers.Concatenate(axis=1, name=name)(heads)


def build_encoder(config: EXoNConfig) -> keras.Model:
    """x -> per-class posterior means and log-variances, each (n_classes, latent_dim)."""
    image = keras.Input(config.image_shape, name="image")
    if config.architecture == "mnist":
        h = layers.Flatten()(image)
        h = layers.Dense(256, activation="relu")(h)
        h = layers.Dense(128, activation="relu")(h)
    else:
        h = image
        for filters, kernel, stride in ((32, 5, 2), (64, 4, 2), (128, 4, 2), (256, 4, 1)):
            h = layers.Conv2D(filters, kernel, strides=stride, padding="same")(h)
            h = layers.BatchNormalization()(h)
            h = layers.ReLU()(h)
        h = layers.Flatten()(h)
        h = layers.BatchNormalization()(layers.Dense(1024)(h))  # no activation, as the original
    # head_init: prior (a departure) starts class k's mean head at its prior component
    starts = prior_parameters(config)[0] if config.head_init == "prior" else None
    mean, log_variance = _class_heads(h, config, "mean", starts), _class_heads(h, config, "log_variance")
    return keras.Model(image, [mean, log_variance], name="exon_encoder")


def build_decoder(config: EXoNConfig) -> keras.Model:
    z = keras.Input((config.latent_dim,), name="z")
    if config.architecture == "mnist":
        h = layers.Dense(128, activation="relu")(z)
        h = layers.Dense(256, activation="relu")(h)
        h = layers.Dense(int(np.prod(config.image_shape)), activation="tanh")(h)
        out = layers.Reshape(config.image_shape)(h)
    else:  # 4x4x512 -> 8 -> 16 -> 32 -> 32, then a 4x4 conv to the image's channels
        h = layers.ReLU()(layers.BatchNormalization()(layers.Dense(4 * 4 * 512)(z)))
        h = layers.Reshape((4, 4, 512))(h)
        for filters, stride in ((256, 2), (128, 2), (64, 2), (32, 1)):
            h = layers.Conv2DTranspose(filters, 5, strides=stride, padding="same")(h)
            h = layers.ReLU()(layers.BatchNormalization()(h))
        out = layers.Conv2D(config.image_shape[-1], 4, padding="same", activation="tanh")(h)
    return keras.Model(z, out, name="exon_decoder")


def _conv_bn_lrelu(h, filters: int, kernel: int = 3):
    h = layers.Conv2D(filters, kernel, padding="same")(h)
    return layers.LeakyReLU(0.1)(layers.BatchNormalization()(h))


def build_classifier(config: EXoNConfig) -> keras.Model:
    """MNIST: conv 32 (5x5) / 64 / 128 (3x3), each BN + LeakyReLU 0.1 + max-pool + spatial dropout
    0.5, global average pool, Dense 64 + BN + ReLU, softmax. CIFAR-10: 3 x conv 128, pool, dropout
    0.1, 3 x conv 256, pool, dropout 0.1, conv 512 / 256 / 128 (3x3, 'same' as the original code),
    global average pool, softmax."""
    image = keras.Input(config.image_shape, name="image")
    h = image
    if config.architecture == "mnist":
        for filters, kernel in ((32, 5), (64, 3), (128, 3)):
            h = _conv_bn_lrelu(h, filters, kernel)
            h = layers.SpatialDropout2D(0.5)(layers.MaxPooling2D()(h))
        h = layers.GlobalAveragePooling2D()(h)
        h = layers.ReLU()(layers.BatchNormalization()(layers.Dense(64)(h)))
    else:
        for filters in (128, 256):
            for _ in range(3):
                h = _conv_bn_lrelu(h, filters)
            h = layers.SpatialDropout2D(0.1)(layers.MaxPooling2D()(h))
        for filters in (512, 256, 128):
            h = _conv_bn_lrelu(h, filters)
        h = layers.GlobalAveragePooling2D()(h)
    probabilities = layers.Dense(config.n_classes, activation="softmax")(h)
    return keras.Model(image, probabilities, name="exon_classifier")


def build_augmenter(config: EXoNConfig) -> keras.Sequential:
    """MNIST: rotation +-25 degrees and a pad-4 random crop; CIFAR: flip and pad-2 crop.
    `augmentation: layers` draws continuous angles and shifts with Keras's layers (two bilinear
    resamplings); `original` whole degrees and pixels as the authors' code (resample.py)."""
    if config.augmentation == "original":
        step = (RotateShift(25, 4, fill_value=-1.0, seed=config.seed) if config.architecture == "mnist"
                else FlipShift(2, seed=config.seed))
        return keras.Sequential([step], name="augment")
    fill = {"fill_mode": "constant", "fill_value": -1.0}
    h, w = config.image_shape[:2]
    if config.architecture == "mnist":
        steps = [layers.RandomRotation(25 / 360, seed=config.seed, **fill),
                 layers.RandomTranslation(4 / h, 4 / w, seed=config.seed + 1, **fill)]
    else:
        steps = [layers.RandomFlip("horizontal", seed=config.seed),
                 layers.RandomTranslation(2 / h, 2 / w, seed=config.seed + 1, fill_mode="reflect")]
    return keras.Sequential(steps, name="augment")
