"""The whole default run over seeds: how far every metric moves when only `seed` in params.yaml
changes, every stage retrained (classifier, latents, selections) — the spread `noise.yaml`'s
`run_seed_sd` holds. The stage benches (exon_seeds.py, iin_seeds.py, ...) vary one stage's seed over
fixed inputs, so they measure only part of that move.

Each `--seeds N` runs `dvc repro` in a clone of this repository's HEAD with `seed: N` (about 80
minutes on 2 cores), in `--work`/seedN; a clone that already has its metrics is reused. `--runs`
adds metrics folders of runs made elsewhere (the committed seed-0 run is `reports/metrics`). Prints
one row per metric noise.yaml bands (every numeric metric with `--all`): its value in each run, the
standard deviation over runs, and the band today.
Run: python bench/run_seeds.py --runs reports/metrics --seeds 1 2 [--work /tmp/run_seeds] [--all]
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from latentlab.compare import is_number, describe, read_folder  # noqa: E402  (no TensorFlow)
from latentlab.noise import load_bands  # noqa: E402


def seeded_run(seed: int, work: Path) -> Path:
    """reports/metrics of a default run at `seed` in a clone of HEAD under `work`, run if missing."""
    clone = work / f"seed{seed}"
    metrics = clone / "reports/metrics"
    if (clone / "dvc.lock").is_file() and _lock_seeds(clone) == {seed} and metrics.is_dir():
        print(f"seed {seed}: reusing {clone}", file=sys.stderr)
        return metrics
    if clone.exists():
        raise SystemExit(f"{clone} exists but holds no finished run at seed {seed}: remove it first")
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    params = clone / "params.yaml"
    text, count = re.subn(r"(?m)^seed: \d+", f"seed: {seed}", params.read_text())
    if count != 1:
        raise SystemExit(f"{params}: expected one top-level `seed:` line")
    params.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(clone), "DVC_NO_ANALYTICS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    print(f"seed {seed}: dvc repro in {clone}", file=sys.stderr)
    subprocess.run(["dvc", "repro"], cwd=clone, env=env, check=True)
    return metrics


def _lock_seeds(clone: Path) -> set[int]:
    """The seeds the clone's dvc.lock records, over every stage that reads `seed`: one seed when the
    run finished (the clone's committed metrics are the seed-0 run's until then)."""
    return {int(seed) for seed in re.findall(r"(?m)^\s+seed: (\d+)$", (clone / "dvc.lock").read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="*", default=[], type=Path, help="metrics folders of finished runs")
    parser.add_argument("--seeds", nargs="*", default=[], type=int, help="seeds to run in clones of HEAD")
    parser.add_argument("--work", type=Path, default=Path("/tmp/run_seeds"), help="where the clones go")
    parser.add_argument("--all", action="store_true", help="every numeric metric, not only the banded ones")
    args = parser.parse_args()

    folders = list(args.runs) + [seeded_run(seed, args.work) for seed in args.seeds]
    if len(folders) < 2:
        raise SystemExit("a spread needs at least two runs (--runs and --seeds together)")
    runs = [read_folder(folder) for folder in folders]
    bands = load_bands(ROOT / "noise.yaml")
    names = sorted({(file, key) for run in runs for file, values in run.items() for key in values
                    if args.all or key in bands.get(file, {})})
    print(f"runs: {', '.join(map(str, folders))}\n")
    print("| metrics file | key | " + " | ".join(f"run {i + 1}" for i in range(len(runs)))
          + " | sd over runs | largest move | band today |")
    print("|---|---|" + "---|" * len(runs) + "---|---|---|")
    for file, key in names:
        values = [value if is_number(value) else None for value in (run.get(file, {}).get(key) for run in runs)]
        numbers = [value for value in values if value is not None]
        if len(numbers) < 2:
            continue
        band = bands.get(file, {}).get(key)
        today = describe(band, numbers[0])[1] if band else "no band"
        cells = " | ".join("-" if value is None else f"{value:.4g}" for value in values)
        print(f"| {file.removeprefix('reports/metrics/')} | {key} | {cells} | {np.std(numbers, ddof=1):.4g} | "
              f"{max(numbers) - min(numbers):.4g} | {today} |")


if __name__ == "__main__":
    main()
