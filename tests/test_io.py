import json

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


def test_a_killed_writers_leftover_is_removed_by_the_next_write(tmp_path):
    from latentlab.io import atomic_dir

    leftover = tmp_path / ".out.tmp"
    leftover.mkdir()
    (leftover / "half.png").write_bytes(b"x")
    with atomic_dir(tmp_path / "out") as out:
        (out / "done.txt").write_text("ok")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (tmp_path / "out" / "done.txt").read_text() == "ok"


def test_outputs_follow_the_umask(tmp_path):
    import os

    from latentlab.io import atomic_dir, write_json

    old = os.umask(0o022)
    try:
        with atomic_dir(tmp_path / "out") as out:
            write_json(out / "m.json", {"a": 1})
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "out" / "m.json").stat().st_mode & 0o777 == 0o644


def test_a_selection_table_written_twice_is_the_same_file(tmp_path):
    import time

    from latentlab.selection.export import write_selection_table

    rng = np.random.default_rng(0)
    args = (np.array([0, 2]), np.arange(5), rng.normal(size=(5, 2)), np.zeros(5, int), np.arange(5), np.ones(5))
    write_selection_table(tmp_path / "a.xlsx", *args)
    time.sleep(2.1)  # past the 2 s step of zip dates
    write_selection_table(tmp_path / "b.xlsx", *args)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_a_missing_or_corrupt_npz_is_named(tmp_path):
    from latentlab.data.formats import DataError

    with pytest.raises(DataError, match=r"nothing\.npz: missing"):
        load_npz(tmp_path / "nothing.npz")
    save_npz(tmp_path / "a.npz", x=np.arange(1000))
    (tmp_path / "a.npz").write_bytes((tmp_path / "a.npz").read_bytes()[:100])
    with pytest.raises(DataError, match=r"a\.npz: not a readable \.npz file"):
        load_npz(tmp_path / "a.npz")


def test_metrics_json_never_holds_nan(tmp_path):
    from latentlab.io import NotFinite

    with pytest.raises(NotFinite, match="fid is nan"):
        write_json(tmp_path / "m.json", {"fid": float("nan"), "n": 3})
    assert not (tmp_path / "m.json").exists()
    write_json(tmp_path / "ok.json", {"fid": 1.5})
    assert json.loads((tmp_path / "ok.json").read_text()) == {"fid": 1.5}
