"""Ctrl-C that always ends a stage, even where a library swallows or wraps KeyboardInterrupt.

Python turns SIGINT into a KeyboardInterrupt at the next bytecode of the main thread, and code
that catches BaseException (or wraps the error in its own) can lose it: a stage interrupted at
such a moment then either finished and kept its outputs or died with a traceback. The handler
here also remembers the signal, so the atomic writers (latentlab.io) refuse to put any output in
place afterwards and the stage's runner (latentlab.cli) still reports the interruption. Inside
`held()` the KeyboardInterrupt waits for the block's end, for steps that must not stop half-way."""
from __future__ import annotations

import contextlib
import signal
from typing import Iterator

_interrupted = False
_held = 0


def _on_sigint(signum, frame):
    global _interrupted
    _interrupted = True
    if not _held:
        raise KeyboardInterrupt


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
