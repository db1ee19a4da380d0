"""Seeds and deterministic TensorFlow ops: the same params on the same machine give the same
numbers. TensorFlow is imported only when this is called."""
from __future__ import annotations

import os


def make_deterministic(seed: int) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # keep stage logs to progress and results
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's global generators
    tf.config.experimental.enable_op_determinism()
