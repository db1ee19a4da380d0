"""Bi-InfoGAN over training seeds, for the params.yaml default and switched variants, and the
stage's speed beside a plain loop, on the current data/processed and models/classifier (run
`dvc repro train_classifier` first).

1. Each run is the real train_biinfogan stage script with params.yaml's biinfogan section, only
   `seed` and the variant's keys changed, into a temporary folder, then the real evaluate_fid
   stage on the model: test accuracy (Hungarian-matched c1), the continuous codes' correlations
   with stroke width and slant, FID and PRDC recall of G's samples in the classifier's feature
   space (beside the committed run's VAEs: reports/metrics/fid/), seconds.
2. With --speed: the same networks and train_step, driven by a plain Python loop over a
   tf.function of the step (no fit(), no callbacks), after a warm-up, with oneDNN on and off.
Prints markdown tables. Run: python bench/biinfogan_seeds.py [--seeds 0 1 2]
[--variant d_batch=separate,noise=true] (each --variant is one more row group; --no-default
leaves out params.yaml's own row; 5-10 minutes a run on 2 cores)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml
from variants import parse_variant, run_variants, spread

ROOT = Path(__file__).resolve().parents[1]
MEASURES = ("test_accuracy", "fid", "recall", "precision", "best_width", "best_slant", "train_seconds",
            "seconds_per_iteration")


def stage(script: str, *arguments) -> None:
    subprocess.run([sys.executable, str(ROOT / "stages" / script), *map(str, arguments)],
                   check=True, capture_output=True, text=True, cwd=ROOT)


def run(params: dict, seed: int, tmp: Path, tag: str) -> dict:
    """One training run and its FID: the measures of MEASURES."""
    out = tmp / f"{tag}_{seed}"
    out.mkdir()
    (out / "params.yaml").write_text(yaml.safe_dump({**params, "seed": seed}))
    data = ROOT / "data/processed"
    stage("train_biinfogan.py", "--params", out / "params.yaml", "--data", data, "--model", out / "model",
          "--metrics", out / "metrics.json", "--timing", out / "timing.json", "--live", out / "live",
          "--figures", out / "figures")
    stage("evaluate_fid.py", "--params", out / "params.yaml", "--family", "biinfogan", "--model", out / "model",
          "--classifier", ROOT / "models/classifier", "--data", data, "--metrics", out / "fid.json")
    metrics, timing, fid = (json.loads((out / f"{n}.json").read_text()) for n in ("metrics", "timing", "fid"))
    codes = metrics.get("continuous_correlation", {})
    return {"test_accuracy": metrics["test_accuracy"], "fid": fid["fid"], "recall": fid["recall"],
            "precision": fid["precision"],
            "best_width": max((c["width"] for c in codes.values()), default=float("nan")),
            "best_slant": max((c["slant"] for c in codes.values()), default=float("nan")), **timing}


def plain_loop_seconds_per_iteration(iterations: int, onednn: bool, variant: str) -> float:
    """Run the plain loop in a fresh process (oneDNN is chosen when TensorFlow is imported)."""
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1" if onednn else "0",
               LATENTLAB_BENCH_VARIANT="" if variant == "default" else variant)
    result = subprocess.run([sys.executable, __file__, "--plain-loop", str(iterations)],
                            check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    return float(result.stdout.strip().splitlines()[-1])


def plain_loop(params: dict, iterations: int, warmup: int = 20) -> float:
    """The stage's networks and step, without fit(): a tf.function of train_step in a for loop."""
    from latentlab.seeding import make_deterministic

    make_deterministic(params["seed"])
    import tensorflow as tf

    from latentlab.io import load_npz
    from latentlab.models.biinfogan.config import BiInfoGANConfig
    from latentlab.models.biinfogan.model import BiInfoGAN, optimizers
    from latentlab.models.biinfogan.training import repeated_batches

    settings = params["biinfogan"]
    x = load_npz(ROOT / "data/processed/train.npz")["x"]
    model = BiInfoGAN(BiInfoGANConfig.from_params(settings, x.shape[1:], params["seed"]))
    model.compile(*optimizers(settings, settings["iterations"]))
    step = tf.function(model.train_step)
    batches = iter(repeated_batches(x, settings["batch_size"], params["seed"]))
    for _ in range(warmup):
        logs = step(next(batches))
    float(logs["d_loss"])
    started = time.perf_counter()
    for _ in range(iterations):
        logs = step(next(batches))
    float(logs["d_loss"])  # wait for the last step
    return (time.perf_counter() - started) / iterations


def summary_row(name: str, runs: list[dict]) -> str:
    digits = {"train_seconds": 0, "fid": 1, "seconds_per_iteration": 4}
    cells = [spread([r[m] for r in runs], digits.get(m, 3)) for m in MEASURES]
    return f"| {name} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variant", action="append", default=[], help="biinfogan keys, e.g. d_batch=separate,noise=true")
    parser.add_argument("--no-default", action="store_true", help="only the variants")
    parser.add_argument("--speed", type=int, metavar="ITERATIONS", help="also time a plain loop of this many iterations")
    parser.add_argument("--plain-loop", type=int, help=argparse.SUPPRESS)  # the child process of the loop
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    if args.plain_loop:
        params["biinfogan"].update(parse_variant(os.environ.get("LATENTLAB_BENCH_VARIANT", "")))
        print(plain_loop(params, args.plain_loop))
        return
    variants = ([] if args.no_default else ["default"]) + args.variant
    results = run_variants(params, "biinfogan", variants, args.seeds, run)

    settings = params["biinfogan"]
    print(f"\nBi-InfoGAN on {ROOT / 'data/processed'}, seeds {args.seeds} (mean +- sd over seeds; per seed). "
          f"default: width {settings['width']}, {settings['iterations']} iterations of batch {settings['batch_size']}; "
          "a variant changes only its keys\n")
    print("| variant | " + " | ".join(MEASURES) + " |")
    print("|---" * (len(MEASURES) + 1) + "|")
    for variant, runs in results.items():
        print(summary_row(variant, runs))
    for name in ("vae", "vae_wide"):  # the committed run's, same classifier and n (evaluate_fid)
        path = ROOT / f"reports/metrics/fid/{name}.json"
        if path.is_file():
            fid = json.loads(path.read_text())
            print(f"\n{name} (committed run): fid {fid['fid']:.1f}, recall {fid['recall']:.3f}", end="")
    print()
    if args.speed:
        stage_seconds = float(np.mean([r["seconds_per_iteration"] for r in results[variants[0]]]))
        loop = plain_loop_seconds_per_iteration(args.speed, onednn=True, variant=variants[0])
        loop_default = plain_loop_seconds_per_iteration(args.speed, onednn=False, variant=variants[0])
        print(f"\n| speed ({variants[0]}) | s / iteration |\n|---|---|\n| train_biinfogan stage (fit, curves, "
              f"monitors every {settings['log_every']}) | {stage_seconds:.4f} |\n| plain tf.function loop, same "
              f"networks and step | {loop:.4f} |\n| the same loop, oneDNN off | {loop_default:.4f} |\n"
              f"| stage / loop | {stage_seconds / loop:.3f} |")


if __name__ == "__main__":
    main()
