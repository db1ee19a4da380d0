"""Fault tests: the real stages of the small tiny pipeline copy (model vae; pipeline_copy.py) under
the failures a user meets. Each test puts back what it changed, so the shared copy ends reproduced
and clean. The two that need other families (the sweeps, EXoN's quiet start) are end-to-end tests."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from latentlab.interruption import sigint_as_in_a_terminal
from pipeline_copy import _dvc, _run, _stages_run, environment

pytestmark = pytest.mark.e2e  # on the small copy: one xdist unit with test_remote (conftest.py)
UP_TO_DATE = "Data and pipelines are up to date"


@pytest.fixture()
def repo(small_repo):
    copy, _ = small_repo
    original = (copy / "params.yaml").read_text()
    yield copy
    (copy / "params.yaml").write_text(original)
    _dvc("repro", cwd=copy)  # what the test broke is rebuilt (or checked out of the run cache)


def _set(copy: Path, section: str, key: str, value) -> None:
    params = yaml.safe_load((copy / "params.yaml").read_text())
    params[section][key] = value
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def _one_line(result) -> str:
    """The failure's message: the last stderr line of the failed stage, with no traceback."""
    assert result.returncode != 0
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text[-3000:]
    return text


def test_nan_learning_rate_stops_training_in_one_line_and_writes_no_nan(repo):
    _set(repo, "vae", "learning_rate", 1.0e30)
    text = _one_line(_dvc("repro", "train_vae", cwd=repo, check=False))
    assert "training: train_vae: the training loss became nan in epoch 1" in text
    assert "vae.learning_rate 1e+30" in text
    metrics = repo / "reports/metrics/train/vae.json"
    assert not metrics.exists() or "NaN" not in metrics.read_text()
    assert not (repo / "models/.vae.tmp").exists()
    assert not (repo / "reports/live/vae").exists()  # no curves of a failed run


def test_unknown_and_misspelt_keys_stop_before_any_stage_and_keep_outputs(repo):
    before = {p: p.stat().st_mtime_ns for p in (repo / "models/vae").iterdir()}
    text = (repo / "params.yaml").read_text()
    (repo / "params.yaml").write_text("foo: 1\n" + text)
    result = _dvc("repro", cwd=repo, check=False)
    assert "params.yaml: foo: unknown key" in _one_line(result)
    assert _stages_run(result.stdout) == {"check_params"}
    (repo / "params.yaml").write_text(text.replace("n_labeled: 100", "n_labled: 100"))
    result = _dvc("repro", cwd=repo, check=False)
    assert "params.yaml: data.n_labled: unknown key" in _one_line(result)
    assert _stages_run(result.stdout) == {"check_params"}
    assert {p: p.stat().st_mtime_ns for p in (repo / "models/vae").iterdir()} == before  # nothing removed


@pytest.mark.parametrize("section, key, value, message", [
    ("pre_design", "n_labeled", 3, "pre_design.n_labeled: 3 cannot be balanced across the digits 0 and 1"),
    ("probe", "knn_k", 5000, "probe.knn_k: 5000 is more than the 4000 training images; at most 4000"),
    ("fid", "n_samples", 2000, "fid.n_samples: 2000 is more than the 1000 test images; at most 1000"),
    ("data", "n_labeled", 4010, "data.n_labeled: 4010 is more than the training split can balance"),
])
def test_values_the_data_cannot_take_are_refused_before_training(repo, section, key, value, message):
    _set(repo, section, key, value)
    _set(repo, "vae", "epochs", 1)  # as in `dvc exp run -S vae.epochs=1 -S fid.n_samples=2000`
    result = _dvc("repro", cwd=repo, check=False)
    assert message in _one_line(result)
    assert _stages_run(result.stdout) == {"check_params"}


def test_yaml_12_numbers_are_numbers(repo):
    text = (repo / "params.yaml").read_text()
    (repo / "params.yaml").write_text(text.replace("learning_rate: 0.001", "learning_rate: 1e-4", 1))
    assert "learning_rate: 1e-4" in (repo / "params.yaml").read_text()
    assert "every key checked" in _dvc("repro", "check_params", cwd=repo).stdout
    from latentlab.params import load_params

    assert load_params(repo / "params.yaml")["vae"]["learning_rate"] == 1e-4


