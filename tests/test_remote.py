"""Shared results and grids on several machines, on one machine: a copy of the reproduced tiny
project pushes to a folder remote; a fresh clone pulls and has nothing to rerun; a worker clone
runs a grid point with launch/exp_point.sh and pushes it back; a third clone pulls it."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pipeline_copy import _dvc, _run, environment

pytestmark = pytest.mark.e2e  # on the small copy: one xdist unit with test_faults (conftest.py)

ROOT = Path(__file__).resolve().parents[1]
UP_TO_DATE = "Data and pipelines are up to date"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]


@pytest.fixture(scope="module")
def origin(small_repo, tmp_path_factory):
    """A private copy of the reproduced small tiny project (the shared one stays as the fault tests
    expect it), its results committed, a folder remote as its default, everything pushed."""
    base = tmp_path_factory.mktemp("remote")
    copy = base / "origin"
    shutil.copytree(small_repo[0], copy, symlinks=True)
    # the tests before may have left params.yaml ahead of dvc.lock (they put the file back, not
    # the results): bring the copy up to date so what is pushed is what params.yaml says
    _dvc("repro", cwd=copy)
    _dvc("remote", "add", "-d", "shared", str(base / "dvc-remote"), cwd=copy)
    _run(["git", "add", "-A"], copy)  # dvc.lock, metrics, curves, .dvc/config; .gitignore keeps DVC's outputs out
    _run([*GIT, "commit", "-qm", "reproduced, with a shared remote"], copy)
    _dvc("push", "--run-cache", cwd=copy)
    return copy


def test_a_fresh_clone_pulls_the_results_and_has_nothing_to_rerun(origin, tmp_path):
    fresh = tmp_path / "fresh"
    _run(["git", "clone", "-q", str(origin), str(fresh)], tmp_path)
    assert UP_TO_DATE not in _dvc("status", cwd=fresh).stdout  # models and data are not in git
    _dvc("pull", cwd=fresh)
    assert UP_TO_DATE in _dvc("status", cwd=fresh).stdout
    assert "Running stage" not in _dvc("repro", cwd=fresh).stdout
    model = "models/vae/encoder.keras"
    assert (fresh / model).read_bytes() == (origin / model).read_bytes()
    out = tmp_path / "plots"
    _dvc("plots", "diff", "HEAD", "-o", str(out), cwd=fresh)
    html = (out / "index.html").read_text()
    assert "vae_loss" in html and "reports/figures/vae" in html  # the curves, and the pulled figures


def test_launch_script_refuses_bad_arguments_before_any_work(tmp_path):
    script = str(ROOT / "launch" / "exp_point.sh")
    for args in ([], ["p1", "-S"], ["p1", "-X", "a=b"], ["p1", "-S", "no-equals-sign"]):
        result = subprocess.run(["bash", script, *args], capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 2 and "usage:" in result.stderr, args


def test_a_worker_runs_a_grid_point_and_pushes_it_back(origin, tmp_path):
    shared = tmp_path / "shared.git"  # the git remote every machine can reach
    _run(["git", "clone", "-q", "--bare", str(origin), str(shared)], tmp_path)
    worker, researcher = tmp_path / "worker", tmp_path / "researcher"
    for clone in (worker, researcher):
        _run(["git", "clone", "-q", str(shared), str(clone)], tmp_path)
        for key, value in (("user.name", "t"), ("user.email", "t@t")):
            _run(["git", "config", key, value], clone)
    # the worker's only tool is the launcher; probe.knn_k reruns the accuracy stages and plots only
    env = dict(environment(), LAUNCH_SKIP_INSTALL="1")
    result = subprocess.run(["bash", "launch/exp_point.sh", "knn3", "-S", "probe.knn_k=3"], cwd=worker, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    ran = set(__import__("re").findall(r"Running stage '([^']+)'", result.stdout))
    assert ran and all(s.startswith(("evaluate_accuracy@", "check_params", "plots")) for s in ran), ran

    _dvc("exp", "pull", "origin", "knn3", cwd=researcher)
    shown = json.loads(_dvc("exp", "show", "--json", cwd=researcher).stdout)
    names = {exp.get("name") for row in shown for exp in (row.get("experiments") or []) for exp in exp.get("revs", [])}
    assert "knn3" in names, names
    _dvc("exp", "apply", "knn3", cwd=researcher)
    _dvc("pull", cwd=researcher)
    assert "knn_k: 3" in (researcher / "params.yaml").read_text()
    assert UP_TO_DATE in _dvc("status", cwd=researcher).stdout  # the point's outputs came with it
    assert os.path.getsize(researcher / "reports/summary.md") > 0
