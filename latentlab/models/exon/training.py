"""Fitting EXoN from the `exon:` params, shared by train_exon, pre_design and the beta sweep
(path_latent_recon)."""
from __future__ import annotations

import sys

import keras
import numpy as np

from ...runtime import Runtime, current_runtime
from .config import EXoNConfig
from .model import EXoN, Schedules


def exon_batches(x: np.ndarray, x_labeled: np.ndarray, y_labeled: np.ndarray, batch_size: int,
                 labeled_batch_size: int, seed: int):
    """The original's batches: `labeled_batch_size` labelled images beside
    `batch_size - labeled_batch_size` unlabelled ones (every training image, labelled or not),
    each stream reshuffled whenever it runs out, independently of the epochs."""
    import tensorflow as tf

    def endless(dataset, n, size, stream_seed):
        return dataset.shuffle(n, seed=stream_seed, reshuffle_each_iteration=True).repeat().batch(size, drop_remainder=True)

    unlabeled = endless(tf.data.Dataset.from_tensor_slices(x), len(x), batch_size - labeled_batch_size, seed)
    labeled = endless(tf.data.Dataset.from_tensor_slices((x_labeled, y_labeled)), len(x_labeled),
                      labeled_batch_size, seed + 1)
    return tf.data.Dataset.zip((unlabeled, labeled)).prefetch(tf.data.AUTOTUNE)


def steps_per_epoch(n_images: int, batch_size: int) -> int:
    """The original's epoch: len(unlabelled set) // batch_size steps (at least one)."""
    return max(1, n_images // batch_size)


def fit_exon(config: EXoNConfig, settings: dict, x: np.ndarray, labeled: np.ndarray, labels: np.ndarray,
             epochs: int, seed: int, callbacks: list | None = None, runtime: Runtime | None = None) -> EXoN:
    """Train EXoN from scratch on images `x` in [-1, 1], of which the positions `labeled` carry
    `labels`, with the `exon:` settings' batches, optimizers and schedules, under `runtime`
    (default: this process's strategy)."""
    runtime = runtime or current_runtime()
    labeled_batch = min(settings["labeled_batch_size"], len(labeled))
    batch = min(settings["batch_size"], len(x) + labeled_batch)
    steps = steps_per_epoch(len(x), batch)
    with runtime.scope():
        model = EXoN(config)
        model.compile(
            vae_optimizer=keras.optimizers.Adam(settings["learning_rate"]),
            # eval_ema > 0: the optimizer also keeps an average of the classifier's weights, put in
            # place after training (evaluation only: the pseudo-labeller follows the live weights)
            classifier_optimizer=keras.optimizers.AdamW(settings["learning_rate"], weight_decay=settings["weight_decay"],
                                                        use_ema=settings["eval_ema"] > 0,
                                                        ema_momentum=settings["eval_ema"] or 0.99),
            **runtime.compile_options_for(steps),
        )
        model.build_all()
    batches = exon_batches(x, x[labeled], labels[labeled], batch, labeled_batch, seed)
    schedules = Schedules(epochs, settings["learning_rate"], settings["lr_decay_start"],
                          sorted(settings["lr_milestones"]), settings["lr_gamma"])
    model.fit(batches, epochs=epochs, steps_per_epoch=steps, shuffle=False,  # exon_batches shuffles, from the seed
              callbacks=[schedules, *(callbacks or [])], verbose=1 if sys.stdout.isatty() else 2)
    if settings["eval_ema"] > 0:  # fit() finalizes only a model's own `optimizer`, which EXoN has not
        model.classifier_optimizer.finalize_variable_values(model.classifier.trainable_variables)
    return model
