"""IIN's trainable models, each a keras.Model with its own train_step (fit() gives progress bars,
callbacks and logging):

- `Autoencoder`: the stochastic autoencoder (Laplace-like NLL with a learned output log-scale,
  KL weight, optional PatchGAN with the original's adaptive weight from `disc_start`);
- `InterpretationNetwork`: the unsupervised IIN, T over the frozen autoencoder's sampled z, loss
  mean(0.5 ||T(z)||^2) - mean(log|det J|);
- `FactorNetwork`: D-IIN, the same T trained on pairs that share one factor (SPEC.md section 5).

The flows train on (mean, log-variance) of the frozen encoder and draw z from it every step.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from ...runtime import replica_share
from ..common.persistence import load_parts, save_parts
from .config import FACTOR_NAMES, AutoencoderConfig, FlowConfig
from .networks import build_decoder, build_discriminator, build_encoder, build_flow, data_initialise

LOG_2PI = float(np.log(2.0 * np.pi))
AUTOENCODER_FILES = ("autoencoder.json", "encoder.keras", "decoder.keras")


class LinearDecayAfter(keras.optimizers.schedules.LearningRateSchedule):
    """The original's schedule: constant, then linearly to 0 from `decay_start` to `total` steps."""

    def __init__(self, learning_rate: float, decay_start: int | None, total: int):
        self.learning_rate, self.decay_start, self.total = learning_rate, decay_start, total

    def __call__(self, step):
        if self.decay_start is None or self.decay_start >= self.total:
            return ops.convert_to_tensor(self.learning_rate, "float32")
        done = (ops.cast(step, "float32") - self.decay_start) / float(self.total - self.decay_start)
        return self.learning_rate * (1.0 - ops.clip(done, 0.0, 1.0))

    def get_config(self):
        return {"learning_rate": self.learning_rate, "decay_start": self.decay_start, "total": self.total}


def adam(settings: dict, total_steps: int, factor: float = 1.0) -> keras.optimizers.Adam:
    """Adam (beta1, beta2 from the settings: the original's 0.5, 0.9) at the original's rate,
    base_learning_rate x batch_size, with its schedule."""
    schedule = LinearDecayAfter(settings["base_learning_rate"] * settings["batch_size"] * factor, settings["decay_start"], total_steps)
    return keras.optimizers.Adam(schedule, beta_1=settings["beta1"], beta_2=settings["beta2"])


def dequantise(x, seed_generator):
    """Images on the 256-level grid in [0, 1] to the original's (x255 + u) / 256 in [-1, 1], one
    u ~ U(0, 1) per image."""
    u = keras.random.uniform((ops.shape(x)[0], 1, 1, 1), seed=seed_generator)
    return (ops.round(x * 255.0) + u) / 256.0 * 2.0 - 1.0


def mid_dequantise(x):
    """The deterministic version for evaluation: u = 0.5."""
    return (ops.round(x * 255.0) + 0.5) / 256.0 * 2.0 - 1.0


