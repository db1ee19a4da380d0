"""EXoN (seed 000): a semi-supervised VAE whose prior is a mixture of one Gaussian per class.

The encoder gives one Gaussian posterior per class; a separate CNN classifier gives q(y|x); a
hard Gumbel-max sample of y (straight-through gradient) chooses which class's z the decoder sees.
Loss, summed over the batch (SPEC.md section 2):
    ||x - x_hat||^2 / 2 + beta * (KL(q(y|x) || uniform) + sum_k q_k KL(q(z|x,k) || prior_k) + CE_l)
    + lambda1 * (CE_l + mixup_l) + lambda2(epoch) * mixup_u
Mixup acts on the classifier only, one weight per batch: labelled images with Beta(0.1, 0.1) and
one-hot labels, unlabelled ones with Beta(2, 2) and soft pseudo-labels from a copy of the
classifier re-synced after every step and run in training mode; both losses are soft-target
cross-entropies. Images are in [-1, 1]; the VAE and the classifier have separate optimizers, the
classifier's with decoupled weight decay and a learning-rate schedule (learning_rates).
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
    """A hard one-hot sample of the class (Gumbel-max) whose gradient is that of the soft path
    log q + g, as the original: y = stop_gradient(y_hard - y_soft) + y_soft."""
    uniform = keras.random.uniform(ops.shape(probabilities), minval=0.0, maxval=1.0, seed=seed_generator)
    gumbel = -ops.log(-ops.log(uniform + 1e-8) + 1e-8)
    soft = ops.log(probabilities + 1e-8) + gumbel
    hard = ops.one_hot(ops.argmax(soft, axis=-1), ops.shape(probabilities)[-1], dtype=probabilities.dtype)
    return ops.stop_gradient(hard - soft) + soft


def beta_sample(shape, alpha: float, seed_generator):
    """Beta(alpha, alpha) as a / (a + b) of two Gamma(alpha) draws, in log space: for small alpha
    (0.1) float32 Gamma draws underflow to 0 and would pile the weights onto exactly 0 and 1.
    Uses Gamma(alpha) = Gamma(alpha + 1) * U^(1 / alpha)."""
    def log_gamma_draw():
        g = keras.random.gamma(shape, alpha + 1.0, seed=seed_generator)
        u = keras.random.uniform(shape, minval=1e-12, maxval=1.0, seed=seed_generator)
        return ops.log(g) + ops.log(u) / alpha

    return ops.sigmoid(log_gamma_draw() - log_gamma_draw())


def mixup(x, target, alpha: float, seed_generator, per_example: bool = False):
    """Mix the batch with a shuffled copy of itself: lambda * shuffled + (1 - lambda) * x, with one
    weight lambda ~ Beta(alpha, alpha) for the whole batch (the original's non_smooth_mixup) or,
    per_example, one for each pair (mixup's paper)."""
    batch = ops.shape(x)[0]
    weight = beta_sample((batch,) if per_example else (), alpha, seed_generator)
    order = keras.random.shuffle(ops.arange(batch), seed=seed_generator)
    image_weight = ops.reshape(weight, (-1,) + (1,) * (len(x.shape) - 1)) if per_example else weight
    target_weight = ops.reshape(weight, (-1, 1)) if per_example else weight
    mixed_x = image_weight * ops.take(x, order, axis=0) + (1.0 - image_weight) * x
    mixed_target = target_weight * ops.take(target, order, axis=0) + (1.0 - target_weight) * target
    return mixed_x, mixed_target, weight


def soft_cross_entropy(target, probabilities):
    """-sum over the batch of sum_k target_k log q_k, q clipped to [1e-10, 1] (the original's)."""
    return -ops.sum(target * ops.log(ops.clip(probabilities, 1e-10, 1.0)))


def rampup_weight(lambda1: float, epoch: float, rampup_epochs: int) -> float:
    """lambda2(epoch) = lambda1 * exp(-5 (1 - min(1, epoch / rampup))^2)."""
    progress = 1.0 if rampup_epochs <= 0 else min(1.0, epoch / rampup_epochs)
    return lambda1 * math.exp(-5.0 * (1.0 - progress) ** 2)


def rampup_weight_at_step(lambda1: float, step, rampup_steps: int):
    """The same ramp over train steps, in the graph (`step`: the optimizer's iterations before
    this step), so that it rises every step and not once per epoch."""
    progress = ops.minimum(1.0, ops.cast(step, "float32") / float(rampup_steps))
    return lambda1 * ops.exp(-5.0 * ops.square(1.0 - progress))


def learning_rates(epoch: int, epochs: int, base: float, architecture: str, decay_start: int,
                   milestones: tuple = (), gamma: float = 0.5) -> tuple[float, float]:
    """(VAE, classifier) learning rates for `epoch` (from 0), as the original's schedules.
    MNIST: the VAE's is constant; the classifier's is base * exp(-5 (epoch / epochs)^2) from
    `decay_start`. CIFAR-10: epoch 0 warms up at 0.1x (VAE) and 0.2x (classifier); the classifier's
    is then base * gamma^(milestones passed), and from the last milestone that times
    exp(-5 (1 - (epochs - epoch) / (epochs - last))^2)."""
    if architecture == "mnist":
        classifier = base * math.exp(-5.0 * (epoch / epochs) ** 2) if epoch >= decay_start else base
        return base, classifier
    if epoch == 0:
        return 0.1 * base, 0.2 * base
    passed = sum(epoch >= m for m in milestones)
    classifier = base * gamma**passed
    if milestones and epoch >= milestones[-1]:
        last = milestones[-1]
        classifier *= math.exp(-5.0 * (1.0 - (epochs - epoch) / max(epochs - last, 1)) ** 2)
    return base, classifier


# ----- the model -----


class EXoN(keras.Model):
    def __init__(self, config: EXoNConfig, encoder=None, decoder=None, classifier=None, **kwargs):
        super().__init__(name="exon", **kwargs)
        # XLA cannot compile the mixup weights' Gamma draws (StatelessRandomGammaV3), whatever the
        # augmentation; Keras then keeps jit_compile off instead of failing in the first step
        self.supports_jit = False
        self.config = config
        self.encoder = encoder or build_encoder(config)
        self.decoder = decoder or build_decoder(config)
        self.classifier = classifier or build_classifier(config)
        # The original's buffer model: a second classifier whose weights are the classifier's own,
        # re-synced after every step; it gives the unlabelled pseudo-labels in training mode.
        self.pseudo_labeler = build_classifier(config)
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

    def build_all(self):
        """Create every variable and the optimizers' slots; the pseudo-labeller starts equal."""
        import tensorflow as tf

        dummy = ops.zeros((1,) + self.config.image_shape)
        self.classifier(dummy)
        self.pseudo_labeler(dummy)
        self.encoder(dummy)
        self.decoder(ops.zeros((1, self.config.latent_dim)))
        if tf.distribute.has_strategy():
            # fit() under a strategy wants every layer built first; otherwise the augmenter builds
            # in the first step, as it always has (building it here draws its seeds in another order)
            self.augment(dummy)
        self.sync_pseudo_labeler()
        self.vae_optimizer.build(self.vae_variables)
        self.classifier_optimizer.build(self.classifier.trainable_variables)
        self.built = True  # fit() would otherwise trace a symbolic build, and EXoN has no call()

    def sync_pseudo_labeler(self):
        """The original's buffer update: trainable weights only (BN statistics stay its own, and
        it runs in training mode, where they are not used)."""
        for target, source in zip(self.pseudo_labeler.trainable_variables, self.classifier.trainable_variables):
            target.assign(source)

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
        kl_y = ops.sum(probabilities * (ops.log(ops.clip(probabilities, 1e-10, 1.0)) + math.log(k)))
        kl_z = ops.sum(probabilities * self.kl_to_prior(mean, log_variance))
        return reconstruction, kl_y, kl_z

    def losses_for(self, x_unlabeled, x_labeled, y_labeled, training=True):
        c = self.config
        x_all = ops.concatenate([x_labeled, x_unlabeled], axis=0)
        reconstruction, kl_y, kl_z = self.vae_terms(x_all, training)
        one_hot = ops.one_hot(y_labeled, c.n_classes)
        augmented_labeled = self.augment(x_labeled, training=training)
        augmented_unlabeled = self.augment(x_unlabeled, training=training)
        per_example = c.mixup_weights == "example"
        ce_labeled = soft_cross_entropy(one_hot, self.classifier(augmented_labeled, training=training))
        mixed_x, mixed_y, _ = mixup(augmented_labeled, one_hot, c.mixup_alpha_labeled, self.mixup_seed, per_example)
        mixup_labeled = soft_cross_entropy(mixed_y, self.classifier(mixed_x, training=training))
        pseudo = ops.stop_gradient(self.pseudo_labels_for(augmented_unlabeled, training))
        mixed_u, mixed_pseudo, _ = mixup(augmented_unlabeled, pseudo, c.mixup_alpha_unlabeled, self.mixup_seed,
                                         per_example)
        predicted_u = self.classifier(mixed_u, training=training)
        if c.unlabeled_loss == "squared":  # interpolation consistency training's squared error
            mixup_unlabeled = ops.sum(ops.square(predicted_u - mixed_pseudo))
        else:
            mixup_unlabeled = soft_cross_entropy(mixed_pseudo, predicted_u)
        total = (reconstruction + c.beta * (kl_y + kl_z + ce_labeled)
                 + c.lambda1 * (ce_labeled + mixup_labeled) + self.lambda2 * mixup_unlabeled)
        return {"loss": total, "reconstruction": reconstruction, "kl_y": kl_y, "kl_z": kl_z,
                "ce_labeled": ce_labeled, "mixup_labeled": mixup_labeled, "mixup_unlabeled": mixup_unlabeled}

    def pseudo_labels_for(self, x, training):
        """q(y|x) for the unlabelled mixup's targets: the original's buffer copy in training mode
        (dropout on), or with `pseudo_labels: inference` the classifier itself in inference mode."""
        if self.config.pseudo_labels == "inference":
            return self.classifier(x, training=False)
        return self.pseudo_labeler(x, training=training)

    def train_step(self, data):
        import tensorflow as tf

        (x_unlabeled, (x_labeled, y_labeled)) = data
        if self.config.rampup_steps > 0:
            self.lambda2.assign(rampup_weight_at_step(self.config.lambda1, self.classifier_optimizer.iterations,
                                                      self.config.rampup_steps))
        with tf.GradientTape(persistent=True) as tape:
            terms = self.losses_for(x_unlabeled, x_labeled, y_labeled, training=True)
        vae_vars, cls_vars = self.vae_variables, self.classifier.trainable_variables
        self.vae_optimizer.apply_gradients(zip(tape.gradient(terms["loss"], vae_vars), vae_vars))
        # AdamW's decay subtracts weight_decay * lr * (the weights before the step): the original's
        # decoupled decay through its buffer model
        self.classifier_optimizer.apply_gradients(zip(tape.gradient(terms["loss"], cls_vars), cls_vars))
        del tape
        self.sync_pseudo_labeler()
        for name, value in terms.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # ----- inference helpers (NumPy in, NumPy out; images in [-1, 1]) -----
    # Predictions are the classifier's own in inference mode, as the original's accuracy.

    def class_probabilities(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return self.classifier.predict(x, batch_size=batch_size, verbose=0)

    def predict_classes(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return np.argmax(self.class_probabilities(x, batch_size), axis=1)

    def encode(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """The posterior mean of the class the classifier predicts: the embedding of x."""
        mean, _ = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        classes = self.predict_classes(x, batch_size)
        return mean[np.arange(len(x)), classes]

    def posterior(self, x: np.ndarray, batch_size: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mean, log_variance = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return mean, log_variance, self.class_probabilities(x, batch_size)

    def decode(self, z: np.ndarray, batch_size: int = 500) -> np.ndarray:
        return self.decoder.predict(z.astype(np.float32), batch_size=batch_size, verbose=0)

    def sample_prior(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """n latent points, 1/K from each prior component in turn, and their classes."""
        return sample_prior(self.config, n, seed)

    # ----- persistence -----

    def save_to(self, folder: str | Path) -> None:
        save_parts(folder, self.config, encoder=self.encoder, decoder=self.decoder, classifier=self.classifier)

    @classmethod
    def load_from(cls, folder: str | Path) -> "EXoN":
        config, parts = load_parts(folder, EXoNConfig, "encoder", "decoder", "classifier")
        return cls(config, **parts)


class Schedules(keras.callbacks.Callback):
    """Per epoch: lambda2 from the ramp-up (unless it is counted in steps: EXoN.train_step), and
    both optimizers' learning rates (learning_rates)."""

    def __init__(self, epochs: int, base_rate: float, decay_start: int, milestones=(), gamma: float = 0.5):
        super().__init__()
        self.epochs, self.base_rate, self.decay_start = epochs, base_rate, decay_start
        self.milestones, self.gamma = tuple(milestones), gamma

    def on_epoch_begin(self, epoch, logs=None):
        c = self.model.config
        if c.rampup_steps <= 0:
            self.model.lambda2.assign(rampup_weight(c.lambda1, epoch, c.rampup_epochs))
        vae, classifier = learning_rates(epoch, self.epochs, self.base_rate, c.architecture, self.decay_start,
                                         self.milestones, self.gamma)
        self.model.vae_optimizer.learning_rate.assign(vae)
        self.model.classifier_optimizer.learning_rate.assign(classifier)
