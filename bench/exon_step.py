"""Seconds per EXoN train step, as train_exon builds it (params.yaml's exon section, data/processed),
for each augmentation and, for the record, with XLA forced. Each case runs in a fresh process
(determinism and XLA are settings of the whole process), traces and warms up, then times whole
epochs and keeps the best; the cases run in turn for --rounds, so a slow spell of this machine
does not hit one case only.

XLA cannot compile EXoN's step as it is: Keras's rotation and shift layers call
ImageProjectiveTransformV3 and the mixup weights draw from a Gamma law, neither of which XLA
has. The `xla` case therefore uses `augmentation: original` and, for timing only, uniform mixup
weights; it is the speed XLA would give, not a way to train.
Run: python bench/exon_step.py [--rounds 2] [--epochs 4]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {"layers": "augmentation: layers", "original": "augmentation: original",
         "xla": "original, XLA (uniform mixup weights)"}


def measure(case: str, epochs: int) -> float:
    import yaml

    from latentlab.runtime import start

    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["runtime"]["deterministic"] = case != "xla"  # Keras refuses XLA under op determinism
    params["exon"]["augmentation"] = "layers" if case == "layers" else "original"
    runtime = start(params, onednn=True)  # as train_exon
    import keras

    from latentlab.io import load_npz
    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.exon import model as exon_model
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.training import exon_batches, steps_per_epoch

    if case == "xla":
        exon_model.beta_sample = lambda shape, alpha, seed_generator: keras.random.uniform(shape, seed=seed_generator)
    settings = params["exon"]
    train = load_npz(ROOT / "data/processed/train.npz")
    labeled = load_npz(ROOT / "data/processed/labeled.npz")["position"]
    x, y = to_symmetric_range(train["x"]), train["y"]
    steps = steps_per_epoch(len(x), settings["batch_size"])
    model = exon_model.EXoN(config_from_params(settings, x.shape[1:], int(y.max()) + 1, params["seed"]))
    model.compile(vae_optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                  classifier_optimizer=keras.optimizers.AdamW(settings["learning_rate"],
                                                              weight_decay=settings["weight_decay"]),
                  **runtime.compile_options_for(steps))
    model.build_all()
    if case == "xla":
        model._jit_compile = True  # past Keras's check: EXoN declares it cannot compile (Gamma draws)
    data = exon_batches(x, x[labeled], y[labeled], settings["batch_size"], settings["labeled_batch_size"],
                        params["seed"])
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)  # trace, build, warm up
    best = float("inf")
    for _ in range(epochs):
        start_time = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
        best = min(best, (time.perf_counter() - start_time) / steps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=4, help="timed epochs per case and round")
    parser.add_argument("--case", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps({"seconds_per_step": measure(args.case, args.epochs)}))
        return
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for case in CASES:
            result = subprocess.run([sys.executable, __file__, "--case", case, "--epochs", str(args.epochs)],
                                    capture_output=True, text=True, cwd=ROOT)
            if result.returncode:
                raise SystemExit(f"{case} failed:\n{result.stderr[-3000:]}")
            seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds_per_step"]
            best[case] = min(best.get(case, float("inf")), seconds)
            print(f"  {CASES[case]:40s} {seconds:.3f} s/step", file=sys.stderr, flush=True)
    print("\n| case | seconds per step (best) | against layers |\n|---|---|---|")
    for case, label in CASES.items():
        print(f"| {label} | {best[case]:.3f} | {best['layers'] / best[case]:.2f}x |")


if __name__ == "__main__":
    main()