class Autoencoder(keras.Model):
    def __init__(self, config: AutoencoderConfig, encoder=None, decoder=None, discriminator=None,
                 kl_weight: float = 1.0, disc_start: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.config, self.kl_weight, self.disc_start = config, kl_weight, disc_start
        self.encoder = encoder or build_encoder(config)
        self.decoder = decoder or build_decoder(config)
        self.discriminator = discriminator
        if self.discriminator is None and config.discriminator:
            self.discriminator = build_discriminator(config)
        self.log_scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(config.logvar_init),
                                         name="output_log_scale")
        self.seed_generator = keras.random.SeedGenerator(config.seed)
        names = ["loss", "nll", "kl", "l1", "log_scale"] + (["g_loss", "d_loss", "d_weight"] if self.discriminator else [])
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, optimizer, d_optimizer=None, **kwargs):
        super().compile(optimizer=optimizer, **kwargs)
        self.d_optimizer = d_optimizer

    def initialise(self, batch: np.ndarray) -> None:
        """ActNorm's data-dependent initialisation on a first batch (images on the 256-level grid in
        [0, 1]), as the original's first training step: the encoder's from the images, the decoder's
        from their sampled z."""
        x = mid_dequantise(ops.convert_to_tensor(batch))
        if self.config.colorful:
            colours = np.random.default_rng(self.config.seed).uniform(0, 1, (len(batch), 1, 1, 3)).astype(np.float32)
            x = x * colours
        data_initialise(self.encoder, x)
        mean, logvar = self.encoder(x)
        data_initialise(self.decoder, sample_z(mean, logvar, self.seed_generator))

    def ae_weights(self):
        return self.encoder.trainable_weights + self.decoder.trainable_weights + [self.log_scale]

    def terms(self, x, training: bool, sample: bool = True):
        """(z, reconstruction, nll, kl, mean L1) of images x in [-1, 1]: one forward pass; z is
        drawn from the posterior, or its mean if not `sample`."""
        mean, logvar = self.encoder(x, training=training)
        z = sample_z(mean, logvar, self.seed_generator) if sample else mean
        reconstruction = self.decoder(z, training=training)
        rec = ops.abs(x - reconstruction)
        batch = ops.cast(ops.shape(x)[0], "float32")
        nll = ops.sum(rec / ops.exp(self.log_scale) + self.log_scale) / batch
        kl = 0.5 * ops.sum(ops.square(mean) + ops.exp(logvar) - 1.0 - logvar) / batch
        return z, reconstruction, nll, kl, ops.mean(rec)

    def train_step(self, data):
        x = dequantise(data, self.seed_generator)
        if self.config.colorful:  # ColorfulMNIST: grey digits times a new random colour each time
            x = x * keras.random.uniform((ops.shape(x)[0], 1, 1, 3), seed=self.seed_generator)
        # a persistent tape (kept alive for several gradients) only for the PatchGAN's extra ones:
        # it holds every intermediate until deleted, and fit() ran at 0.51-0.76 of a plain loop
        with tf.GradientTape(persistent=self.discriminator is not None) as tape:
            _, reconstruction, nll, kl, l1 = self.terms(x, training=True)
            loss = nll + self.kl_weight * kl
            if self.discriminator is not None:
                on = ops.cast(self.optimizer.iterations >= self.disc_start, "float32")
                logits_real = self.discriminator(x, training=True)
                logits_fake = self.discriminator(reconstruction, training=True)
                g_loss = -ops.mean(logits_fake)
                d_loss = 0.5 * (ops.mean(ops.softplus(-logits_real)) + ops.mean(ops.softplus(logits_fake))) * on
            # batch means: under tf.distribute the replicas' gradients are summed
            loss_share, nll_share = replica_share(loss), replica_share(nll)
            if self.discriminator is not None:
                g_share, d_share = replica_share(g_loss), replica_share(d_loss)
        weights = self.ae_weights()
        grads = tape.gradient(loss_share, weights)
        values = {"loss": loss, "nll": nll, "kl": kl, "l1": l1, "log_scale": self.log_scale}
        if self.discriminator is not None:
            # the original's adaptive weight: ||d nll / d last|| / (||d g / d last|| + 1e-4) at the
            # decoder's last layer, clamped to [0, 1e4], not differentiated
            last = self.decoder.get_layer("dec_image").kernel
            d_weight = ops.clip(ops.norm(ops.reshape(tape.gradient(nll_share, last), (-1,)))
                                / (ops.norm(ops.reshape(tape.gradient(g_share, last), (-1,))) + 1e-4), 0.0, 1e4)
            g_grads = tape.gradient(g_share, weights)  # None for the log-scale, which D never sees
            grads = [g if h is None else g + d_weight * on * h for g, h in zip(grads, g_grads)]
            d_weights = self.discriminator.trainable_weights
            self.d_optimizer.apply_gradients(zip(tape.gradient(d_share, d_weights), d_weights))
            values.update(loss=loss + d_weight * on * g_loss, g_loss=g_loss, d_loss=d_loss, d_weight=d_weight)
        del tape
        self.optimizer.apply_gradients(zip(grads, weights))
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def call(self, x, training=False):
        mean, _ = self.encoder(x, training=training)
        return self.decoder(mean, training=training)

    # ----- NumPy helpers on images in [-1, 1] at IN_SIZE -----

    def posterior(self, x: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray]:
        mean, logvar = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return mean, logvar

    def decode(self, z: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return self.decoder.predict(z, batch_size=batch_size, verbose=0)

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, config_file="autoencoder.json", encoder=self.encoder, decoder=self.decoder)

    @staticmethod
    def copy_files(source: str | Path, target: str | Path) -> None:
        """The trained autoencoder's files from `source` into `target`, byte for byte (a flow stage's
        model folder holds the autoencoder it was trained on)."""
        import shutil

        for name in AUTOENCODER_FILES:
            shutil.copy2(Path(source) / name, Path(target) / name)

    @classmethod
    def load_from(cls, folder: str | Path) -> "Autoencoder":
        config, parts = load_parts(folder, AutoencoderConfig, "encoder", "decoder", config_file="autoencoder.json")
        return cls(config, **parts)


def _unwrapped(data):
    """fit() hands a tuple of arrays over as ((a, b, ...),) and a tf.data tuple as (a, b, ...)."""
    return data[0] if len(data) == 1 else data


def gaussian_nll(e, log_det):
    """Per example: -log N(e; 0, I) - log|det| in nats, with the constant (the loss drops it)."""
    d = ops.cast(ops.shape(e)[1], "float32")
    return 0.5 * ops.sum(ops.square(e), axis=1) + 0.5 * d * LOG_2PI - log_det


def sample_z(mean, logvar, seed_generator):
    return mean + ops.exp(0.5 * logvar) * keras.random.normal(ops.shape(mean), seed=seed_generator)


