"""Atomic, reproducible file output.

Every stage writes through these helpers so that an interrupted stage never leaves a file that
DVC or a later stage would take for finished, and so that the same arrays always give the same
bytes (DVC hashes outputs; numpy's own savez stamps the current time into the zip).
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import zipfile
from pathlib import Path
from typing import Callable, ContextManager, Iterator, Mapping

import numpy as np

from .interruption import held, refuse_if_interrupted

# The earliest date a zip can hold: a fixed stamp makes identical arrays give identical files.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class NotFinite(ValueError):
    """A metric that is NaN or infinite: never written, the stage fails instead."""


def _leftover_free(target: Path) -> Path:
    """The one temporary name of `target`: `.<name>.tmp` beside it. The name is fixed, so the
    next run of a stage removes what a killed run left there; .dvcignore and .gitignore hide it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.tmp"
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp)
    elif tmp.exists() or tmp.is_symlink():
        tmp.unlink()
    return tmp


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds.
    Files are created by the caller with the usual permissions (the umask's)."""
    target = Path(path)
    tmp_path = _leftover_free(target)
    try:
        yield tmp_path
        refuse_if_interrupted()  # a swallowed Ctrl-C keeps nothing either
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[Path]:
    """Yield an empty temporary folder beside `path`; it replaces `path` only on success."""
    target = Path(path)
    tmp_path = _leftover_free(target)
    tmp_path.mkdir()  # mode 0o777 less the umask, unlike mkdtemp's 0o700
    try:
        yield tmp_path
        refuse_if_interrupted()
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            shutil.rmtree(tmp_path)


def enter_outputs(stack: contextlib.ExitStack, *managers: ContextManager) -> tuple:
    """Enter each output's context manager (atomic_dir, live_folder) on `stack`, with Ctrl-C held
    until all are registered: one that came between a manager's set-up (an old output moved aside)
    and its registration on the stack would skip the clean-up that puts the old output back."""
    with held():
        return tuple(stack.enter_context(manager) for manager in managers)


def _refuse_non_finite(data, where: str = "") -> None:
    if isinstance(data, float) and not math.isfinite(data):
        raise NotFinite(f"{where or 'value'} is {data}")
    if isinstance(data, Mapping):
        for key, value in data.items():
            _refuse_non_finite(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            _refuse_non_finite(value, f"{where}[{i}]")


def write_json(path: str | os.PathLike, data: Mapping) -> None:
    """Sorted, indented JSON; a NaN or infinite number raises NotFinite and writes nothing."""
    _refuse_non_finite(data)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n")


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def rewrite_zip_reproducibly(path: str | os.PathLike, edit: Callable[[str, bytes], bytes] | None = None) -> None:
    """Rewrite the zip archive at `path` (a .keras model, an .xlsx workbook) with every member
    stamped with one fixed date, in the same order; `edit(name, data)` may rewrite a member
    (a save date inside it). The same contents then always give the same bytes."""
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w") as archive:
            for info, data in members:
                fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
                fixed.compress_type = info.compress_type
                fixed.external_attr = 0o644 << 16
                archive.writestr(fixed, edit(info.filename, data) if edit else data)


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Compressed .npz that np.load(allow_pickle=False) reads, byte-identical for equal arrays."""
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(arrays):
                array = np.asarray(arrays[name])
                if array.dtype == object:
                    raise TypeError(f"array {name!r} has dtype object, which would need pickle")
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, buffer.getvalue())


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of an .npz file; a missing or unreadable file raises DataError naming it."""
    from .data.formats import DataError

    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except FileNotFoundError:
        raise DataError(f"{path}: missing (run the stage that writes it: dvc repro)") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path}: not a readable .npz file ({error}); rerun the stage that writes it") from None


def save_figure(figure, path: str | os.PathLike, **kwargs) -> None:
    """Save a matplotlib figure atomically (format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    target = Path(path)
    fmt = target.suffix.lstrip(".")
    if fmt == "pdf":  # no creation date, so the same figure gives the same bytes
        kwargs.setdefault("metadata", {"CreationDate": None})
    with atomic_path(target) as tmp:
        figure.savefig(tmp, format=fmt, **kwargs)
    plt.close(figure)
