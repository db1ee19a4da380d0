"""IIN and D-IIN over training seeds, on the current data/processed and models/classifier (run
`dvc repro train_classifier` first): each seed runs the real stage scripts (train_iin_ae,
train_iin, evaluate_fid; train_diin_ae, train_diin, evaluate_diin) with params.yaml, only `seed`
changed, into a temporary folder. Prints a markdown table per seed and the mean and standard
deviation: IIN's sample FID beside its autoencoder's decode(N(0, I)) FID, D-IIN's swap measures,
each stage's train_seconds. Run: python bench/iin_seeds.py [--seeds 0 1 2] [--set iin.epochs=30]
(about 15 minutes per seed on 2 cores with the default params). To screen D-IIN's own keys (diin.*),
`--diin-autoencoder models/diin_ae` trains only T over that autoencoder (seed varies T alone):
about 7 minutes a seed; `--iin-autoencoder models/iin_ae` likewise trains only IIN's T and its FID.
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


def stage(script: str, *args) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "stages" / script), *map(str, args)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"{script} failed:\n{result.stderr[-2000:]}")


def run_diin(p: Path, folder: Path, autoencoder: Path) -> dict:
    """train_diin over `autoencoder`, then evaluate_diin: D-IIN's measures and T's train_seconds."""
    data, classifier = ROOT / "data/processed", ROOT / "models/classifier"
    stage("train_diin.py", "--params", p, "--data", data, "--autoencoder", autoencoder, "--model",
          folder / "diin", "--timing", folder / "diin_timing.json", "--live", folder / "diin_live")
    stage("evaluate_diin.py", "--params", p, "--model", folder / "diin", "--classifier", classifier, "--data", data,
          "--metrics", folder / "diin.json", "--figures", folder / "diin_figures")
    diin = json.loads((folder / "diin.json").read_text())
    return dict(
        digit_swap_accuracy=diin["digit_swap_accuracy"], colour_swap_error=diin["colour_swap_error"],
        digit_probe_on_digit=diin["factor_probe_accuracy"]["digit"],
        digit_in_other_factors=diin["digit_in_other_factors"], colour_in_other_factors=diin["colour_in_other_factors"],
        diin_seconds=json.loads((folder / "diin_timing.json").read_text())["train_seconds"],
    )


def run_iin(p: Path, folder: Path, autoencoder: Path) -> dict:
    """train_iin over `autoencoder`, then evaluate_fid: IIN's sample FIDs and T's train_seconds."""
    data, classifier = ROOT / "data/processed", ROOT / "models/classifier"
    stage("train_iin.py", "--params", p, "--data", data, "--autoencoder", autoencoder, "--model", folder / "iin",
          "--metrics", folder / "iin.json", "--timing", folder / "iin_timing.json", "--live", folder / "iin_live",
          "--figures", folder / "iin_figures")
    stage("evaluate_fid.py", "--params", p, "--family", "iin", "--model", folder / "iin", "--classifier", classifier,
          "--data", data, "--metrics", folder / "fid.json")
    fid = json.loads((folder / "fid.json").read_text())
    return dict(
        fid=fid["fid"], fid_autoencoder_prior=fid["fid_autoencoder_prior_samples"],
        fid_autoencoder_reconstructions=fid["fid_autoencoder_reconstructions"],
        iin_seconds=json.loads((folder / "iin_timing.json").read_text())["train_seconds"],
    )


def run_seed(params: dict, seed: int, tmp: Path, diin_autoencoder: Path | None = None,
             iin_autoencoder: Path | None = None) -> dict:
    folder = tmp / f"seed_{seed}"
    folder.mkdir()
    p = folder / "params.yaml"
    p.write_text(yaml.safe_dump({**params, "seed": seed}, sort_keys=False))
    data, classifier = ROOT / "data/processed", ROOT / "models/classifier"
    row = {"seed": seed}
    if diin_autoencoder is not None:
        return {**row, **run_diin(p, folder, diin_autoencoder)}
    if iin_autoencoder is not None:
        return {**row, **run_iin(p, folder, iin_autoencoder)}
    for prefix, colorful in (("iin", False), ("diin", True)):
        stage("train_iin_ae.py", "--params", p, "--data", data, *(["--colorful"] if colorful else []),
              "--model", folder / f"{prefix}_ae", "--metrics", folder / f"{prefix}_ae.json",
              "--timing", folder / f"{prefix}_ae_timing.json", "--live", folder / f"{prefix}_ae_live",
              "--figures", folder / f"{prefix}_ae_figures")
        row[f"{prefix}_ae_seconds"] = json.loads((folder / f"{prefix}_ae_timing.json").read_text())["train_seconds"]
    row.update(run_iin(p, folder, folder / "iin_ae"))
    return {**row, **run_diin(p, folder, folder / "diin_ae")}


def parse_value(text: str):
    return yaml.safe_load(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--set", action="append", default=[], help="section.key=value, as dvc exp run -S")
    parser.add_argument("--diin-autoencoder", type=Path, help="train only D-IIN's T, over this autoencoder")
    parser.add_argument("--iin-autoencoder", type=Path, help="train only IIN's T, over this autoencoder")
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    for assignment in args.set:
        key, value = assignment.split("=", 1)
        section, name = key.split(".", 1)
        params[section][name] = parse_value(value)
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for seed in args.seeds:
            rows.append(run_seed(params, seed, Path(tmp), args.diin_autoencoder and args.diin_autoencoder.resolve(),
                                 args.iin_autoencoder and args.iin_autoencoder.resolve()))
            print(json.dumps(rows[-1]), flush=True)
    columns = list(rows[0])
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{row[c]:g}" for c in columns) + " |")
    for name, reduce in (("mean", np.mean), ("sd", lambda v: np.std(v, ddof=1) if len(v) > 1 else 0.0)):
        print(f"| {name} | " + " | ".join(f"{reduce([r[c] for r in rows]):.4g}" for c in columns[1:]) + " |")


if __name__ == "__main__":
    main()
