"""Fitting EXoN from the `exon:` params, shared by train_exon, pre_design and the beta sweep
(path_latent_recon)."""
from __future__ import annotations

import sys

import keras
import numpy as np

from ..common.training import semi_supervised_batches
from .config import EXoNConfig
from .model import EXoN, RampUp


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
