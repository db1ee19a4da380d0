"""G, E and D of Bi-InfoGAN (SPEC.md section 3), as Keras functional models.

`mnist` is the original's MNIST code: 28x28x1 images. `32x32` is the SVHN / CelebA table with a
consistent fix (its table gives G an input of 98 values and strides that end at 8x8): G takes the
whole latent and upsamples 4 -> 8 -> 16 -> 32. `width` scales every hidden layer (1 = the original).
The original's initialisers are the default, its conv He-init slip included (`init: original`).
Batch norm everywhere has the original's momentum (0.999) and epsilon (1e-3); D adds Gaussian
noise after every hidden layer, which Keras's GaussianNoise applies in training only.
"""
from __future__ import annotations

import keras
from keras import layers

from .config import BiInfoGANConfig

FIRST_NOISE, NOISE = 0.3, 0.5  # D's noise std: after the first layer of each branch, elsewhere


def _g_init():
    """G's initialiser in the original: truncated normal, std 0.02."""
    return keras.initializers.TruncatedNormal(stddev=0.02)


def _he(config: BiInfoGANConfig, first_dim: int, fan_in: int):
    """E's and D's initialiser. `original` (utils.he_init): a normal of std sqrt(2 / size[0]); for
    a dense kernel size[0] is the fan-in (He), for a conv kernel it is the kernel's height, so a
    3x3 conv gets std 0.82 and D's 1x1 latent convs 1.41. Batch norm follows every such layer, so
    the scale changes no output, only Adam's relative step (lr / |w|): large weights learn
    slowly. `fan_in` is He's std sqrt(2 / fan_in) everywhere."""
    return keras.initializers.RandomNormal(stddev=(2.0 / (first_dim if config.init == "original" else fan_in)) ** 0.5)


def _units(config: BiInfoGANConfig, n: int) -> int:
    return max(1, round(n * config.width))


def _bn_elu(h, config: BiInfoGANConfig, name: str):
    h = layers.BatchNormalization(momentum=config.bn_momentum, epsilon=1e-3, name=f"{name}_bn")(h)
    return layers.ELU(name=f"{name}_elu")(h)


def _noisy(h, config: BiInfoGANConfig, std: float, name: str):
    # a seed of its own per layer: one shared seed would add the same noise to same-sized layers
    seed = config.seed * 1000 + sum(ord(ch) * (i + 1) for i, ch in enumerate(name))
    return layers.GaussianNoise(std, seed=seed, name=f"{name}_noise")(h) if config.noise else h


def build_generator(config: BiInfoGANConfig) -> keras.Model:
    latent = keras.Input((config.latent_dim,), name="latent")
    channels = config.image_shape[-1]
    if config.architecture == "mnist":
        first, ups = 64, [(128, 2), (64, 1)]
    else:
        first, ups = 256, [(128, 2), (64, 2)]
    side = config.generator_side
    h = layers.Dense(side * side * _units(config, first), kernel_initializer=_g_init(), name="g_dense")(latent)
    h = _bn_elu(h, config, "g_dense")
    h = layers.Reshape((side, side, _units(config, first)))(h)
    for i, (filters, stride) in enumerate(ups):
        h = layers.Conv2DTranspose(_units(config, filters), 4, stride, padding="same",
                                   kernel_initializer=_g_init(), name=f"g_deconv{i + 1}")(h)
        h = _bn_elu(h, config, f"g_deconv{i + 1}")
    x = layers.Conv2DTranspose(channels, 4, 2, padding="same", activation="sigmoid",
                               kernel_initializer=_g_init(), name="g_image")(h)
    return keras.Model(latent, x, name="generator")


