"""EXoN's measures over training seeds, for the params.yaml default and for switched variants, on
the current data/processed and models/classifier (run `dvc repro train_classifier` first). Each
run is the real train_exon stage script with params.yaml's exon section, only `seed` and the
variant's keys changed, into a temporary folder; prints one table with mean and spread.
Run: python bench/exon_seeds.py [--seeds 0 1 2] [--variant pseudo_labels=ema --variant lr_decay_start=40]
(each --variant is one more row group: comma-separated exon keys; about 6 minutes per run on 2 cores)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml
from variants import run_variants, spread

ROOT = Path(__file__).resolve().parents[1]
MEASURES = ("test_accuracy", "conditional_accuracy", "code_in_component", "neg_ssim", "train_seconds")


def run(params: dict, seed: int, tmp: Path, tag: str) -> dict:
    (tmp / "params.yaml").write_text(yaml.safe_dump({**params, "seed": seed}))
    out = tmp / f"{tag}_{seed}"
    subprocess.run(
        [sys.executable, str(ROOT / "stages/train_exon.py"), "--params", str(tmp / "params.yaml"),
         "--data", str(ROOT / "data/processed"), "--classifier", str(ROOT / "models/classifier"),
         "--model", str(out / "model"), "--metrics", str(out / "metrics.json"), "--timing", str(out / "timing.json"),
         "--live", str(out / "live"), "--figures", str(out / "figures"), "--point", str(out / "point.npz")],
        check=True, capture_output=True, text=True,
    )
    return {**json.loads((out / "metrics.json").read_text()), **json.loads((out / "timing.json").read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variant", action="append", default=[], help="exon keys, e.g. pseudo_labels=ema")
    parser.add_argument("--no-default", action="store_true", help="only the variants")
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    variants = ([] if args.no_default else ["default"]) + args.variant
    results = run_variants(params, "exon", variants, args.seeds, run)
    print(f"\nEXoN on {ROOT / 'data/processed'}, seeds {args.seeds} (mean +- sd over seeds; per seed)\n")
    print("| variant | " + " | ".join(MEASURES) + " |")
    print("|---" * (len(MEASURES) + 1) + "|")
    for variant, runs in results.items():
        cells = [spread([r[m] for r in runs], 0 if m == "train_seconds" else 3) for m in MEASURES]
        print(f"| {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
