"""IIN's networks (SPEC.md section 5) in Keras: ActNorm, the autoencoder's encoder and decoder,
the optional PatchGAN, and the flow's layers (ActNorm with log-determinant, the double affine
coupling, the fixed permutation).

ActNorm's data-dependent initialisation: `data_initialise(model, batch)` runs one eager forward
pass in which every ActNorm sets its shift and scale from the batch it sees (zero mean, unit
variance per channel, the original's unbiased std + 1e-6), layer after layer.
"""
from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops

from .config import IN_SIZE, AutoencoderConfig, FlowConfig

PACKAGE = "latentlab.iin"


@keras.saving.register_keras_serializable(PACKAGE)
class ActNorm(keras.layers.Layer):
    """y = scale * (x + loc) per channel (the last axis)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.initialising = False  # True only during data_initialise's eager pass

    def build(self, input_shape):
        self.loc = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="loc")
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

    def call(self, x):
        if self.initialising:
            flat = ops.reshape(x, (-1, x.shape[-1]))
            n = flat.shape[0]
            mean = ops.mean(flat, axis=0)
            std = ops.sqrt(ops.sum(ops.square(flat - mean), axis=0) / max(n - 1, 1))  # torch's unbiased std
            self.loc.assign(-mean)
            self.scale.assign(1.0 / (std + 1e-6))
        return self.scale * (x + self.loc)

    def log_det(self):
        """log |det| of the map per example (vectors: one position per channel)."""
        return ops.sum(ops.log(ops.abs(self.scale)))

    def inverse(self, y):
        return y / self.scale - self.loc


def actnorm_layers(model) -> list[ActNorm]:
    return [layer for layer in model._flatten_layers(include_self=False, recursive=True) if isinstance(layer, ActNorm)]


def data_initialise(model, batch) -> None:
    """Set every ActNorm of `model` from `batch` (one eager call, in order of the layers)."""
    norms = actnorm_layers(model)
    for norm in norms:
        norm.initialising = True
    try:
        model(batch, training=True)
    finally:
        for norm in norms:
            norm.initialising = False


# ----- the autoencoder -----

def _conv_init():
    return keras.initializers.RandomNormal(stddev=0.02)  # the original's weights_init for every conv


def build_encoder(config: AutoencoderConfig) -> keras.Model:
    """4 x [conv 4x4 s2 no bias, ActNorm, LeakyReLU 0.2]: 32 -> 2; a 2x2 conv to (mean, log-variance)."""
    x = keras.Input((IN_SIZE, IN_SIZE, config.channels), name="image")
    h = x
    for i, filters in enumerate((64, 128, 256, 512)):
        h = layers.Conv2D(config.filters(filters), 4, strides=2, padding="same", use_bias=False,
                          kernel_initializer=_conv_init(), name=f"enc{i}_conv")(h)
        h = ActNorm(name=f"enc{i}_actnorm")(h)
        h = layers.LeakyReLU(0.2, name=f"enc{i}_lrelu")(h)
    h = layers.Conv2D(2 * config.z_dim, IN_SIZE // 16, padding="valid", kernel_initializer=_conv_init(),
                      name="enc_dense")(h)
    h = layers.Flatten(name="enc_flat")(h)
    return keras.Model(x, PosteriorSplit(name="posterior")(h), name="encoder")


@keras.saving.register_keras_serializable(PACKAGE)
class PosteriorSplit(keras.layers.Layer):
    """(N, 2d) to (mean, log-variance), the log-variance clamped to [-30, 10] as the original."""

    def call(self, h):
        half = h.shape[-1] // 2
        return h[:, :half], ops.clip(h[:, half:], -30.0, 10.0)


def build_decoder(config: AutoencoderConfig) -> keras.Model:
    """A 2x2 transposed conv to 2x2x512, 3 x [transposed conv 4x4 s2, ActNorm, LeakyReLU 0.2], then a
    transposed conv 4x4 s2 to the image's channels and tanh."""
    z = keras.Input((config.z_dim,), name="z")
    h = layers.Reshape((1, 1, config.z_dim))(z)
    h = layers.Conv2DTranspose(config.filters(512), IN_SIZE // 16, padding="valid", kernel_initializer=_conv_init(),
                               name="dec_dense")(h)
    for i, filters in enumerate((256, 128, 64)):
        h = layers.Conv2DTranspose(config.filters(filters), 4, strides=2, padding="same", use_bias=False,
                                   kernel_initializer=_conv_init(), name=f"dec{i}_deconv")(h)
        h = ActNorm(name=f"dec{i}_actnorm")(h)
        h = layers.LeakyReLU(0.2, name=f"dec{i}_lrelu")(h)
    h = layers.Conv2DTranspose(config.channels, 4, strides=2, padding="same", use_bias=False,
                               kernel_initializer=_conv_init(), name="dec_image")(h)
    return keras.Model(z, layers.Activation("tanh", name="tanh")(h), name="decoder")


