import numpy as np
import pytest

from latentlab.io import atomic_dir, atomic_path, load_npz, save_npz, write_json


def test_failed_write_leaves_neither_target_nor_temporary(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "out.json") as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_failed_folder_keeps_the_previous_one(tmp_path):
    write_json(tmp_path / "models" / "old.json", {"a": 1})
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "models") as staging:
            (staging / "new.json").write_text("{}")
            raise RuntimeError("interrupted")
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["old.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["models"]


def test_npz_is_byte_identical_and_pickle_free(tmp_path):
    arrays = {"x": np.arange(12, dtype=np.float32).reshape(3, 4), "y": np.array([1, 2, 3])}
    save_npz(tmp_path / "a.npz", **arrays)
    save_npz(tmp_path / "b.npz", **arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = load_npz(tmp_path / "a.npz")
    np.testing.assert_array_equal(loaded["x"], arrays["x"])
    with pytest.raises(TypeError, match="pickle"):
        save_npz(tmp_path / "c.npz", bad=np.array([{}, 1], dtype=object))
    assert not (tmp_path / "c.npz").exists()
