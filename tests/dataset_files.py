"""Small dataset files in each true on-disk format, written by the tests themselves."""
from __future__ import annotations

import gzip
import io
import struct
import tarfile
from pathlib import Path

import numpy as np


def write_idx_gz(path: Path, array: np.ndarray, magic_type: int = 0x08) -> Path:
    header = bytes([0, 0, magic_type, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as stream:
        stream.write(header + array.astype(np.uint8).tobytes())
    return path


def write_mnist_folder(folder: Path, n_train: int = 30, n_test: int = 20, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": np.arange(n_test, dtype=np.uint8) % 10,
    }
    folder.mkdir(parents=True, exist_ok=True)
    write_idx_gz(folder / "train-images-idx3-ubyte.gz", arrays["x_train"])
    write_idx_gz(folder / "train-labels-idx1-ubyte.gz", arrays["y_train"])
    write_idx_gz(folder / "t10k-images-idx3-ubyte.gz", arrays["x_test"])
    write_idx_gz(folder / "t10k-labels-idx1-ubyte.gz", arrays["y_test"])
    return arrays


def cifar_records(images_hwc: np.ndarray, labels: np.ndarray) -> bytes:
    chw = images_hwc.transpose(0, 3, 1, 2).reshape(len(labels), -1)
    return np.concatenate([labels[:, None].astype(np.uint8), chw], axis=1).tobytes()


def write_cifar_tarball(path: Path, per_batch: int = 4, seed: int = 0, extra: dict | None = None) -> dict:
    """cifar-10-binary.tar.gz with 5 train batches and a test batch of `per_batch` records each."""
    rng = np.random.default_rng(seed)
    members, xs, ys = {}, [], []
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        x = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        y = rng.integers(0, 10, per_batch).astype(np.uint8)
        members[f"cifar-10-batches-bin/{name}"] = cifar_records(x, y)
        xs.append(x)
        ys.append(y)
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\nautomobile\n"
    members.update(extra or {})
    with tarfile.open(path, "w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return {"x_train": np.concatenate(xs[:5]), "y_train": np.concatenate(ys[:5]), "x_test": xs[5], "y_test": ys[5]}


def write_svhn_mat(path: Path, n: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A MATLAB v5 file like train_32x32.mat: X (32, 32, 3, N) and y (N, 1) with 10 for zero."""
    import scipy.io

    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
    digits = np.arange(n) % 10
    scipy.io.savemat(path, {"X": images.transpose(1, 2, 3, 0), "y": np.where(digits == 0, 10, digits)[:, None]})
    return images, digits


def write_celeba_folder(folder: Path, n: int = 6, with_partition: bool = True) -> list[str]:
    from PIL import Image

    images = folder / "img_align_celeba"
    images.mkdir(parents=True)
    names = [f"{i + 1:06d}.jpg" for i in range(n)]
    rng = np.random.default_rng(0)
    for name in names:
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(images / name)
    attributes = ["Eyeglasses", "Smiling"]
    rows = [f"{name} {'1' if i % 2 else '-1'} -1" for i, name in enumerate(names)]
    (folder / "list_attr_celeba.txt").write_text("\n".join([str(n), " ".join(attributes), *rows]) + "\n")
    if with_partition:
        split = [f"{name} {0 if i < n - 2 else 2}" for i, name in enumerate(names)]
        (folder / "list_eval_partition.txt").write_text("\n".join(split) + "\n")
    return names