def build_encoder(config: BiInfoGANConfig) -> keras.Model:
    """Images -> [z (tanh), each categorical code (softmax), continuous codes (linear)]."""
    x = keras.Input(config.image_shape, name="image")
    if config.architecture == "mnist":
        convs, dense, padding = [(32, 1), (64, 2), (128, 2)], 1024, "valid"
    else:
        convs, dense, padding = [(32, 1), (64, 2), (128, 1), (256, 2), (512, 2)], 1024, "same"
    h = x
    for i, (filters, stride) in enumerate(convs):
        h = layers.Conv2D(_units(config, filters), 3, stride, padding=padding,
                          kernel_initializer=_he(config, 3, 9 * h.shape[-1]), name=f"e_conv{i + 1}")(h)
        h = _bn_elu(h, config, f"e_conv{i + 1}")
    h = layers.Flatten()(h)
    h = layers.Dense(_units(config, dense), kernel_initializer=_he(config, h.shape[-1], h.shape[-1]), name="e_dense")(h)
    h = _bn_elu(h, config, "e_dense")
    head = _he(config, h.shape[-1], h.shape[-1])
    outputs = [layers.Dense(config.n_z, activation="tanh", kernel_initializer=head, name="e_z")(h)]
    outputs += [layers.Dense(size, activation="softmax", kernel_initializer=head, name=f"e_c{i + 1}")(h)
                for i, size in enumerate(config.categorical)]
    if config.n_continuous:
        outputs.append(layers.Dense(config.n_continuous, kernel_initializer=head, name="e_continuous")(h))
    return keras.Model(x, outputs, name="encoder")


def build_discriminator(config: BiInfoGANConfig) -> keras.Model:
    """D(x, latent) -> a logit (the original's sigmoid output, kept as a logit for stable logs)."""
    x = keras.Input(config.image_shape, name="image")
    latent = keras.Input((config.latent_dim,), name="latent")
    if config.architecture == "mnist":
        convs, kernel, padding, x_dense, latent_units, joint = [64, 128], 3, "valid", 512, [64, 128, 512], 1024
    else:
        convs, kernel, padding, x_dense, latent_units, joint = [64, 128, 256], 4, "same", 1024, [64, 128, 256, 1024], 1024
    h = x
    for i, filters in enumerate(convs):
        h = layers.Conv2D(_units(config, filters), kernel, 2, padding=padding,
                          kernel_initializer=_he(config, kernel, kernel * kernel * h.shape[-1]), name=f"d_conv{i + 1}")(h)
        h = _noisy(_bn_elu(h, config, f"d_conv{i + 1}"), config, FIRST_NOISE if i == 0 else NOISE, f"d_conv{i + 1}")
    h = layers.Flatten()(h)
    h = layers.Dense(_units(config, x_dense), kernel_initializer=_he(config, h.shape[-1], h.shape[-1]), name="d_x_dense")(h)
    h = _noisy(_bn_elu(h, config, "d_x_dense"), config, NOISE, "d_x_dense")
    c = latent  # the original's 1x1 convs on a 1x1 "image" of the latent, then a dense layer
    for i, units in enumerate(latent_units):
        first_dim = 1 if i < len(latent_units) - 1 else c.shape[-1]  # a 1x1 kernel's height, then a fan-in
        c = layers.Dense(_units(config, units), kernel_initializer=_he(config, first_dim, c.shape[-1]),
                         name=f"d_latent{i + 1}")(c)
        c = _noisy(_bn_elu(c, config, f"d_latent{i + 1}"), config, FIRST_NOISE if i == 0 else NOISE, f"d_latent{i + 1}")
    h = layers.Concatenate()([h, c])
    h = layers.Dense(_units(config, joint), kernel_initializer=_he(config, h.shape[-1], h.shape[-1]), name="d_joint")(h)
    h = _noisy(_bn_elu(h, config, "d_joint"), config, NOISE, "d_joint")
    logit = layers.Dense(1, kernel_initializer=_he(config, h.shape[-1], h.shape[-1]), name="d_logit")(h)
    return keras.Model([x, latent], logit, name="discriminator")
