"""The stale-lock check of .ci/run (latentlab/lockstatus.py): a tiny DVC repository whose committed
lock falls behind its code, its params or its command fails it on a fresh clone, naming the stage
and what changed; once the lock is current it passes, with the DVC data missing as on any clone."""
import subprocess
import sys
from pathlib import Path

import pytest
from pipeline_copy import _run, environment

from latentlab.lockstatus import pipeline_outputs, stale_stages

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
DVC_YAML = """\
stages:
  make_data:
    cmd: python make_data.py
    deps: [make_data.py]
    params: [size]
    outs: [data.txt]
  count:
    cmd: python count.py
    deps: [count.py, data.txt]
    metrics:
      - count.json:
          cache: false
"""


def test_missing_outputs_and_their_readers_are_not_stale():
    status = {
        "make_data": [{"changed outs": {"data.txt": "not in cache"}}],
        "count": [{"changed deps": {"data.txt": "deleted"}}, {"changed outs": {"models/m": "deleted"}}],
    }
    assert stale_stages(status, {"data.txt", "models/m"}) == []
    # a file under an output folder, or a folder of outputs, is missing for the same reason
    assert stale_stages({"s": [{"changed deps": {"data/processed/train.npz": "deleted"}}]}, {"data/processed"}) == []
    assert stale_stages({"s": [{"changed deps": {"data/exon_beta": "deleted"}}]}, {"data/exon_beta/beta_5.npz"}) == []
    assert stale_stages({"s": [{"changed deps": {"data/exon": "deleted"}}]}, {"data/exon_beta/beta_5.npz"}) != []


def test_code_params_command_and_committed_metrics_are_stale():
    status = {
        "train": [{"changed deps": {"stages/train.py": "modified", "data/processed": "deleted",
                                    "params.yaml": {"vae.epochs": "modified", "runtime": "new"}}},
                  {"changed outs": {"models/vae": "not in cache", "metrics.json": "modified"}}, "changed command"],
        "gone": [{"changed deps": {"stages/gone.py": "deleted"}}],  # a code file, not an output
    }
    assert stale_stages(status, {"data/processed", "models/vae"}) == [
        "train: stages/train.py modified, params vae.epochs modified, params runtime new, "
        "output metrics.json modified, command changed",
        "gone: stages/gone.py deleted",
    ]


def test_pipeline_outputs_are_every_stages_outs():
    lock = {"stages": {"a": {"outs": [{"path": "x"}, {"path": "y/z"}]}, "b": {"deps": [{"path": "x"}]}}}
    assert pipeline_outputs(lock) == {"x", "y/z"}


def _check(folder: Path):
    return subprocess.run([sys.executable, "-m", "latentlab.lockstatus"], cwd=folder, env=environment(),
                          capture_output=True, text=True)


def _commit_and_clone(project: Path, clone: Path, message: str) -> Path:
    _run(["git", "add", "-A"], project)
    _run([*GIT, "commit", "-qm", message], project)
    if clone.exists():
        _run(["git", "pull", "-q"], clone)
    else:
        _run(["git", "clone", "-q", str(project), str(clone)], project.parent)
    return clone


@pytest.fixture()
def project(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "dvc.yaml").write_text(DVC_YAML)
    (folder / "params.yaml").write_text("size: 3\n")
    (folder / "make_data.py").write_text(
        "import yaml\nn = yaml.safe_load(open('params.yaml'))['size']\nopen('data.txt', 'w').write('x\\n' * n)\n")
    (folder / "count.py").write_text("import json\njson.dump({'n': len(open('data.txt').readlines())}, open('count.json', 'w'))\n")
    _run(["git", "init", "-q"], folder)
    _run([sys.executable, "-m", "dvc", "init", "-q"], folder)
    _run([sys.executable, "-m", "dvc", "repro", "-q"], folder)
    return folder


def test_the_check_passes_on_a_current_lock_and_fails_on_a_stale_one(project, tmp_path):
    clone = _commit_and_clone(project, tmp_path / "clone", "reproduced")
    current = _check(clone)
    assert current.returncode == 0, current.stderr
    assert "matches" in current.stdout

    # code changed after the lock was written, committed without rerunning the stage
    (project / "make_data.py").write_text((project / "make_data.py").read_text() + "# faster\n")
    _commit_and_clone(project, clone, "code after the lock")
    stale = _check(clone)
    assert stale.returncode == 1
    assert "dvc.lock is stale: make_data: make_data.py modified" in stale.stderr
    assert "count:" not in stale.stderr  # its input is only missing, as on any clone

    # a params value, and the fix: rerun and commit the lock
    (project / "params.yaml").write_text("size: 4\n")
    _commit_and_clone(project, clone, "params after the lock")
    assert "params size modified" in _check(clone).stderr
    _run([sys.executable, "-m", "dvc", "repro", "-q"], project)
    _commit_and_clone(project, clone, "lock current again")
    assert _check(clone).returncode == 0
