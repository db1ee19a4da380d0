"""InceptionV3 pool features for the classic FID, from a weights file the user supplies.

The weights are never downloaded (no network here, and Inception features suit 28 x 28 digits
poorly); the project's default FID uses its own classifier's features instead.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

INCEPTION_SIZE = 299


def inception_features(weights: str | Path, images: np.ndarray, batch_size: int = 50) -> np.ndarray:
    """2048-d average-pool features of images in [0, 1] (grey images are repeated to RGB)."""
    import keras
    import tensorflow as tf

    network = keras.applications.InceptionV3(
        include_top=False, weights=None, pooling="avg", input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3)
    )
    network.load_weights(str(weights))
    features = []
    for start in range(0, len(images), batch_size):
        batch = tf.convert_to_tensor(images[start : start + batch_size], dtype=tf.float32)
        if batch.shape[-1] == 1:
            batch = tf.repeat(batch, 3, axis=-1)
        batch = tf.image.resize(batch, (INCEPTION_SIZE, INCEPTION_SIZE), method="bilinear")
        features.append(network(batch * 2.0 - 1.0, training=False).numpy())  # Inception expects [-1, 1]
    return np.concatenate(features).astype(np.float64)
