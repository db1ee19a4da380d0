"""The Kingma & Welling VAE family (seeds 004 and 002) as one Keras model.

Modes: `vae` (reparameterised Gaussian posterior, Bernoulli decoder, beta-weighted KL),
`ae` (z = posterior mean, no KL, no sampling), `no_encoder` (z ~ N(0, I) whatever the input,
to show why an encoder is needed). Denoising corrupts the input only; the target stays clean.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from keras import ops

from ...runtime import replica_share
from ..common.persistence import load_parts, save_parts
from .config import VAEConfig
from .elbo import bernoulli_nll, elbo_summary, gaussian_kl
from .networks import STD_FLOOR, build_decoder, build_encoder, posterior_std


class VAE(keras.Model):
    """Encoder + decoder with a train_step, so fit() gives progress bars and callbacks."""

    def __init__(self, config: VAEConfig, encoder=None, decoder=None, **kwargs):
        super().__init__(name="vae", **kwargs)
        self.config = config
        self.encoder = encoder or build_encoder(config)
        self.decoder = decoder or build_decoder(config)
        self.noise_seed = keras.random.SeedGenerator(config.seed)
        self.sample_seed = keras.random.SeedGenerator(config.seed + 1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction")
        self.kl_tracker = keras.metrics.Mean(name="kl")

    @property
    def metrics(self):
        return [self.loss_tracker, self.reconstruction_tracker, self.kl_tracker]

    def corrupt(self, x):
        """The denoising input: salt & pepper (seed 004, clipped) or Gaussian (seed 002)."""
        noise = self.config.noise
        if noise == "salt_pepper":
            keep = keras.random.randint(ops.shape(x), 0, 2, seed=self.noise_seed)
            salt = keras.random.randint(ops.shape(x), 0, 2, seed=self.noise_seed)
            return ops.clip(x * ops.cast(keep, x.dtype) + ops.cast(salt, x.dtype), 0.0, 1.0)
        if noise == "gaussian":
            gauss = keras.random.normal(ops.shape(x), seed=self.noise_seed)
            return ops.clip(x + self.config.noise_factor * gauss, 0.0, 1.0)
        return x

    def latent(self, x, training=False):
        """(z, kl per example) for the configured mode."""
        mode = self.config.mode
        if mode == "no_encoder":
            z = keras.random.normal((ops.shape(x)[0], self.config.dim_z), seed=self.sample_seed)
            return z, ops.zeros((ops.shape(x)[0],))
        mean, raw_std = self.encoder(x, training=training)
        if mode == "ae":
            return mean, ops.zeros((ops.shape(x)[0],))
        std = posterior_std(raw_std)
        z = mean + std * keras.random.normal(ops.shape(mean), seed=self.sample_seed)
        kl = 0.5 * ops.sum(ops.square(mean) + ops.square(std) - 2.0 * ops.log(std) - 1.0, axis=1)
        return z, kl

    def loss_terms(self, x_input, x_target, training=False):
        z, kl = self.latent(x_input, training=training)
        logits = self.decoder(z, training=training)
        nll = ops.softplus(logits) - x_target * logits  # Bernoulli -log p, stable in the logits
        reconstruction = ops.sum(ops.reshape(nll, (ops.shape(nll)[0], -1)), axis=1)
        loss = ops.mean(reconstruction + self.config.beta * kl)
        return loss, ops.mean(reconstruction), ops.mean(kl)

    def call(self, x, training=False):
        """Reconstruction probabilities from the posterior mean (the prior for no_encoder)."""
        if self.config.mode == "no_encoder":
            z, _ = self.latent(x, training=training)
        else:
            z, _ = self.encoder(x, training=training)
        return ops.sigmoid(self.decoder(z, training=training))

    def _update(self, loss, reconstruction, kl):
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            loss, reconstruction, kl = self.loss_terms(self.corrupt(x), x, training=True)
            share = replica_share(loss)  # a batch mean
        grads = tape.gradient(share, self.trainable_weights)
        # ae leaves the std head unused and no_encoder the whole encoder: update only what the loss reaches
        used = [(g, w) for g, w in zip(grads, self.trainable_weights) if g is not None]
        self.optimizer.apply_gradients(used)
        return self._update(loss, reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._update(*self.loss_terms(x, x, training=False))

    # ----- inference helpers (numpy in, numpy out) -----

    def encode(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """Posterior means: the embedding of `x`."""
        mean, _ = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return mean

    def decode(self, z: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """Pixel probabilities for latent points."""
        logits = self.decoder.predict(z, batch_size=batch_size, verbose=0)
        return 1.0 / (1.0 + np.exp(-logits))

    def evaluate_elbo(self, x: np.ndarray, n_samples: int, seed: int, batch_size: int = 500) -> dict:
        """Test ELBO in nats (Monte-Carlo over `n_samples` draws of z, analytic KL)."""
        rng = np.random.default_rng(seed)
        n = len(x)
        mode = self.config.mode
        if mode == "no_encoder":  # q(z|x) = prior: KL 0, reconstruction over prior draws
            mean, std, kl = np.zeros((n, self.config.dim_z)), np.ones((n, self.config.dim_z)), np.zeros(n)
        else:
            mean, raw = self.encoder.predict(x, batch_size=batch_size, verbose=0)
            std = np.logaddexp(0.0, raw) + STD_FLOOR
            kl = None if mode == "ae" else gaussian_kl(mean, std)
        draws = 1 if mode == "ae" else n_samples
        nll = np.zeros(n)
        for _ in range(draws):
            z = mean if mode == "ae" else mean + std * rng.standard_normal(mean.shape)
            logits = self.decoder.predict(z.astype(np.float32), batch_size=batch_size, verbose=0)
            nll += bernoulli_nll(x, logits)
        return elbo_summary(nll / draws, kl)

    # ----- persistence -----

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, encoder=self.encoder, decoder=self.decoder)

    @classmethod
    def load_from(cls, folder: str | Path) -> "VAE":
        config, parts = load_parts(folder, VAEConfig, "encoder", "decoder")
        return cls(config, **parts)