def test_a_corrupt_model_file_is_named_in_one_line(repo):
    encoder = repo / "models/vae/encoder.keras"
    encoder.write_bytes(encoder.read_bytes()[:1000])
    result = _run([sys.executable, "stages/embed.py", "--family", "vae", "--model", "models/vae", "--data",
                   "data/processed", "--out", "data/embeddings/vae"], repo, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("model: models/vae/encoder.keras: not a readable Keras model file")
    _dvc("checkout", "--force", "models/vae", cwd=repo)


def _kill_when(copy: Path, args: list[str], leftover: Path, sig=signal.SIGKILL, timeout=240.0):
    """Start a stage script, send `sig` as soon as `leftover` (its temporary output) appears."""
    process = subprocess.Popen(args, cwd=copy, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=sigint_as_in_a_terminal)
    deadline = time.monotonic() + timeout
    while not leftover.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)  # dbscan_votemi's outputs take well under a second to write
    assert process.poll() is None, "the stage finished before it could be interrupted"
    process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    return process.returncode, err


def test_kill_9_mid_stage_leaves_nothing_that_breaks_another_stage(repo):
    leftover = repo / "data/selection/.vae.tmp"
    stage = [sys.executable, "stages/dbscan_votemi.py", "--model-name", "vae", "--family", "vae", "--model", "models/vae",
             "--embeddings", "data/embeddings/vae", "--data", "data/processed", "--out", "data/selection/vae",
             "--metrics", "reports/metrics/votemi/vae.json"]
    code, _ = _kill_when(repo, stage, leftover)
    assert code == -signal.SIGKILL and leftover.exists()
    assert UP_TO_DATE in _dvc("status", cwd=repo).stdout  # ignored by DVC: no hash changed
    assert ".tmp" not in _run(["git", "status", "--porcelain", "--ignored=no"], repo).stdout
    _dvc("repro", "--force", "plots", "--single-item", cwd=repo)  # another stage reads data/selection
    _dvc("repro", "--force", "dbscan_votemi@vae", "--single-item", cwd=repo)
    assert not leftover.exists()  # the stage's next run removed its own leftover
    assert UP_TO_DATE in _dvc("status", cwd=repo).stdout


def test_ctrl_c_ends_a_training_stage_in_one_line(repo):
    stage = [sys.executable, "stages/train_vae.py", "--data", "data/processed", "--model", "models/vae",
             "--metrics", "reports/metrics/train/vae.json", "--timing", "reports/timing/vae.json",
             "--live", "reports/live/vae", "--figures", "reports/figures/vae", "--epoch-maps", "reports/pmlr/vae"]
    code, err = _kill_when(repo, stage, repo / "models/.vae.tmp", sig=signal.SIGINT)
    assert code == 130, err
    assert err.strip().splitlines() == ["train_vae: interrupted; nothing of this run was kept"]
    assert UP_TO_DATE in _dvc("status", cwd=repo).stdout  # the old outputs are intact
    assert ".tmp" not in _run(["git", "status", "--porcelain"], repo).stdout


@pytest.mark.parametrize("stage", ["train_classifier", "dbscan_votemi@vae", "train_vae"])
def test_a_forced_rerun_changes_no_bytes_downstream(repo, stage):
    _dvc("repro", "--force", "--single-item", stage, cwd=repo)
    assert UP_TO_DATE in _dvc("status", cwd=repo).stdout


def test_outputs_have_the_usual_permissions(repo):
    result = subprocess.run([sys.executable, "-m", "dvc", "repro", "--force", "--single-item", "embed@vae"], cwd=repo,
                            env=environment(), capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    folder = repo / "data/embeddings/vae"
    assert folder.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o644}


def test_byte_code_inside_code_dependencies_changes_no_hash(repo):
    cache = repo / "latentlab/selection/__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "votemi.cpython-311.pyc").write_bytes(b"\x00compiled")
    try:
        assert UP_TO_DATE in _dvc("status", cwd=repo).stdout
    finally:
        (cache / "votemi.cpython-311.pyc").unlink()
