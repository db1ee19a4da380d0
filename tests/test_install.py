"""The Makefile's choice of TensorFlow build, read from `make -n` (what it would run) in a copy of
the install files, with a stand-in nvidia-smi on PATH: nothing is installed."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = ("Makefile", "requirements.txt", "requirements-test.txt", "requirements-cuda.txt", "pyproject.toml")
GPU_LINE = "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-00000000-0000-0000-0000-000000000000)"


@pytest.fixture
def project(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for name in FILES:
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "bin").mkdir()
    return tmp_path


def dry_run(project: Path, gpu: bool | None, *args: str) -> subprocess.CompletedProcess:
    """`make -n test`; gpu: True, a stand-in nvidia-smi that lists a GPU; False, one that fails
    as without a driver; None, no nvidia-smi at all. Each call counts in bin/calls."""
    fake = project / "bin" / "nvidia-smi"
    fake.unlink(missing_ok=True)
    if gpu is not None:
        body = f"echo '{GPU_LINE}'" if gpu else "echo 'NVIDIA-SMI has failed' >&2\nexit 9"
        fake.write_text(f"#!/bin/sh\necho x >> '{project / 'calls'}'\n{body}\n")
        fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{project / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    for name in ("TF_BUILD", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # as typed in a shell, not nested in `make test`
        env.pop(name, None)
    return subprocess.run(["make", "--no-print-directory", "-n", "test", *args], cwd=project, env=env, capture_output=True, text=True)


def pinned_version() -> str:
    line = next(x for x in (ROOT / "requirements.txt").read_text().splitlines() if x.startswith("tensorflow-cpu=="))
    return line.split("==")[1].split()[0]


def pip_install_line(out: str) -> str:
    return next(line for line in out.splitlines() if " pip install " in line and "--upgrade pip" not in line)


def test_a_gpu_gets_the_cuda_build_of_the_pinned_version(project):
    out = dry_run(project, gpu=True).stdout
    install = pip_install_line(out)
    assert f'"tensorflow[and-cuda]=={pinned_version()}"' in install
    assert "-c requirements-cuda.txt" in install  # the NVIDIA libraries at their pinned versions
    assert "uninstall --quiet --quiet --yes tensorflow-cpu\n" in out  # never both builds in one environment
    assert "cuda build (nvidia-smi lists a GPU)" in out
    assert ".installed-cuda" in out
    assert len((project / "calls").read_text().splitlines()) == 1  # detected once, not at every use


@pytest.mark.parametrize("gpu", [False, None], ids=["nvidia-smi-fails", "no-nvidia-smi"])
def test_no_gpu_keeps_the_cpu_build(project, gpu):
    out = dry_run(project, gpu=gpu).stdout
    install = pip_install_line(out)
    assert f'"tensorflow-cpu=={pinned_version()}"' in install and "and-cuda" not in out
    assert "requirements-cuda.txt" not in install
    uninstall = next(line for line in out.splitlines() if " pip uninstall " in line).split()
    assert "tensorflow" in uninstall and "nvidia-cudnn-cu12" in uninstall  # a GPU build's leftovers
    assert "cpu build (no GPU found by nvidia-smi)" in out


def test_tf_build_overrides_detection_and_a_bad_value_is_refused(project):
    out = dry_run(project, True, "TF_BUILD=cpu").stdout
    assert "tensorflow-cpu==" in out and "and-cuda" not in out and "(TF_BUILD given)" in out
    assert not (project / "calls").exists()  # nvidia-smi not even asked
    out = dry_run(project, None, "TF_BUILD=cuda").stdout
    assert "tensorflow[and-cuda]==" in out and "(TF_BUILD given)" in out
    bad = dry_run(project, False, "TF_BUILD=rocm")
    assert bad.returncode != 0 and "TF_BUILD must be cpu or cuda" in bad.stderr


def test_an_installed_build_is_kept_and_a_switch_reinstalls(project):
    venv = project / ".venv"
    venv.mkdir()
    for stamp in (".installed-cpu", ".installed"):
        (venv / stamp).touch()  # newer than the requirements files: the cpu build is up to date
    kept = dry_run(project, gpu=False).stdout
    assert " pip " not in kept and "python -m pytest" in kept.strip().splitlines()[-1]
    switched = dry_run(project, gpu=True).stdout
    assert "tensorflow[and-cuda]==" in pip_install_line(switched)
    assert "rm -f .venv/.installed-*" in switched  # the cpu stamp goes with the cpu build


def test_requirements_pin_tensorflow_once():
    pins = [line for name in ("requirements.txt", "requirements-test.txt", "requirements-cuda.txt")
            for line in (ROOT / name).read_text().splitlines() if line.startswith("tensorflow")]
    assert pins == [f"tensorflow-cpu=={pinned_version()}"]
