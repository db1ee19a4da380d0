"""Ctrl-C that always ends a stage in one line, even where a library swallows or wraps
KeyboardInterrupt, and never from inside TensorFlow.

Python turns SIGINT into a KeyboardInterrupt at the next bytecode of the main thread. When that
bytecode belongs to Python code that TensorFlow's C++ called (an import inside tf.nest, tf.data's
structure checks), the C++ side prints a traceback of its own, turns the error into a SystemError,
or crashes or hangs the process (bench/ctrl_c_race.py: a segfault within 26 signals at seed 0, a
hung tf.data iterator within 68 at seed 1). So the handler here raises at once only in our own
code (this package and the running script's folder); anywhere else it waits for the next call
into our own code (a Keras callback, the stage's next line that calls a helper), and after GRACE
seconds without one, for the next Python call outside the import system. It also remembers the
signal, so the atomic writers (latentlab.io) refuse to put any output in place afterwards and the
stage's runner (latentlab.cli) still reports the interruption when a library swallowed or wrapped
it. Inside `held()` the KeyboardInterrupt waits for the block's end, for steps that must not stop
half-way."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from typing import Iterator

GRACE = 2.0  # seconds to wait for our own code before raising in any Python call
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep

_interrupted = False
_held = 0
_deadline = 0.0
_own: tuple[str, ...] = (_PACKAGE,)


def _own_folders() -> tuple[str, ...]:
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c") else ""
    return (_PACKAGE, os.path.dirname(script) + os.sep) if script else (_PACKAGE,)


def _is_own(frame) -> bool:
    return frame is not None and frame.f_code.co_filename.startswith(_own)


def waiting_for_own_code(frame, event, arg):
    """sys.settrace hook while a Ctrl-C waits: raise on entering our code, or any code after GRACE."""
    if event != "call":
        return None
    late = time.monotonic() > _deadline and not frame.f_code.co_filename.startswith("<frozen importlib")
    if _held or _is_own(frame) or late:
        sys.settrace(None)
        if not _held:  # held()'s end raises instead
            raise KeyboardInterrupt
    return None


def _on_sigint(signum, frame):
    global _interrupted, _deadline, _own
    _interrupted = True
    _own = _own_folders()
    tracer = sys.gettrace()
    if _held or tracer is waiting_for_own_code:  # held()'s end raises; a second Ctrl-C waits with the first
        return
    if _is_own(frame) or tracer is not None:  # a debugger's or coverage's tracer: do not replace it
        raise KeyboardInterrupt
    _deadline = time.monotonic() + GRACE
    sys.settrace(waiting_for_own_code)


def install() -> None:
    """Remember Ctrl-C from now on; an ignored SIGINT (a background job's) stays ignored."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)


def interrupted() -> bool:
    return _interrupted


def refuse_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came, even if whoever caught it went on."""
    if _interrupted:
        raise KeyboardInterrupt


def sigint_as_in_a_terminal() -> None:
    """A subprocess's preexec_fn: give SIGINT its default disposition. A shell without job control
    starts background jobs (a CI script run with `&`, nohup) with SIGINT ignored, and Python keeps an
    ignored SIGINT ignored, so a child sent Ctrl-C (a test's, a bench's) would go on as if nothing
    happened."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C inside the block raises only when the block ends (and only with install()'s handler)."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1
    if not _held:
        refuse_if_interrupted()
