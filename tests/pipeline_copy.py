"""Copies of the project's files (as git sees them) with tiny params, for the tests that run the
real dvc.yaml. Two, each reproduced once per test session (conftest.py) and built side by side
under `make test`'s two workers: the whole pipeline for the end-to-end tests, and a small one
(the VAE, the FID judge, the per-model stages and plots, `models` = {vae}) for the fault and
remote tests, which exercise DVC and the stage harness, not every family."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

TINY = {
    "vae": {"epochs": 2, "n_hidden": 32, "elbo_samples": 1, "prr_grid": 3, "manifold_grid": 4},
    "vae_wide": {"epochs": 1, "dim_z": 3},
    "classifier": {"epochs": 1, "width": 4, "feature_dim": 16},
    "exon": {"epochs": 1, "batch_size": 256},
    "pre_design": {"radii": [4, 16], "epochs": 1},
    "path_latent_recon": {"betas": [5, 50]},  # beside exon.beta 0.1, train_exon's; exon.epochs each
    "biinfogan": {"iterations": 4, "log_every": 2, "width": 0.125, "batch_size": 64},
    "iin_ae": {"epochs": 1, "width": 0.0625, "z_dim": 8},
    "diin_ae": {"epochs": 1},
    "iin": {"epochs": 1, "n_blocks": 2, "hidden_dim": 16},
    "diin": {"epochs": 2, "pair_sets": 1, "factor_sizes": [3, 3, 2], "n_blocks": 2, "hidden_dim": 16},  # 2 epochs over 1 set
    "fid": {"n_samples": 200},
    "votemi": {"budget": 20, "candidates": 5, "random_repeats": 2, "eps": "auto", "eps_per_model": {"vae_wide": 3.0}},
}


# The small copy's stages: the data, model `vae` and what every model goes through downstream.
SMALL_STAGES = {"check_params", "download", "preprocess", "train_vae", "train_classifier", "embed",
                "evaluate_accuracy", "evaluate_fid", "dbscan_votemi", "plots"}


def environment() -> dict:
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    env.pop("LATENTLAB_TRACEBACK", None)
    # Stage commands say `python`: make it this interpreter, with its packages.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _run(args, cwd, check=True, **kwargs):
    result = subprocess.run(args, cwd=cwd, env=environment(), capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def _dvc(*args, cwd, check=True):
    return _run([sys.executable, "-m", "dvc", *args], cwd, check=check)


def _stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


def _keep_only_vae(folder: Path, params: dict) -> None:
    """dvc.yaml with SMALL_STAGES and `models` = {vae}, its curves and figures those of vae."""
    pipeline = yaml.safe_load((folder / "dvc.yaml").read_text())
    pipeline["vars"] = [{"models": {"vae": "vae"}}]
    pipeline["stages"] = {name: stage for name, stage in pipeline["stages"].items() if name in SMALL_STAGES}
    plots = pipeline["stages"]["plots"]  # the page's figure folders: only those of the stages kept
    plots["deps"] = [d for d in plots["deps"] if not d.startswith("reports/figures/") or d == "reports/figures/vae"]
    pipeline["metrics"] = [path for path in pipeline["metrics"] if "/vae/" in path]
    pipeline["plots"] = [plot for plot in pipeline["plots"] if
                         (next(iter(plot)).startswith("vae_") if isinstance(plot, dict)
                          else plot in ("reports/figures/vae", "reports/figures/selection"))]
    (folder / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    params["votemi"]["eps_per_model"] = {}  # it may name only models of dvc.yaml


def make_tiny_copy(folder: Path, small: bool = False) -> subprocess.CompletedProcess:
    """Copy the project into `folder`, shrink its params (and with `small` its pipeline), commit it
    to a new git repo and `dvc repro` it once; return that run (its stdout and stderr)."""
    listed = _run(["git", "ls-files", "-co", "--exclude-standard"], ROOT).stdout.split("\n")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith("reports/") and name != "dvc.lock":
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    params = yaml.safe_load((folder / "params.yaml").read_text())
    for section, values in TINY.items():
        params[section].update(values)
    if small:
        _keep_only_vae(folder, params)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    _run(["git", "init", "-q"], folder)
    _run(["git", "add", "-A"], folder)
    _run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy"], folder)
    return _dvc("repro", cwd=folder)
