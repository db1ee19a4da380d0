"""No-op `dvc repro` on the default outputs: how long DVC takes to find nothing to do (issue 23's
target: at most 2 s), beside a toy project with the same number of stages, each with one file
dependency, one param of this params.yaml and one output: DVC's own floor on this machine.
Refuses to start when `dvc status` finds a stage to run, since `dvc repro` would then train.
Prints min / median / max seconds over --repeats runs of each command, after one warm-up run. The
toy lives in the system's temporary folder, maybe another filesystem than the checkout's.
Run on an idle machine: python bench/noop_repro.py [--repeats 5]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DVC = [sys.executable, "-m", "dvc"]
ENV = {**os.environ, "DVC_NO_ANALYTICS": "1"}


def run(command: list[str], cwd: Path, env: dict) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"noop_repro: `{' '.join(command[2:])}` in {cwd} failed (exit {result.returncode}):\n"
                         f"{result.stderr.strip()}")
    return result.stdout


def refuse_if_pending(cwd: Path, env: dict) -> None:
    """Stop when `dvc status` lists a stage: `dvc repro` would then train, not time a no-op."""
    pending = json.loads(run(DVC + ["status", "--json"], cwd, env) or "{}")
    if pending:
        names = ", ".join(sorted(pending)[:3]) + (", ..." if len(pending) > 3 else "")
        raise SystemExit(f"noop_repro: `dvc status` lists {len(pending)} stage(s) to run in {cwd} ({names}): "
                         "run `make repro` first, or this bench would train")


def seconds(command: list[str], cwd: Path, repeats: int, env: dict) -> list[float]:
    """Wall seconds of `repeats` runs of command after one warm-up run (disk caches, DVC's state
    database); before each run, untimed, a check that `dvc repro` would have nothing to run."""
    times = []
    for attempt in range(repeats + 1):
        refuse_if_pending(cwd, env)
        start = time.perf_counter()
        run(command, cwd, env)
        if attempt:
            times.append(time.perf_counter() - start)
    return times


def toy_project(folder: Path, stages: int, env: dict) -> Path:
    """A DVC project of `stages` stages, each one dependency, one param and one output, reproduced once."""
    folder.mkdir(parents=True)
    run(["git", "init", "-q"], folder, env)
    run(DVC + ["init", "-q"], folder, env)
    shutil.copy(ROOT / "params.yaml", folder / "params.yaml")
    for i in range(stages):
        (folder / f"in{i}.txt").write_text(f"{i}\n")
    dvc_yaml = {"stages": {f"s{i}": {"cmd": f"cp in{i}.txt out{i}.txt", "deps": [f"in{i}.txt"], "params": ["seed"],
                                     "outs": [f"out{i}.txt"]} for i in range(stages)}}
    (folder / "dvc.yaml").write_text(yaml.safe_dump(dvc_yaml, sort_keys=False))
    run(DVC + ["repro", "-q"], folder, env)
    return folder


def spread(times: list[float]) -> str:
    return f"{min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f}"


def row(name: str, stages: int, repro: list[float], status: list[float]) -> str:
    return f"| {name} | {stages} | {spread(repro)} | {spread(status)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each command (default 5)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    stages = len(yaml.safe_load((ROOT / "dvc.lock").read_text())["stages"])
    lines = ["| project | stages | `dvc repro` s (min / median / max) | `dvc status` s |", "|---|---:|---|---|",
             row("this pipeline, default outputs", stages, seconds(DVC + ["repro"], ROOT, args.repeats, ENV),
                 seconds(DVC + ["status"], ROOT, args.repeats, ENV))]
    with tempfile.TemporaryDirectory(prefix="noop_toy_") as folder:
        # the toy's DVC state (site cache) goes with it, not into the user's cache folder
        env = {**ENV, "DVC_SITE_CACHE_DIR": str(Path(folder) / "site_cache")}
        toy = toy_project(Path(folder) / "toy", stages, env)
        lines.append(row("toy: 1 dep, 1 param, 1 out per stage", stages, seconds(DVC + ["repro"], toy, args.repeats, env),
                         seconds(DVC + ["status"], toy, args.repeats, env)))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
