"""Read a downloaded dataset folder (the download stage's output) into uint8 arrays."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import formats
from .formats import DataError

# CelebA faces are centre-cropped and resized to this side: 32 keeps 202,599 faces in memory as
# float32 (2.5 GB) and is the resolution Bi-InfoGAN used for CelebA.
CELEBA_SIZE = 32


@dataclass
class RawDataset:
    """Images (N, H, W, C) uint8 and int64 labels; `x_test` is None when there is no official
    test split. Unlabelled datasets (CelebA) carry label -1 and their attributes."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    attributes_train: np.ndarray | None = None
    attributes_test: np.ndarray | None = None


def read_raw(dataset: str, folder: str | Path) -> RawDataset:
    folder = Path(folder)
    if dataset == "mnist-embedded":
        x, y = formats.read_embedded_csv(folder / "mnist_5k.csv.gz")
        return RawDataset(x, y)
    if dataset in ("mnist", "fashion-mnist"):
        x_train, y_train = formats.read_idx_pair(
            folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz"
        )
        x_test, y_test = formats.read_idx_pair(
            folder / "t10k-images-idx3-ubyte.gz", folder / "t10k-labels-idx1-ubyte.gz"
        )
        return RawDataset(x_train, y_train, x_test, y_test)
    if dataset == "cifar10":
        return RawDataset(*formats.read_cifar10_binary(folder / "cifar-10-binary.tar.gz"))
    if dataset == "svhn":
        x_train, y_train = formats.read_svhn_mat(folder / "train_32x32.mat")
        x_test, y_test = formats.read_svhn_mat(folder / "test_32x32.mat")
        return RawDataset(x_train, y_train, x_test, y_test)
    if dataset == "celeba":
        return _read_celeba(folder)
    raise DataError(f"unknown dataset {dataset!r}")


def _read_celeba(folder: Path) -> RawDataset:
    files, _, attributes = formats.read_celeba_attributes(folder / formats.CELEBA_ATTRIBUTES)
    images = formats.read_celeba_images(folder / formats.CELEBA_IMAGES, files, CELEBA_SIZE)
    unlabelled = np.full(len(files), -1, np.int64)
    partition_file = folder / formats.CELEBA_PARTITION
    if not partition_file.is_file():
        return RawDataset(images, unlabelled, attributes_train=attributes)
    test = formats.read_celeba_partition(partition_file, files) == 2
    return RawDataset(
        images[~test], unlabelled[~test], images[test], unlabelled[test], attributes[~test], attributes[test]
    )
