import shutil
import urllib.error

import pytest
from dataset_files import write_mnist_folder

from latentlab.data.download import acquire, sha256_of
from latentlab.data.formats import DataError
from latentlab.data.sources import SOURCES, DatasetSource, RemoteFile


def _table_for(folder, name="mnist"):
    """A sources table whose checksums are those of the small files in `folder`."""
    files = tuple(
        RemoteFile(p.name, f"https://example.invalid/{p.name}", sha256_of(p), p.stat().st_size)
        for p in sorted(folder.iterdir())
    )
    return {name: DatasetSource(name, files)}


def test_local_source_is_copied_and_verified(tmp_path):
    write_mnist_folder(tmp_path / "src")
    table = _table_for(tmp_path / "src")
    files = acquire("mnist", tmp_path / "raw", tmp_path / "src", sources=table)
    assert [f.name for f in files] == sorted(f.name for f in table["mnist"].files)
    assert all(sha256_of(f) == sha256_of(tmp_path / "src" / f.name) for f in files)


def test_wrong_checksum_fails_and_leaves_no_output(tmp_path):
    write_mnist_folder(tmp_path / "src")
    table = _table_for(tmp_path / "src")
    write_mnist_folder(tmp_path / "src", seed=1)  # same sizes, other content
    with pytest.raises(DataError, match="SHA-256") as error:
        acquire("mnist", tmp_path / "raw", tmp_path / "src", sources=table)
    assert str(error.value).startswith(str(tmp_path / "src" / "t10k-images-idx3-ubyte.gz"))  # the user's file
    assert ".tmp" not in str(error.value)
    assert not (tmp_path / "raw").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["src"]  # no staging folder left behind


def test_truncated_file_is_caught_by_size(tmp_path):
    write_mnist_folder(tmp_path / "src")
    table = _table_for(tmp_path / "src")
    target = tmp_path / "src" / "t10k-labels-idx1-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-3])
    with pytest.raises(DataError, match="truncated"):
        acquire("mnist", tmp_path / "raw", tmp_path / "src", sources=table)


def test_missing_file_in_source_folder_is_named(tmp_path):
    write_mnist_folder(tmp_path / "src")
    table = _table_for(tmp_path / "src")
    (tmp_path / "src" / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz"):
        acquire("mnist", tmp_path / "raw", tmp_path / "src", sources=table)


def test_fetch_path_writes_and_verifies(tmp_path):
    write_mnist_folder(tmp_path / "src")
    table = _table_for(tmp_path / "src")
    fetched = []

    def fake_fetch(url, target):
        fetched.append(url)
        shutil.copyfile(tmp_path / "src" / url.rsplit("/", 1)[1], target)

    acquire("mnist", tmp_path / "raw", sources=table, fetch=fake_fetch)
    assert len(fetched) == 4 and len(list((tmp_path / "raw").iterdir())) == 4


def test_offline_says_which_files_to_put_where(tmp_path):
    def offline(url, target):
        raise urllib.error.URLError("Temporary failure in name resolution")

    with pytest.raises(DataError) as error:
        acquire("cifar10", tmp_path / "raw", fetch=offline)
    message = str(error.value)
    assert "cifar-10-binary.tar.gz" in message and "data.source" in message
    assert "name resolution" in message
    assert not (tmp_path / "raw").exists()


def test_real_fetcher_fails_clearly_without_network(tmp_path):
    # The default fetcher against an address that cannot resolve: the same clear error.
    table = {"x": DatasetSource("x", (RemoteFile("f.bin", "http://unreachable.invalid/f.bin", "0" * 64),))}
    with pytest.raises(DataError, match="f.bin.*data.source"):
        acquire("x", tmp_path / "raw", sources=table)


def test_celeba_needs_a_folder(tmp_path):
    with pytest.raises(DataError, match="img_align_celeba"):
        acquire("celeba", tmp_path / "raw")


def test_embedded_dataset_matches_recorded_checksum(tmp_path):
    files = acquire("mnist-embedded", tmp_path / "raw")
    assert [f.name for f in files] == ["mnist_5k.csv.gz"]
    assert sha256_of(files[0]) == SOURCES["mnist-embedded"].files[0].sha256


def test_unknown_dataset(tmp_path):
    with pytest.raises(DataError, match="unknown dataset"):
        acquire("imagenet", tmp_path / "raw")
