"""Seeds and deterministic TensorFlow ops: the same params on the same machine give the same
numbers. TensorFlow is imported only when this is called."""
from __future__ import annotations

import os
import re
import sys
import tempfile

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


# absl's line format, "I0000 00:00:1712345678.123456   20560 port.cc:153] ..." (severity, then a
# time that is seconds since 1970 until absl::InitializeLog is called, which no Python program
# does), and the note it writes before its first line in that state
_ABSL_LINE = re.compile(r"([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\] ")
_ABSL_NOTE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def _min_log_level() -> int:
    value = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0").strip()
    return int(value) if value.isdigit() else 0


def _held_to_level(text: str, level: int) -> str:
    """`text` without absl's note and its lines of a severity under `level` (0 INFO ... 3 FATAL, as
    TF_CPP_MIN_LOG_LEVEL counts); every other line is kept, so nothing unknown is lost."""
    kept = []
    for line in text.splitlines(keepends=True):
        line_format = _ABSL_LINE.match(line)
        if line.startswith(_ABSL_NOTE) or (line_format and "IWEF".index(line_format.group(1)) < level):
            continue
        kept.append(line)
    return "".join(kept)


def import_tensorflow() -> None:
    """Import TensorFlow and Keras with their start-up lines held to TF_CPP_MIN_LOG_LEVEL. Most of
    TensorFlow's C++ lines obey it, but not those its libraries log through absl while they load:
    with oneDNN on, each of TensorFlow 2.21's two copies of core/util/port.cc (in
    libtensorflow_framework and the profiler plugin) logs "oneDNN custom operations are on" at INFO
    from its static initialisers, after absl's note that InitializeLog was not called. absl's own
    level cannot be set from Python before those initialisers run, so the import writes its
    file descriptor 2 to a temporary file, and what it wrote goes on to stderr but for those lines.
    TF_CPP_MIN_LOG_LEVEL=0 imports without this, every line shown."""
    quiet_tensorflow()
    if "tensorflow" in sys.modules:
        return
    level = _min_log_level()
    if level == 0:
        import keras  # noqa: F401  (imports TensorFlow, its backend)
        return
    sys.stderr.flush()
    stderr = os.dup(2)
    with tempfile.TemporaryFile() as written:
        os.dup2(written.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
            import keras  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(stderr, 2)
            os.close(stderr)
            written.seek(0)
            sys.stderr.write(_held_to_level(written.read().decode(errors="replace"), level))
            sys.stderr.flush()


def make_deterministic(seed: int) -> None:
    import_tensorflow()
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
