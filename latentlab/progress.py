"""One progress-bar convention for long loops: tqdm, shown on a terminal, silent in logs."""
from __future__ import annotations

from typing import Iterable, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(iterable: Iterable[T] | None = None, **kwargs) -> "tqdm[T]":
    kwargs.setdefault("disable", None)  # None: off when the output is not a terminal
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(iterable, **kwargs)
