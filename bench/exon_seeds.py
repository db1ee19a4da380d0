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
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
MEASURES = ("test_accuracy", "conditional_accuracy", "code_in_component", "neg_ssim", "train_seconds")


def parse_variant(text: str) -> dict:
    """'a=1,b=x' -> {'a': 1, 'b': 'x'} (values read as YAML)."""
    pairs = [item.split("=", 1) for item in text.split(",") if item]
    return {key.strip(): yaml.safe_load(value) for key, value in pairs}


def run(params: dict, seed: int, tmp: Path, tag: str) -> dict:
    (tmp / "params.yaml").write_text(yaml.safe_dump({**params, "seed": seed}))
    out = tmp / f"{tag}_{seed}"
    subprocess.run(
        [sys.executable, str(ROOT / "stages/train_exon.py"), "--params", str(tmp / "params.yaml"),
         "--data", str(ROOT / "data/processed"), "--classifier", str(ROOT / "models/classifier"),
         "--model", str(out / "model"), "--metrics", str(out / "metrics.json"), "--timing", str(out / "timing.json"),
         "--live", str(out / "live"), "--figures", str(out / "figures")],
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
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for index, variant in enumerate(variants):
            changed = {} if variant == "default" else parse_variant(variant)
            settings = {**params, "exon": {**params["exon"], **changed}}
            for seed in args.seeds:
                results.setdefault(variant, []).append(run(settings, seed, Path(folder), f"v{index}"))
                print(f"{variant} seed {seed}: {results[variant][-1]}", file=sys.stderr, flush=True)
    print(f"\nEXoN on {ROOT / 'data/processed'}, seeds {args.seeds} (mean +- sd over seeds; per seed)\n")
    print("| variant | " + " | ".join(MEASURES) + " |")
    print("|---" * (len(MEASURES) + 1) + "|")
    for variant, runs in results.items():
        cells = []
        for measure in MEASURES:
            values = np.array([r[measure] for r in runs], dtype=float)
            sd = values.std(ddof=1) if len(values) > 1 else 0.0
            digits = 0 if measure == "train_seconds" else 3
            cells.append(f"{values.mean():.{digits}f} +- {sd:.{digits}f} ({' '.join(f'{v:.{digits}f}' for v in values)})")
        print(f"| {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
