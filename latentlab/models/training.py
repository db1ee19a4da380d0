"""Input pipelines shared by the model families' fit() calls."""
from __future__ import annotations

import numpy as np


def shuffled_batches(x: np.ndarray, batch_size: int, seed: int):
    """A tf.data pipeline reshuffled every epoch from `seed`: the same order on every run, and
    roughly a third faster per step than handing fit() the NumPy array (bench/vae_throughput.py)."""
    import tensorflow as tf

    return (
        tf.data.Dataset.from_tensor_slices(x)
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .prefetch(tf.data.AUTOTUNE)
    )
