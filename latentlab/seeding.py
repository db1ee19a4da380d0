"""Seeds and deterministic TensorFlow ops: the same params on the same machine give the same
numbers. TensorFlow is imported only when this is called."""
from __future__ import annotations

import os

ONEDNN = "TF_ENABLE_ONEDNN_OPTS"
_OURS = "LATENTLAB_ONEDNN_CHOSEN"  # marks a value set here, which child processes choose again
# the user's own TF_ENABLE_ONEDNN_OPTS wins everywhere; one set by this module in a parent does not
_ONEDNN_SET_BY_USER = None if os.environ.get(_OURS) else os.environ.get(ONEDNN)
_chosen = False


def quiet_tensorflow() -> None:
    """Keep TensorFlow's C++ log lines out of stage output; they print at import, before any
    Python-side level applies. Under op determinism every Keras fit/predict on NumPy arrays logs
    an `E0000 ... use_unbounded_threadpool` line (tf.data rewrites Keras's parallel batch map and
    names an attribute its op lacks; harmless), and feeding tf.data instead would change the
    shuffling, so the numbers. Errors still surface as Python exceptions; set
    TF_CPP_MIN_LOG_LEVEL=0 to see every line."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # oneDNN off unless a stage asks for it (use_onednn): TensorFlow's own choice follows the CPU
    # (on with AVX-512, off with AVX2), so the same params would take other kernels, and other
    # numbers, on another machine; and when on it prints a line that TF_CPP_MIN_LOG_LEVEL keeps
    global _chosen
    if not _chosen and _ONEDNN_SET_BY_USER is None:
        os.environ[ONEDNN], os.environ[_OURS] = "0", "1"
    _chosen = True


def make_deterministic(seed: int) -> None:
    quiet_tensorflow()
    import keras
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")  # retracing notices and the like: not the user's concern
    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's global generators
    tf.config.experimental.enable_op_determinism()


def use_onednn() -> None:
    """Turn on oneDNN's CPU kernels for this process (before TensorFlow is imported); every other
    process has them off, whatever TensorFlow would pick for the CPU. They cut a training step of
    IIN's convolutional autoencoder to a third on an AVX2 CPU (bench/iin_throughput.py prints both).
    TF_ENABLE_ONEDNN_OPTS in the user's environment decides instead, for every process."""
    global _chosen
    if _ONEDNN_SET_BY_USER is None:
        os.environ[ONEDNN], os.environ[_OURS] = "1", "1"
    _chosen = True