class InterpretationNetwork(keras.Model):
    """The unsupervised IIN: T over the frozen autoencoder's sampled z."""

    def __init__(self, config: FlowConfig, network=None, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.network = network or build_flow(config)
        self.flow = self.network.get_layer("flow")
        self.seed_generator = keras.random.SeedGenerator(config.seed + 7)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked()}

    @staticmethod
    def tracked():
        return ("loss", "nll", "log_det")

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, optimizer, **kwargs):
        super().compile(optimizer=optimizer, **kwargs)
        # Adam's slots built now, eagerly: built inside the first traced step, T's ~400 variables
        # cost about 30 s more (bench/iin_throughput.py's warm-up)
        optimizer.build(self.flow.trainable_weights)
        self.built = True  # its network is built; fit() under tf.distribute would trace a build

    def call(self, z, training=False):
        return self.flow(z)

    def train_step(self, data):
        mean, logvar = _unwrapped(data)
        z = sample_z(mean, logvar, self.seed_generator)
        with tf.GradientTape() as tape:
            e, log_det = self.flow.forward(z)
            nll = ops.mean(0.5 * ops.sum(ops.square(e), axis=1))
            loss = nll - ops.mean(log_det)
            share = replica_share(loss)  # a batch mean
        weights = self.flow.trainable_weights
        self.optimizer.apply_gradients(zip(tape.gradient(share, weights), weights))
        return self._update(loss=loss, nll=nll, log_det=ops.mean(log_det))

    def _update(self, **values):
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ----- NumPy helpers -----

    def transform(self, z: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        return np.concatenate([ops.convert_to_numpy(self.flow(z[i: i + batch_size]))
                               for i in range(0, len(z), batch_size)]) if len(z) else z

    def invert(self, e: np.ndarray, batch_size: int = 1000) -> np.ndarray:
        return np.concatenate([ops.convert_to_numpy(self.flow.inverse(ops.convert_to_tensor(e[i: i + batch_size])))
                               for i in range(0, len(e), batch_size)]) if len(e) else e

    def nll_per_dim(self, z: np.ndarray) -> float:
        """Mean negative log-likelihood of z under T and N(0, I), in nats per dimension."""
        e, log_det = self.flow.forward(ops.convert_to_tensor(z))
        return float(ops.convert_to_numpy(ops.mean(gaussian_nll(e, log_det)))) / z.shape[1]

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, config_file="flow.json", flow=self.network)

    @classmethod
    def load_from(cls, folder: str | Path):
        config, parts = load_parts(folder, FlowConfig, "flow", config_file="flow.json")
        return cls(config, network=parts["flow"])


def factor_loss(e1, log_det1, e2, log_det2, factor, sizes, rho: float):
    """D-IIN's loss (the original's FactorLoss) of a batch of pairs: e1, e2 = T(z1), T(z2) split into
    factors of `sizes`; `factor` the index of the factor each pair shares (the others are not).
    [mean 0.5 ||e1||^2 - mean logdet1] + [sum over factors G of mean 0.5 ||e2_G - m_G rho e1_G||^2 /
    (1 - m_G rho^2) - mean logdet2], m_G = 1 where G is the shared factor."""
    loss1 = ops.mean(0.5 * ops.sum(ops.square(e1), axis=1)) - ops.mean(log_det1)
    loss2, start = -ops.mean(log_det2), 0
    for g, size in enumerate(sizes):
        shared = ops.cast(ops.equal(factor, g), "float32")
        part1, part2 = e1[:, start: start + size], e2[:, start: start + size]
        conditional = part2 - shared[:, None] * rho * part1
        loss2 = loss2 + ops.mean(0.5 * ops.sum(ops.square(conditional), axis=1) / (1.0 - shared * rho ** 2))
        start += size
    return loss1 + loss2, loss1, loss2


class FactorNetwork(InterpretationNetwork):
    """D-IIN: T trained on pairs (z1, z2) that share one factor; T(z) = (digit, colour, residual)."""

    def __init__(self, config: FlowConfig, network=None, rho: float = 0.975, **kwargs):
        super().__init__(config, network, **kwargs)
        self.rho = rho

    @staticmethod
    def tracked():
        return ("loss", "loss1", "loss2")

    def train_step(self, data):
        mean1, logvar1, mean2, logvar2, factor = _unwrapped(data)
        z1 = sample_z(mean1, logvar1, self.seed_generator)
        z2 = sample_z(mean2, logvar2, self.seed_generator)
        with tf.GradientTape() as tape:
            e1, log_det1 = self.flow.forward(z1)
            e2, log_det2 = self.flow.forward(z2)
            loss, loss1, loss2 = factor_loss(e1, log_det1, e2, log_det2, factor, self.config.factor_sizes, self.rho)
            share = replica_share(loss)  # batch means
        weights = self.flow.trainable_weights
        self.optimizer.apply_gradients(zip(tape.gradient(share, weights), weights))
        return self._update(loss=loss, loss1=loss1, loss2=loss2)

    @property
    def factor_names(self) -> tuple[str, ...]:
        return FACTOR_NAMES[: len(self.config.factor_sizes)]

    def factor_slice(self, factor: int) -> tuple[int, int]:
        start = int(sum(self.config.factor_sizes[:factor]))
        return start, start + self.config.factor_sizes[factor]

    def split(self, e: np.ndarray) -> list[np.ndarray]:
        return np.split(e, np.cumsum(self.config.factor_sizes)[:-1], axis=1)
