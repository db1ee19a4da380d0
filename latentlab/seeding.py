"""Seeds and deterministic TensorFlow ops: the same params on the same machine give the same
numbers. TensorFlow is imported only when this is called."""
from __future__ import annotations

import os


def quiet_tensorflow() -> None:
    """Keep TensorFlow's C++ log lines out of stage output; they print at import, before any
    Python-side level applies. Under op determinism every Keras fit/predict on NumPy arrays logs
    an `E0000 ... use_unbounded_threadpool` line (tf.data rewrites Keras's parallel batch map and
    names an attribute its op lacks; harmless), and feeding tf.data instead would change the
    shuffling, so the numbers. Errors still surface as Python exceptions; set
    TF_CPP_MIN_LOG_LEVEL=0 to see every line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def make_deterministic(seed: int) -> None:
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # retracing notices and the like: not the user's concern
    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's global generators
    tf.config.experimental.enable_op_determinism()


def use_onednn() -> None:
    """Turn on oneDNN's CPU kernels for this process (before TensorFlow is imported). TensorFlow
    leaves them off on this CPU class (AVX2, no AVX-512); they cut a training step of IIN's
    convolutional autoencoder to a third (bench/iin_throughput.py prints both).
    TF_ENABLE_ONEDNN_OPTS=0 in the environment keeps them off."""
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