def build_discriminator(config: AutoencoderConfig) -> keras.Model:
    """The PatchGAN (pix2pix's NLayerDiscriminator): conv 4x4 s2 + LeakyReLU 0.2, then
    disc_layers - 1 x [conv s2, BN, LeakyReLU], one conv s1 with BN, and a 1-channel conv s1;
    every conv pads 1 on each side, as the original."""
    x = keras.Input((IN_SIZE, IN_SIZE, config.channels), name="image")
    gamma = keras.initializers.RandomNormal(mean=1.0, stddev=0.02)

    def conv(h, filters, stride, bias, name):
        h = layers.ZeroPadding2D(1, name=f"{name}_pad")(h)
        return layers.Conv2D(filters, 4, strides=stride, use_bias=bias, kernel_initializer=_conv_init(), name=name)(h)

    h = layers.LeakyReLU(0.2)(conv(x, config.disc_filters, 2, True, "d0"))
    for n in range(1, config.disc_layers + 1):
        stride = 2 if n < config.disc_layers else 1
        h = conv(h, config.disc_filters * min(2 ** n, 8), stride, False, f"d{n}")
        h = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, gamma_initializer=gamma, name=f"d{n}_bn")(h)
        h = layers.LeakyReLU(0.2)(h)
    return keras.Model(x, conv(h, 1, 1, True, "d_logits"), name="discriminator")


# ----- the flow -----

def _linear_init(fan_in: int, zero: bool = False):
    """PyTorch's nn.Linear default (weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)))."""
    if zero:
        return keras.initializers.Zeros()
    limit = 1.0 / math.sqrt(fan_in)
    return keras.initializers.RandomUniform(-limit, limit)


def build_mlp(dim: int, hidden: int, depth: int, tanh: bool, identity: bool, name: str) -> keras.Sequential:
    """dim -> hidden, LeakyReLU 0.01, depth x (hidden -> hidden, LeakyReLU 0.01), -> dim (tanh for s)."""
    stack = [keras.Input((dim,))]
    fan_in = dim
    for i in range(depth + 1):
        stack += [layers.Dense(hidden, kernel_initializer=_linear_init(fan_in), bias_initializer=_linear_init(fan_in),
                               name=f"{name}_dense{i}"), layers.LeakyReLU(0.01)]
        fan_in = hidden
    stack.append(layers.Dense(dim, kernel_initializer=_linear_init(fan_in, identity),
                              bias_initializer=_linear_init(fan_in, identity), name=f"{name}_out"))
    if tanh:
        stack.append(layers.Activation("tanh"))
    return keras.Sequential(stack, name=name)


