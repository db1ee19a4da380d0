"""EXoN (seed 000): a semi-supervised VAE whose prior is a mixture of one Gaussian per class.

The encoder gives one Gaussian posterior per class; a separate CNN classifier gives q(y|x); a
hard Gumbel-max sample of y (straight-through gradient) chooses which class's z the decoder sees.
Loss, summed over the batch (SPEC.md section 2):
    ||x - x_hat||^2 / 2 + beta * (KL(q(y|x) || uniform) + sum_k q_k KL(q(z|x,k) || prior_k) + CE_l)
    + lambda1 * (CE_l + mixup_l) + lambda2(epoch) * mixup_u
Mixup acts on the classifier only: labelled pairs with Beta(0.1, 0.1) weights and one-hot labels,
unlabelled pairs with Beta(2, 2) weights and soft pseudo-labels from a slowly updated (EMA) copy
of the classifier. Images are in [-1, 1]; the VAE and the classifier have separate optimizers.
"""
from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np
from keras import ops

from ..common.persistence import load_parts, save_parts
from .config import EXoNConfig
from .networks import build_augmenter, build_classifier, build_decoder, build_encoder
from .prior import prior_parameters, sample_prior


# ----- sampling helpers -----


def straight_through_gumbel(probabilities, seed_generator):
    """A hard one-hot sample of the class (Gumbel-max) whose gradient is that of the probabilities."""
    uniform = keras.random.uniform(ops.shape(probabilities), minval=1e-8, maxval=1.0, seed=seed_generator)
    gumbel = -ops.log(-ops.log(uniform))
    index = ops.argmax(ops.log(probabilities + 1e-8) + gumbel, axis=-1)
    hard = ops.one_hot(index, ops.shape(probabilities)[-1], dtype=probabilities.dtype)
    return hard + probabilities - ops.stop_gradient(probabilities)


def beta_sample(shape, alpha: float, seed_generator):
    """Beta(alpha, alpha) as a / (a + b) of two Gamma(alpha) draws, in log space: for small alpha
    (0.1) float32 Gamma draws underflow to 0 and would pile the weights onto exactly 0 and 1.
    Uses Gamma(alpha) = Gamma(alpha + 1) * U^(1 / alpha)."""
    def log_gamma_draw():
        g = keras.random.gamma(shape, alpha + 1.0, seed=seed_generator)
        u = keras.random.uniform(shape, minval=1e-12, maxval=1.0, seed=seed_generator)
        return ops.log(g) + ops.log(u) / alpha

    return ops.sigmoid(log_gamma_draw() - log_gamma_draw())


def mixup(x, target, alpha: float, seed_generator):
    """Mix each example with a random partner: weights lambda ~ Beta(alpha, alpha), one per pair."""
    batch = ops.shape(x)[0]
    weight = beta_sample((batch,), alpha, seed_generator)
    order = keras.random.shuffle(ops.arange(batch), seed=seed_generator)
    image_weight = ops.reshape(weight, (-1,) + (1,) * (len(x.shape) - 1))
    mixed_x = image_weight * x + (1.0 - image_weight) * ops.take(x, order, axis=0)
    label_weight = ops.reshape(weight, (-1, 1))
    mixed_target = label_weight * target + (1.0 - label_weight) * ops.take(target, order, axis=0)
    return mixed_x, mixed_target, weight


def rampup_weight(lambda1: float, epoch: float, rampup_epochs: int) -> float:
    """lambda2(epoch) = lambda1 * exp(-5 (1 - min(1, epoch / rampup))^2)."""
    progress = 1.0 if rampup_epochs <= 0 else min(1.0, epoch / rampup_epochs)
    return lambda1 * math.exp(-5.0 * (1.0 - progress) ** 2)


# ----- the model -----


