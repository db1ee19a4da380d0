"""Bi-InfoGAN as one Keras model: G, E and D, a train_step for fit(), and NumPy helpers.

Each step draws a latent from the prior, runs one forward pass, and updates D and G + E from
that same pass on the same batch, as the original's single session run does:
  D:     -mean[log D(x, E(x)) + log(1 - D(G(l), l))]
  G + E: -mean[log D(G(l), l) + log(1 - D(x, E(x)))] + CE(c, E(G(l))_c) + Gaussian NLL(c_cont)
with every weight 1 (`info_weight_*` switch the information terms' lambdas) and the information
terms on generated images only. D's output is kept as a
logit, so log D = log_sigmoid(logit): the original's log(D + 1e-8) without its clipping.
The original runs real and fake pairs through D in two calls (and E's real and generated images
in two): `d_batch` / `e_batch: joint` runs each as one batch, so that batch norm's statistics
span both (README: without it D cannot tell a grey batch from digits at this size).
"""
from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np
from keras import ops

from ...runtime import replica_share
from ..common.persistence import load_parts, save_parts
from .config import BiInfoGANConfig
from .networks import build_discriminator, build_encoder, build_generator

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def prior_latent(config: BiInfoGANConfig, n: int, rng: np.random.Generator) -> np.ndarray:
    """n latents from the prior, NumPy: z and continuous U(-1, 1), uniform one-hot categories."""
    parts = [rng.uniform(-1.0, 1.0, (n, config.n_z))]
    parts += [np.eye(size)[rng.integers(0, size, n)] for size in config.categorical]
    parts.append(rng.uniform(-1.0, 1.0, (n, config.n_continuous)))
    return np.concatenate(parts, axis=1).astype(np.float32)


def snap_categories(config: BiInfoGANConfig, latent: np.ndarray) -> np.ndarray:
    """Each categorical part replaced by the one-hot of its argmax (a code G was trained on)."""
    latent = np.array(latent, dtype=np.float32, copy=True)
    for name, part in config.layout().items():
        if name.startswith("c") and name != "continuous":
            block = latent[:, part]
            latent[:, part] = np.eye(block.shape[1], dtype=np.float32)[np.argmax(block, axis=1)]
    return latent