@keras.saving.register_keras_serializable(PACKAGE)
class DoubleCoupling(keras.layers.Layer):
    """The original's double affine coupling of halves (a, b):
    b' = b exp(s0(a)) + t0(a); then a' = a exp(s1(b')) + t1(b'); output (b', a')."""

    def __init__(self, dim: int, hidden: int, depth: int, identity: bool = False, **kwargs):
        super().__init__(**kwargs)
        if dim % 2:
            raise ValueError(f"a coupling needs an even dimension, got {dim}")
        self.dim, self.hidden, self.depth, self.identity = dim, hidden, depth, identity
        half = dim // 2
        self.s = [build_mlp(half, hidden, depth, True, identity, f"{self.name}_s{i}") for i in range(2)]
        self.t = [build_mlp(half, hidden, depth, False, identity, f"{self.name}_t{i}") for i in range(2)]

    def build(self, input_shape):
        for net in self.s + self.t:
            net.build((None, self.dim // 2))

    def call(self, x):
        return self.forward(x)[0]

    def forward(self, x):
        half = self.dim // 2
        a, b = x[:, :half], x[:, half:]
        s0 = self.s[0](a)
        b = b * ops.exp(s0) + self.t[0](a)
        s1 = self.s[1](b)
        a = a * ops.exp(s1) + self.t[1](b)
        return ops.concatenate([b, a], axis=1), ops.sum(s0, axis=1) + ops.sum(s1, axis=1)

    def inverse(self, y):
        half = self.dim // 2
        b, a = y[:, :half], y[:, half:]
        a = (a - self.t[1](b)) * ops.exp(-self.s[1](b))
        b = (b - self.t[0](a)) * ops.exp(-self.s[0](a))
        return ops.concatenate([a, b], axis=1)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "hidden": self.hidden, "depth": self.depth,
                "identity": self.identity}


@keras.saving.register_keras_serializable(PACKAGE)
class Permutation(keras.layers.Layer):
    """A fixed random permutation of the dimensions, kept in the layer's config (saved with it)."""

    def __init__(self, order: list[int], **kwargs):
        super().__init__(**kwargs)
        self.order = [int(i) for i in order]
        self.inverse_order = np.argsort(self.order).tolist()

    def call(self, x):
        return ops.take(x, self.order, axis=1)

    def inverse(self, y):
        return ops.take(y, self.inverse_order, axis=1)

    def get_config(self):
        return {**super().get_config(), "order": self.order}


@keras.saving.register_keras_serializable(PACKAGE)
class Flow(keras.layers.Layer):
    """T: n_blocks of [ActNorm, DoubleCoupling, Permutation]; forward gives (T(z), log|det dT/dz|)."""

    def __init__(self, dim: int, n_blocks: int, hidden_dim: int, hidden_depth: int, identity: bool = False,
                 orders: list[list[int]] | None = None, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        if orders is None:  # fixed at construction from the seed, then saved
            rng = np.random.default_rng(seed)
            orders = [rng.permutation(dim).tolist() for _ in range(n_blocks)]
        self.dim, self.n_blocks, self.hidden_dim, self.hidden_depth = dim, n_blocks, hidden_dim, hidden_depth
        self.identity, self.seed, self.orders = identity, seed, [[int(i) for i in o] for o in orders]
        self.blocks = [
            (ActNorm(name=f"block{i}_actnorm"),
             DoubleCoupling(dim, hidden_dim, hidden_depth, identity, name=f"block{i}_coupling"),
             Permutation(self.orders[i], name=f"block{i}_permutation"))
            for i in range(n_blocks)
        ]

    def build(self, input_shape):
        for norm, coupling, _ in self.blocks:
            norm.build((None, self.dim))
            coupling.build((None, self.dim))

    def call(self, z):
        return self.forward(z)[0]

    def forward(self, z):
        log_det = ops.zeros_like(z[:, 0])
        for norm, coupling, permutation in self.blocks:
            z = norm(z)
            z, coupling_log_det = coupling.forward(z)
            z = permutation(z)
            log_det = log_det + norm.log_det() + coupling_log_det
        return z, log_det

    def inverse(self, e):
        for norm, coupling, permutation in reversed(self.blocks):
            e = norm.inverse(coupling.inverse(permutation.inverse(e)))
        return e

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "n_blocks": self.n_blocks, "hidden_dim": self.hidden_dim,
                "hidden_depth": self.hidden_depth, "identity": self.identity, "orders": self.orders, "seed": self.seed}


def build_flow(config: FlowConfig) -> keras.Model:
    z = keras.Input((config.dim,), name="z")
    flow = Flow(config.dim, config.n_blocks, config.hidden_dim, config.hidden_depth,
                identity=config.init == "identity", seed=config.seed, name="flow")
    return keras.Model(z, flow(z), name="interpretation_network")
