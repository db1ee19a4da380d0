"""Building and fitting EXoN from the `exon:` params, shared by train_exon, pre_design and the
beta sweep (path_latent_recon)."""
from __future__ import annotations

import sys

import keras
import numpy as np

from .exon import EXoN, EXoNConfig, RampUp
from .training import semi_supervised_batches

# The `exon:` keys that are EXoNConfig fields (the rest are optimizer and schedule settings).
CONFIG_KEYS = ("latent_dim", "sigma", "dist", "sigma1", "sigma2", "beta", "lambda1", "rampup_epochs",
               "mixup_alpha_labeled", "mixup_alpha_unlabeled", "ema_decay")


def config_from_params(settings: dict, image_shape, n_classes: int, seed: int, **overrides) -> EXoNConfig:
    fields = {key: settings[key] for key in CONFIG_KEYS}
    fields.update(overrides)
    architecture = "mnist" if image_shape[-1] == 1 else "cifar10"
    return EXoNConfig(image_shape=tuple(image_shape), n_classes=n_classes, architecture=architecture, seed=seed, **fields)


def fit_exon(config: EXoNConfig, settings: dict, x: np.ndarray, labeled: np.ndarray, labels: np.ndarray,
             epochs: int, seed: int, callbacks: list | None = None, start_from: EXoN | None = None) -> EXoN:
    """Train EXoN on images `x` in [-1, 1], of which the positions `labeled` carry `labels`;
    from scratch, or continuing from the networks of a trained model (`start_from`)."""
    parts = {} if start_from is None else {
        "encoder": start_from.encoder, "decoder": start_from.decoder,
        "classifier": start_from.classifier, "teacher": start_from.teacher,
    }
    model = EXoN(config, **parts)
    model.compile(
        vae_optimizer=keras.optimizers.Adam(settings["learning_rate"]),
        classifier_optimizer=keras.optimizers.AdamW(settings["learning_rate"], weight_decay=settings["weight_decay"]),
    )
    model.build_all(copy_teacher=start_from is None)
    batches = semi_supervised_batches(
        x, x[labeled], labels[labeled], min(settings["batch_size"], len(x)),
        min(settings["labeled_batch_size"], len(labeled)), seed,
    )
    model.fit(batches, epochs=epochs, shuffle=False, callbacks=[RampUp(), *(callbacks or [])],
              verbose=1 if sys.stdout.isatty() else 2)
    return model