class EXoN(keras.Model):
    def __init__(self, config: EXoNConfig, encoder=None, decoder=None, classifier=None, teacher=None, **kwargs):
        super().__init__(name="exon", **kwargs)
        self.config = config
        self.encoder = encoder or build_encoder(config)
        self.decoder = decoder or build_decoder(config)
        self.classifier = classifier or build_classifier(config)
        self.teacher = teacher or build_classifier(config)  # the slowly updated copy for pseudo-labels
        self.augment = build_augmenter(config)
        means, variances = prior_parameters(config)
        self.prior_means = ops.convert_to_tensor(means.astype(np.float32))
        self.prior_variances = ops.convert_to_tensor(variances.astype(np.float32))
        self.sample_seed = keras.random.SeedGenerator(config.seed + 10)
        self.mixup_seed = keras.random.SeedGenerator(config.seed + 20)
        self.lambda2 = keras.Variable(0.0, trainable=False, name="lambda2")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in
                         ("loss", "reconstruction", "kl_y", "kl_z", "ce_labeled", "mixup_labeled", "mixup_unlabeled")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, vae_optimizer, classifier_optimizer, **kwargs):
        super().compile(**kwargs)
        self.vae_optimizer = vae_optimizer
        self.classifier_optimizer = classifier_optimizer

    def build_all(self, copy_teacher: bool = True):
        """Create every variable; the teacher starts as an exact copy of the classifier unless it
        was trained already (copy_teacher=False)."""
        dummy = ops.zeros((1,) + self.config.image_shape)
        self.classifier(dummy)
        self.teacher(dummy)
        self.encoder(dummy)
        self.decoder(ops.zeros((1, self.config.latent_dim)))
        if copy_teacher:
            for target, source in zip(self.teacher.variables, self.classifier.variables):
                target.assign(source)
        self.vae_optimizer.build(self.vae_variables)
        self.classifier_optimizer.build(self.classifier.trainable_variables)

    @property
    def vae_variables(self):
        return self.encoder.trainable_variables + self.decoder.trainable_variables

    # ----- loss terms -----

    def posterior_sample(self, mean, log_variance):
        eps = keras.random.normal(ops.shape(mean), seed=self.sample_seed)
        return mean + ops.exp(0.5 * log_variance) * eps

    def kl_to_prior(self, mean, log_variance):
        """KL(q(z|x,k) || prior_k) for every class k: (batch, n_classes)."""
        variance = ops.exp(log_variance)
        terms = (ops.log(self.prior_variances) - log_variance
                 + (variance + ops.square(mean - self.prior_means)) / self.prior_variances - 1.0)
        return 0.5 * ops.sum(terms, axis=-1)

    def vae_terms(self, x, training):
        """Reconstruction, KL(q(y|x) || uniform) and sum_k q_k KL_k, each summed over the batch."""
        probabilities = self.classifier(x, training=training)
        mean, log_variance = self.encoder(x, training=training)
        z_all = self.posterior_sample(mean, log_variance)
        y = straight_through_gumbel(probabilities, self.sample_seed)
        z = ops.sum(ops.expand_dims(y, -1) * z_all, axis=1)
        x_hat = self.decoder(z, training=training)
        reconstruction = 0.5 * ops.sum(ops.square(x - x_hat))
        k = self.config.n_classes
        kl_y = ops.sum(probabilities * (ops.log(probabilities + 1e-8) + math.log(k)))
        kl_z = ops.sum(probabilities * self.kl_to_prior(mean, log_variance))
        return reconstruction, kl_y, kl_z

    def losses_for(self, x_unlabeled, x_labeled, y_labeled, training=True):
        c = self.config
        x_all = ops.concatenate([x_unlabeled, x_labeled], axis=0)
        reconstruction, kl_y, kl_z = self.vae_terms(x_all, training)
        one_hot = ops.one_hot(y_labeled, c.n_classes)
        augmented_labeled = self.augment(x_labeled, training=training)
        ce_labeled = ops.sum(keras.losses.categorical_crossentropy(one_hot, self.classifier(augmented_labeled, training=training)))
        mixed_x, mixed_y, _ = mixup(augmented_labeled, one_hot, c.mixup_alpha_labeled, self.mixup_seed)
        mixup_labeled = ops.sum(keras.losses.categorical_crossentropy(mixed_y, self.classifier(mixed_x, training=training)))
        augmented_unlabeled = self.augment(x_unlabeled, training=training)
        pseudo = ops.stop_gradient(self.teacher(augmented_unlabeled, training=False))
        mixed_u, mixed_pseudo, _ = mixup(augmented_unlabeled, pseudo, c.mixup_alpha_unlabeled, self.mixup_seed)
        # squared error to the mixed soft pseudo-labels, as in interpolation consistency training
        mixup_unlabeled = ops.sum(ops.square(self.classifier(mixed_u, training=training) - mixed_pseudo))
        total = (reconstruction + c.beta * (kl_y + kl_z + ce_labeled)
                 + c.lambda1 * (ce_labeled + mixup_labeled) + self.lambda2 * mixup_unlabeled)
        return {"loss": total, "reconstruction": reconstruction, "kl_y": kl_y, "kl_z": kl_z,
                "ce_labeled": ce_labeled, "mixup_labeled": mixup_labeled, "mixup_unlabeled": mixup_unlabeled}

    def train_step(self, data):
        import tensorflow as tf

        (x_unlabeled, (x_labeled, y_labeled)) = data
        with tf.GradientTape(persistent=True) as tape:
            terms = self.losses_for(x_unlabeled, x_labeled, y_labeled, training=True)
        vae_vars, cls_vars = self.vae_variables, self.classifier.trainable_variables
        self.vae_optimizer.apply_gradients(zip(tape.gradient(terms["loss"], vae_vars), vae_vars))
        self.classifier_optimizer.apply_gradients(zip(tape.gradient(terms["loss"], cls_vars), cls_vars))
        del tape
        # Mean-teacher warm-up: average over the steps so far until there are 1 / (1 - decay) of them
        step = ops.cast(self.classifier_optimizer.iterations, "float32")
        decay = ops.minimum(self.config.ema_decay, 1.0 - 1.0 / (step + 1.0))
        for target, source in zip(self.teacher.variables, self.classifier.variables):
            target.assign(decay * target + (1.0 - decay) * source)
        for name, value in terms.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ----- inference helpers (NumPy in, NumPy out; images in [-1, 1]) -----
    # Predictions use the slowly updated copy: on the embedded run it is as accurate as the last
    # step's classifier and far steadier from epoch to epoch (the mean-teacher practice).

    def predict_classes(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return np.argmax(self.teacher.predict(x, batch_size=batch_size, verbose=0), axis=1)

    def encode(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """The posterior mean of the class the classifier predicts: the embedding of x."""
        mean, _ = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        classes = self.predict_classes(x, batch_size)
        return mean[np.arange(len(x)), classes]

    def posterior(self, x: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean, log_variance = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return mean, log_variance, self.teacher.predict(x, batch_size=batch_size, verbose=0)

    def decode(self, z: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return self.decoder.predict(z.astype(np.float32), batch_size=batch_size, verbose=0)

    def sample_prior(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """n latent points, 1/K from each prior component in turn, and their classes."""
        return sample_prior(self.config, n, seed)

    # ----- persistence -----

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, encoder=self.encoder, decoder=self.decoder,
                   classifier=self.classifier, teacher=self.teacher)

    @classmethod
    def load_from(cls, folder: str | Path) -> "EXoN":
        config, parts = load_parts(folder, EXoNConfig, "encoder", "decoder", "classifier", "teacher")
        return cls(config, **parts)


class RampUp(keras.callbacks.Callback):
    """Sets lambda2 for each epoch from the ramp-up schedule."""

    def on_epoch_begin(self, epoch, logs=None):
        c = self.model.config
        self.model.lambda2.assign(rampup_weight(c.lambda1, epoch, c.rampup_epochs))


