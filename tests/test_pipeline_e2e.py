"""End-to-end smoke run of the real dvc.yaml, with tiny params, in a temporary copy of the repo."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e

TINY = {"epochs": 2, "n_hidden": 32, "elbo_samples": 1, "prr_grid": 3, "manifold_grid": 4}


def _run(args, cwd, check=True):
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    # Stage commands say `python`: make it this interpreter, with its packages.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def _dvc(*args, cwd):
    return _run([sys.executable, "-m", "dvc", *args], cwd)


def _stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy of the project's files (as git sees them) with tiny params, reproduced once."""
    copy = tmp_path_factory.mktemp("repo")
    listed = _run(["git", "ls-files", "-co", "--exclude-standard"], ROOT).stdout.split("\n")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith("reports/") and name != "dvc.lock":
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    params = yaml.safe_load((copy / "params.yaml").read_text())
    params["vae"].update(TINY)
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    _run(["git", "init", "-q"], copy)
    _run(["git", "add", "-A"], copy)
    _run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy"], copy)
    first = _dvc("repro", cwd=copy)
    return copy, first.stdout


def test_repro_runs_every_stage_and_writes_outputs(repo):
    copy, output = repo
    assert {"download", "preprocess", "train_vae", "embed@vae"} <= _stages_run(output)
    metrics = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    assert set(metrics) == {"test_elbo_nats", "test_bce_nats", "test_kl_nats", "train_seconds"}
    assert metrics["test_elbo_nats"] < 0
    for path in [
        "data/raw/mnist_5k.csv.gz",
        "data/processed/train.npz",
        "data/processed/labeled.npz",
        "data/processed/colorful_test.npz",
        "models/vae/encoder.keras",
        "reports/curves/vae.tsv",
        "reports/figures/vae/PRR_input.png",
        "reports/figures/vae/PRR_reconstruction.png",
        "reports/figures/vae/PMLR.png",
        "reports/pmlr/vae/PMLR_map_epoch_02.pdf",
        "reports/pmlr/vae/PMLR_map_epoch_02.csv",
        "data/embeddings/vae/test.npz",
        "data/embeddings/vae/test.csv",
    ]:
        assert (copy / path).is_file(), path
    header = (copy / "data/embeddings/vae/test.csv").read_text().splitlines()[0]
    assert header == "z1,z2,label"
    assert "Data and pipelines are up to date" in _dvc("status", cwd=copy).stdout


def test_same_params_give_identical_metrics(repo):
    copy, _ = repo
    first = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    _dvc("repro", "--force", "--single-item", "train_vae", cwd=copy)
    second = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    first.pop("train_seconds"), second.pop("train_seconds")  # wall time is the one thing that may differ
    assert first == second


def test_changing_beta_reruns_only_train_vae_and_downstream(repo):
    copy, _ = repo
    _dvc("repro", cwd=copy)  # up to date first, whatever the tests before did
    params = yaml.safe_load((copy / "params.yaml").read_text())
    params["vae"]["beta"] = 0.5
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    status = json.loads(_dvc("status", "--json", cwd=copy).stdout)
    assert set(status) == {"train_vae"}  # the only stage whose own inputs changed
    output = _dvc("repro", cwd=copy).stdout
    assert _stages_run(output) == {"train_vae", "embed@vae"}
    assert "'download' didn't change" in output and "'preprocess' didn't change" in output


def test_bad_params_stop_repro_naming_the_key(repo):
    copy, _ = repo
    original = (copy / "params.yaml").read_text()
    params = yaml.safe_load(original)
    params["vae"]["dim_z"] = 0
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        result = _run([sys.executable, "-m", "dvc", "repro", "train_vae"], copy, check=False)
        assert result.returncode != 0
        assert "vae.dim_z: expected an integer >= 1, got 0" in result.stdout + result.stderr
    finally:
        (copy / "params.yaml").write_text(original)