class BiInfoGAN(keras.Model):
    def __init__(self, config: BiInfoGANConfig, generator=None, encoder=None, discriminator=None, **kwargs):
        super().__init__(name="biinfogan", **kwargs)
        self.config = config
        self.generator = generator or build_generator(config)
        self.encoder = encoder or build_encoder(config)
        self.discriminator = discriminator or build_discriminator(config)
        self.latent_seed = keras.random.SeedGenerator(config.seed + 7)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in
                         ("d_loss", "ge_loss", "adversarial", "info_categorical", "info_continuous", "d_real", "d_fake",
                          "g_mean", "g_std")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, d_optimizer, ge_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.ge_optimizer = d_optimizer, ge_optimizer
        # slots built now, eagerly: under tf.distribute they cannot be created inside a traced step
        d_optimizer.build(self.discriminator.trainable_weights)
        ge_optimizer.build(self.ge_weights())

    def sample_latent(self, n):
        parts = [keras.random.uniform((n, self.config.n_z), -1.0, 1.0, seed=self.latent_seed)]
        for size in self.config.categorical:
            category = keras.random.randint((n,), 0, size, seed=self.latent_seed)
            parts.append(ops.one_hot(category, size))
        parts.append(keras.random.uniform((n, self.config.n_continuous), -1.0, 1.0, seed=self.latent_seed))
        return ops.concatenate(parts, axis=1)

    def encode_latent(self, x, training=False):
        """E's outputs concatenated in the latent layout (softmax probabilities for categories)."""
        outputs = self.encoder(x, training=training)
        return ops.concatenate(outputs if isinstance(outputs, (list, tuple)) else [outputs], axis=1)

    def discriminate(self, x, encoded, fake, latent, training: bool):
        """D's logits of the real pairs (x, E(x)) and the fake pairs (G(l), l)."""
        if self.config.d_batch == "joint":
            # one batch of real and fake pairs: batch norm's statistics span both, so D sees what
            # sets a batch of fakes apart from a batch of digits (brightness, contrast)
            n = ops.shape(x)[0]
            logits = self.discriminator([ops.concatenate([x, fake], axis=0),
                                         ops.concatenate([encoded, latent], axis=0)], training=training)
            return logits[:n], logits[n:]
        return (self.discriminator([x, encoded], training=training),
                self.discriminator([fake, latent], training=training))

    def losses_on(self, x, latent, training: bool):
        """(d_loss, ge_loss, parts) for one batch of images and prior latents."""
        fake = self.generator(latent, training=training)
        if self.config.e_batch == "joint":
            n = ops.shape(x)[0]
            both = self.encode_latent(ops.concatenate([x, fake], axis=0), training=training)
            encoded, recovered = both[:n], both[n:]
        else:
            encoded = self.encode_latent(x, training=training)
            recovered = self.encode_latent(fake, training=training)
        d_real, d_fake = self.discriminate(x, encoded, fake, latent, training=training)
        d_loss = ops.mean(ops.softplus(-d_real) + ops.softplus(d_fake))
        adversarial = ops.mean(ops.softplus(-d_fake) + ops.softplus(d_real))
        info_categorical = 0.0
        for name, part in self.config.layout().items():
            if name.startswith("c") and name != "continuous":
                probs = ops.clip(recovered[:, part], 1e-8, 1.0)
                info_categorical += ops.mean(-ops.sum(latent[:, part] * ops.log(probs), axis=1))
        cont = self.config.layout()["continuous"]
        info_continuous = ops.mean(ops.sum(HALF_LOG_2PI + 0.5 * ops.square(latent[:, cont] - recovered[:, cont]), axis=1))
        ge_loss = (adversarial + self.config.info_weight_categorical * info_categorical
                   + self.config.info_weight_continuous * info_continuous)
        parts = {"adversarial": adversarial, "info_categorical": info_categorical,
                 "info_continuous": info_continuous,
                 "d_real": ops.mean(ops.sigmoid(d_real)), "d_fake": ops.mean(ops.sigmoid(d_fake)),
                 "g_mean": ops.mean(fake), "g_std": ops.std(fake)}  # grey samples: std far below the data's
        return d_loss, ge_loss, parts

    def ge_weights(self):
        return self.generator.trainable_weights + self.encoder.trainable_weights

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, tuple) else data
        latent = self.sample_latent(ops.shape(x)[0])
        with tf.GradientTape(persistent=True) as tape:
            d_loss, ge_loss, parts = self.losses_on(x, latent, training=True)
            d_share, ge_share = replica_share(d_loss), replica_share(ge_loss)  # batch means
        d_weights, ge_weights = self.discriminator.trainable_weights, self.ge_weights()
        d_grads = tape.gradient(d_share, d_weights)
        ge_grads = tape.gradient(ge_share, ge_weights)
        del tape
        # both from the same forward pass, as the original's one session run
        self.d_optimizer.apply_gradients(zip(d_grads, d_weights))
        self.ge_optimizer.apply_gradients(zip(ge_grads, ge_weights))
        for name, value in {"d_loss": d_loss, "ge_loss": ge_loss, **parts}.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def call(self, x, training=False):
        """G(E(x)): E's raw outputs (softmax, tanh) fed to G, as the original's reconstructions."""
        return self.generator(self.encode_latent(x, training=training), training=training)

    # ----- NumPy helpers -----

    def encode(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        outputs = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return np.concatenate(outputs if isinstance(outputs, list) else [outputs], axis=1)

    def decode(self, latent: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return self.generator.predict(np.asarray(latent, np.float32), batch_size=batch_size, verbose=0)

    def categories(self, x: np.ndarray) -> np.ndarray:
        """The first categorical code's argmax: the cluster of each image."""
        return np.argmax(self.encode(x)[:, self.config.layout()["c1"]], axis=1)

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return self.decode(self.encode(x))

    # ----- persistence -----

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, generator=self.generator, encoder=self.encoder,
                   discriminator=self.discriminator)

    @classmethod
    def load_from(cls, folder: str | Path) -> "BiInfoGAN":
        config, parts = load_parts(folder, BiInfoGANConfig, "generator", "encoder", "discriminator")
        return cls(config, **parts)


def optimizers(settings: dict, iterations: int):
    """Adam (beta1 from params) for D and for G + E, each with the original's polynomial decay
    (power 0.5) from its learning rate to `final_lr_fraction` of it over `iterations` steps."""
    def adam(lr):
        schedule = keras.optimizers.schedules.PolynomialDecay(
            lr, decay_steps=iterations, end_learning_rate=lr * settings["final_lr_fraction"], power=0.5)
        return keras.optimizers.Adam(schedule, beta_1=settings["beta1"])

    return adam(settings["learning_rate_d"]), adam(settings["learning_rate_ge"])
