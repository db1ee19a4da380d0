"""Bi-InfoGAN over training seeds, and the stage's speed beside a plain loop, on the current
data/processed (run `dvc repro preprocess` first).

1. Each seed runs the real train_biinfogan stage script with params.yaml's biinfogan section,
   only `seed` changed, into a temporary folder: test accuracy (Hungarian-matched c1), the
   continuous codes' correlations, seconds per iteration.
2. The same networks and train_step, built from the same params, driven by a plain Python loop
   over a tf.function of the step (no fit(), no callbacks), for --loop-iterations iterations
   after a warm-up: the speed that fit() and the stage's monitoring are measured against.
Prints a markdown table. Run: python bench/biinfogan_seeds.py [--seeds 0 1 2] (about 10 minutes
per seed on 2 cores with the default params)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]


def run_stage(params: dict, seed: int, tmp: Path) -> dict:
    params = {**params, "seed": seed}
    (tmp / "params.yaml").write_text(yaml.safe_dump(params))
    out = {name: tmp / f"{name}_{seed}" for name in ("model", "figures")}
    metrics, timing = tmp / f"metrics_{seed}.json", tmp / f"timing_{seed}.json"
    subprocess.run(
        [sys.executable, str(ROOT / "stages/train_biinfogan.py"), "--params", str(tmp / "params.yaml"),
         "--data", str(ROOT / "data/processed"), "--model", str(out["model"]), "--metrics", str(metrics),
         "--timing", str(timing), "--curves", str(tmp / f"curves_{seed}.tsv"), "--figures", str(out["figures"])],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return {**json.loads(metrics.read_text()), **json.loads(timing.read_text())}


def plain_loop_seconds_per_iteration(iterations: int, onednn: bool) -> float:
    """Run the plain loop in a fresh process (oneDNN is chosen when TensorFlow is imported)."""
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1" if onednn else "0")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--loop-iterations", type=int, default=300)
    parser.add_argument("--set", nargs="*", default=[], metavar="biinfogan.KEY=VALUE",
                        help="params to change from params.yaml, as dvc exp run -S (YAML values)")
    parser.add_argument("--plain-loop", type=int, help=argparse.SUPPRESS)  # the child process of the loop
    args = parser.parse_args()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    changes = args.set or os.environ.get("LATENTLAB_BENCH_SET", "").split()
    os.environ["LATENTLAB_BENCH_SET"] = " ".join(changes)  # the plain loop's child process reads them
    for assignment in changes:
        key, value = assignment.split("=", 1)
        section, name = key.split(".", 1)
        params[section][name] = yaml.safe_load(value)
    if args.plain_loop:
        print(plain_loop(params, args.plain_loop))
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in args.seeds:
            rows.append((seed, run_stage(params, seed, Path(folder))))
            print(f"seed {seed} done: {rows[-1][1]}", file=sys.stderr)
    loop = plain_loop_seconds_per_iteration(args.loop_iterations, onednn=True)
    loop_default = plain_loop_seconds_per_iteration(args.loop_iterations, onednn=False)

    settings = params["biinfogan"]
    names = list(rows[0][1].get("continuous_correlation", {}))
    print(f"biinfogan: width {settings['width']}, {settings['iterations']} iterations of batch {settings['batch_size']}"
          f"{', changed: ' + ' '.join(changes) if changes else ''}\n")
    header = "| seed | test_accuracy | reconstruction_l1 | " + " | ".join(f"{n} \\|r\\| width / slant" for n in names)
    print(header + " | train_seconds | s / iteration |")
    print("|---" * (5 + len(names)) + "|")
    for seed, m in rows:
        codes = " | ".join("{width:.2f} / {slant:.2f} (within {width_within:.2f} / {slant_within:.2f})".format(
            **m["continuous_correlation"][n]) for n in names)
        print(f"| {seed} | {m['test_accuracy']:.4f} | {m['reconstruction_l1']:.4f} | {codes} | "
              f"{m['train_seconds']:.0f} | {m['seconds_per_iteration']:.4f} |")
    accuracy = np.array([m["test_accuracy"] for _, m in rows])
    sd = accuracy.std(ddof=1) if len(accuracy) > 1 else 0.0
    print(f"\ntest_accuracy over {len(rows)} seeds: mean {accuracy.mean():.4f}, sd {sd:.4f}, "
          f"best {accuracy.max():.4f}, worst {accuracy.min():.4f}")
    stage = float(np.mean([m["seconds_per_iteration"] for _, m in rows]))
    print(f"\n| speed | s / iteration |\n|---|---|\n| train_biinfogan stage (fit, curves, test accuracy "
          f"every {settings['log_every']}) | {stage:.4f} |\n| plain tf.function loop, same networks and step | "
          f"{loop:.4f} |\n| the same loop, oneDNN off (TensorFlow's default on this CPU) | {loop_default:.4f} |\n"
          f"| stage / loop | {stage / loop:.3f} |")


if __name__ == "__main__":
    main()
