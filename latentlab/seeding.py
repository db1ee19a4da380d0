"""Seeds and deterministic TensorFlow ops: the same params on the same machine give the same
numbers. TensorFlow is imported only when this is called."""
from __future__ import annotations


def make_deterministic(seed: int) -> None:
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's global generators
    tf.config.experimental.enable_op_determinism()
