"""EXoN test accuracy over training seeds, on the current data/processed (run `dvc repro
preprocess` first). Each seed runs the real train_exon stage script with params.yaml's exon
section, only `seed` changed, into a temporary folder; prints a table with mean and spread.
Run: python bench/exon_seeds.py [--seeds 0 1 2]   (about 4 minutes per seed on 2 cores)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for seed in args.seeds:
            params["seed"] = seed
            (tmp / "params.yaml").write_text(yaml.safe_dump(params))
            metrics = tmp / f"exon_{seed}.json"
            subprocess.run(
                [sys.executable, str(ROOT / "stages/train_exon.py"), "--params", str(tmp / "params.yaml"),
                 "--data", str(ROOT / "data/processed"), "--model", str(tmp / f"model_{seed}"),
                 "--metrics", str(metrics), "--timing", str(tmp / f"timing_{seed}.json"), "--curves", str(tmp / f"curves_{seed}.tsv"),
                 "--figures", str(tmp / f"figures_{seed}")],
                check=True, capture_output=True, text=True,
            )
            timing = json.loads((tmp / f"timing_{seed}.json").read_text())
            rows.append((seed, {**json.loads(metrics.read_text()), **timing}))
            print(f"seed {seed} done: {rows[-1][1]}", file=sys.stderr)
    accuracy = np.array([m["test_accuracy"] for _, m in rows])
    print("| seed | test_accuracy | kl | neg_ssim | train_seconds |\n|---|---|---|---|---|")
    for seed, m in rows:
        print(f"| {seed} | {m['test_accuracy']:.4f} | {m['kl']:.2f} | {m['neg_ssim']:.4f} | {m['train_seconds']:.0f} |")
    print(f"| mean +- sd | {accuracy.mean():.4f} +- {accuracy.std(ddof=1) if len(accuracy) > 1 else 0:.4f} | | | |")


if __name__ == "__main__":
    main()
