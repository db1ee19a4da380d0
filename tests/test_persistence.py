"""Model files: the same weights give the same bytes, and a broken file is named in one error."""
import time

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from latentlab.models.common.contract import ModelFileError  # noqa: E402
from latentlab.models.common.persistence import load_keras, save_keras  # noqa: E402


def _model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])


def test_saving_the_same_weights_twice_gives_the_same_bytes(tmp_path):
    model = _model()
    save_keras(model, tmp_path / "a.keras")
    time.sleep(2.1)  # past the 2 s step of zip dates: a save date would differ now
    save_keras(model, tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    loaded = load_keras(tmp_path / "a.keras")
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_plain_keras_saves_are_not_reproducible(tmp_path):
    """Why save_keras exists: keras stamps the date (the test above would pass vacuously otherwise)."""
    model = _model()
    model.save(tmp_path / "a.keras")
    time.sleep(2.1)
    model.save(tmp_path / "b.keras")
    assert (tmp_path / "a.keras").read_bytes() != (tmp_path / "b.keras").read_bytes()


def test_a_truncated_or_missing_model_file_is_named(tmp_path):
    save_keras(_model(), tmp_path / "m.keras")
    data = (tmp_path / "m.keras").read_bytes()
    (tmp_path / "m.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=r"m\.keras: not a readable Keras model file"):
        load_keras(tmp_path / "m.keras")
    with pytest.raises(ModelFileError, match=r"missing\.keras: no such model file"):
        load_keras(tmp_path / "missing.keras")


def test_models_saved_in_two_processes_are_the_same_file(tmp_path):
    """Keras numbers shared objects by memory address: only another process shows it."""
    import subprocess
    import sys

    code = ("import keras, sys; from latentlab.models.common.persistence import save_keras; "
            "keras.utils.set_random_seed(0); "
            "m = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.RandomRotation(0.1, seed=1), "
            "keras.layers.Conv2D(2, 3), keras.layers.Flatten(), keras.layers.Dense(2)]); "
            "save_keras(m, sys.argv[1])")
    for name in ("a.keras", "b.keras"):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True, capture_output=True)
    assert (tmp_path / "a.keras").read_bytes() == (tmp_path / "b.keras").read_bytes()
    load_keras(tmp_path / "a.keras")
