import gzip
import io
import tarfile

import numpy as np
import pytest
from dataset_files import (
    write_celeba_folder,
    write_cifar_tarball,
    write_idx_gz,
    write_mnist_folder,
    write_svhn_mat,
)

from latentlab.data import formats
from latentlab.data.formats import DataError
from latentlab.data.raw import read_raw


def test_idx_pair_round_trips(tmp_path):
    arrays = write_mnist_folder(tmp_path)
    x, y = formats.read_idx_pair(tmp_path / "train-images-idx3-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz")
    assert x.shape == (30, 28, 28, 1) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[..., 0], arrays["x_train"])
    np.testing.assert_array_equal(y, arrays["y_train"])


def test_idx_rejects_wrong_magic(tmp_path):
    path = tmp_path / "bad.gz"
    with gzip.open(path, "wb") as stream:
        stream.write(b"\x12\x34\x08\x03" + b"\x00" * 40)
    with pytest.raises(DataError, match="magic"):
        formats.read_idx(path)


def test_idx_rejects_truncated_body(tmp_path):
    path = write_idx_gz(tmp_path / "images.gz", np.zeros((5, 28, 28), np.uint8))
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-100]))
    with pytest.raises(DataError, match="IDX body"):
        formats.read_idx(path)


def test_idx_rejects_truncated_gzip(tmp_path):
    path = write_idx_gz(tmp_path / "images.gz", np.zeros((50, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match="gzip"):
        formats.read_idx(path)


def test_idx_rejects_wrong_dimensions(tmp_path):
    write_idx_gz(tmp_path / "labels.gz", np.zeros(5, np.uint8))
    with pytest.raises(DataError, match="dimensions"):
        formats.read_idx(tmp_path / "labels.gz", expected_ndim=3)


def test_cifar_binary_round_trips_channel_order(tmp_path):
    expected = write_cifar_tarball(tmp_path / "cifar-10-binary.tar.gz")
    x_train, y_train, x_test, y_test = formats.read_cifar10_binary(tmp_path / "cifar-10-binary.tar.gz")
    assert x_train.shape == (20, 32, 32, 3) and x_test.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(x_train, expected["x_train"])
    np.testing.assert_array_equal(y_test, expected["y_test"])


def test_cifar_rejects_truncated_records(tmp_path):
    bad = {"cifar-10-batches-bin/test_batch.bin": b"\x01" * 3000}
    write_cifar_tarball(tmp_path / "c.tar.gz", extra=bad)
    with pytest.raises(DataError, match="records"):
        formats.read_cifar10_binary(tmp_path / "c.tar.gz")


def test_cifar_rejects_path_traversal(tmp_path):
    write_cifar_tarball(tmp_path / "c.tar.gz", extra={"../evil.txt": b"x"})
    with pytest.raises(DataError, match="unsafe member"):
        formats.read_cifar10_binary(tmp_path / "c.tar.gz")


def test_cifar_rejects_python_pickle_version(tmp_path):
    with tarfile.open(tmp_path / "c.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"junk"))
    with pytest.raises(DataError, match="binary version"):
        formats.read_cifar10_binary(tmp_path / "c.tar.gz")


def test_cifar_rejects_truncated_archive(tmp_path):
    path = tmp_path / "c.tar.gz"
    write_cifar_tarball(path, per_batch=50)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(DataError):
        formats.read_cifar10_binary(path)


def test_svhn_mat_maps_label_ten_to_zero(tmp_path):
    images, digits = write_svhn_mat(tmp_path / "train_32x32.mat")
    x, y = formats.read_svhn_mat(tmp_path / "train_32x32.mat")
    np.testing.assert_array_equal(x, images)
    np.testing.assert_array_equal(y, digits)
    assert y.min() == 0


def test_svhn_rejects_truncated_file(tmp_path):
    path = tmp_path / "test_32x32.mat"
    write_svhn_mat(path, n=40)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DataError):
        formats.read_svhn_mat(path)


def test_svhn_rejects_file_without_variables(tmp_path):
    import scipy.io

    scipy.io.savemat(tmp_path / "other.mat", {"Z": np.zeros(3)})
    with pytest.raises(DataError, match="X and y"):
        formats.read_svhn_mat(tmp_path / "other.mat")


def test_celeba_folder_reads_crops_and_official_split(tmp_path):
    write_celeba_folder(tmp_path, n=6)
    raw = read_raw("celeba", tmp_path)
    assert raw.x_train.shape == (4, 32, 32, 3) and raw.x_test.shape == (2, 32, 32, 3)
    assert (raw.y_train == -1).all()
    np.testing.assert_array_equal(raw.attributes_train[:, 0], [0, 1, 0, 1])


def test_celeba_rejects_malformed_attribute_list(tmp_path):
    write_celeba_folder(tmp_path, n=3)
    (tmp_path / "list_attr_celeba.txt").write_text("3\nA B\n000001.jpg 1\n")
    with pytest.raises(DataError, match="expected 3 rows"):
        read_raw("celeba", tmp_path)


def test_embedded_csv_is_the_real_5000_digits():
    from latentlab.data.download import embedded_file

    x, y = formats.read_embedded_csv(embedded_file())
    assert x.shape == (5000, 28, 28, 1) and x.max() == 255
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)


def test_read_raw_for_idx_and_svhn_folders(tmp_path):
    write_mnist_folder(tmp_path / "m")
    raw = read_raw("fashion-mnist", tmp_path / "m")
    assert raw.x_train.shape == (30, 28, 28, 1) and raw.x_test.shape == (20, 28, 28, 1)
    (tmp_path / "s").mkdir()
    write_svhn_mat(tmp_path / "s" / "train_32x32.mat")
    write_svhn_mat(tmp_path / "s" / "test_32x32.mat", n=5)
    raw = read_raw("svhn", tmp_path / "s")
    assert raw.x_train.shape == (12, 32, 32, 3) and raw.y_test.shape == (5,)
