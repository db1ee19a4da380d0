"""Training throughput of every family at its default batch, beside this machine's float32 matmul
rate, with determinism on and off, in one run; and, for the record, off with XLA forced (what
runtime.deterministic false does on a GPU, and not on a CPU).

Each (family, determinism) case runs in a fresh process, as a training stage would: determinism
and XLA are settings of the whole process. A case builds the model and input pipeline the way
its train stage does (params.yaml's defaults and runtime section, data/processed from the last
`dvc repro`), traces and warms up, then times whole epochs and keeps the best. A step's FLOPs are
counted by TensorFlow's profiler on the traced train step (forward, gradients and optimizer), so
every family is measured the same way. The matmul rate is the best of 512/1024/2048 square
products, measured before and after the cases (this machine's speed changes for seconds at a time).
Run: make bench   (or: python bench/throughput.py [--seconds 20] [--families vae exon])
"""
from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = ("vae", "exon", "biinfogan", "iin_ae")


def matmul_rate(n: int, seconds: float = 2.0) -> float:
    """Best sustained GFLOP/s of a float32 n x n product in a compiled function."""
    import tensorflow as tf

    a = tf.Variable(tf.random.normal((n, n)))
    product = tf.function(lambda: tf.matmul(a, a)[0, 0])
    product().numpy()
    best, deadline = 0.0, time.perf_counter() + seconds
    reps = max(1, int(2e10 / (2 * n ** 3)))
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(reps):
            result = product()
        result.numpy()
        best = max(best, 2 * n ** 3 * reps / (time.perf_counter() - start) / 1e9)
    return best


def ceiling() -> float:
    return max(matmul_rate(n) for n in (512, 1024, 2048))


def step_flops(model, element_spec) -> float:
    """Float operations of one traced train step (TensorFlow's profiler: matmuls, convolutions
    and their gradients, elementwise ops with registered counts)."""
    import tensorflow as tf

    graph = tf.function(model.train_step).get_concrete_function(element_spec).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder(tf.compat.v1.profiler.ProfileOptionBuilder.float_operation())
    options = options.with_empty_output().build()
    return float(tf.compat.v1.profiler.profile(graph=graph, cmd="op", options=options).total_float_ops)


def build(family: str, params: dict, runtime):
    """(model, dataset, steps per epoch, images per step) as the family's train stage builds them."""
    import keras

    from latentlab.io import load_npz

    seed = params["seed"]
    train = load_npz(ROOT / "data/processed/train.npz")
    x, y = train["x"], train["y"]
    options = runtime.compile_options
    with runtime.scope():
        if family == "vae":
            from latentlab.models.common.training import shuffled_batches
            from latentlab.models.vae.config import VAEConfig
            from latentlab.models.vae.model import VAE

            settings = params["vae"]
            model = VAE(VAEConfig.from_params(settings, x.shape[1:], seed))
            model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]), **options)
            batch = settings["batch_size"]
            return model, shuffled_batches(x, batch, seed), math.ceil(len(x) / batch), batch
        if family == "exon":
            from latentlab.models.common.pixels import to_symmetric_range
            from latentlab.models.exon.config import config_from_params
            from latentlab.models.exon.model import EXoN
            from latentlab.models.exon.training import exon_batches, steps_per_epoch

            settings = params["exon"]
            labeled = load_npz(ROOT / "data/processed/labeled.npz")["position"]
            steps = steps_per_epoch(len(x), settings["batch_size"])
            model = EXoN(config_from_params(settings, x.shape[1:], int(y.max()) + 1, seed))
            model.compile(vae_optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                          classifier_optimizer=keras.optimizers.AdamW(settings["learning_rate"],
                                                                      weight_decay=settings["weight_decay"]),
                          **runtime.compile_options_for(steps))
            model.build_all()
            xs, batch = to_symmetric_range(x), settings["batch_size"]
            data = exon_batches(xs, xs[labeled], y[labeled], batch, settings["labeled_batch_size"], seed)
            return model, data, steps, batch
        if family == "biinfogan":
            from latentlab.models.biinfogan.config import BiInfoGANConfig
            from latentlab.models.biinfogan.model import BiInfoGAN, optimizers
            from latentlab.models.biinfogan.training import repeated_batches

            settings = params["biinfogan"]
            model = BiInfoGAN(BiInfoGANConfig.from_params(settings, x.shape[1:], seed))
            model.compile(*optimizers(settings, settings["iterations"]), **runtime.compile_options_for(settings["log_every"]))
            batch = settings["batch_size"]
            return model, repeated_batches(x, batch, seed), settings["log_every"], batch
        if family == "iin_ae":
            from latentlab.models.common.training import shuffled_batches
            from latentlab.models.iin.config import AutoencoderConfig
            from latentlab.models.iin.images import to_network_size
            from latentlab.models.iin.model import Autoencoder, adam

            settings = params["iin_ae"]
            images, batch = to_network_size(x), settings["batch_size"]
            steps = math.ceil(len(images) / batch)
            config = AutoencoderConfig.from_params(settings, x.shape[1:], seed)
            model = Autoencoder(config, kl_weight=settings["kl_weight"], disc_start=settings["disc_start"])
            model.compile(adam(settings, steps * settings["epochs"]),
                          adam(settings, steps * settings["epochs"], settings["disc_lr_factor"])
                          if config.discriminator else None, **options)
            model.initialise(images[np.random.default_rng(seed).permutation(len(images))[:batch]])
            return model, shuffled_batches(images, batch, seed), steps, batch
    raise SystemExit(f"unknown family {family!r} (known: {', '.join(FAMILIES)})")


MODES = {"on": "deterministic", "off": "not deterministic", "xla": "not deterministic, XLA forced"}


def measure(family: str, mode: str, seconds: float) -> dict:
    """One case, in this process: images/s of the best timed epoch, and FLOPs per image."""
    import dataclasses

    import yaml

    from latentlab.runtime import start

    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["runtime"]["deterministic"] = mode == "on"
    runtime = start(params, onednn=family in ("exon", "biinfogan", "iin_ae"))  # as their train stages
    if mode == "xla":
        runtime = dataclasses.replace(runtime, xla=True)
    model, data, steps, batch = build(family, params, runtime)
    model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)  # trace, build, warm up
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start_time = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
        best = max(best, steps * batch / (time.perf_counter() - start_time))
    import tensorflow as tf

    # the profiler counts only ops of known shape: a full batch where the pipeline leaves it open
    spec = tf.nest.map_structure(lambda s: tf.TensorSpec([batch if d is None else d for d in s.shape], s.dtype),
                                 data.element_spec)
    return {"family": family, "mode": mode, "batch": batch, "images_per_second": best,
            "flops_per_image": step_flops(model, spec) / batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="timing budget of each case")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--rounds", type=int, default=2, help="cases run in turn this many times; best kept")
    parser.add_argument("--case", nargs=2, metavar=("FAMILY", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        from latentlab.seeding import quiet_tensorflow

        quiet_tensorflow()
        print(json.dumps(measure(args.case[0], args.case[1], args.seconds)))
        return
    from latentlab.seeding import quiet_tensorflow

    quiet_tensorflow()
    before = ceiling()
    best: dict[tuple[str, str], dict] = {}
    for _ in range(args.rounds):  # in turn, so a slow spell of the machine does not hit one mode only
        for family in args.families:
            for mode in MODES:
                result = subprocess.run([sys.executable, __file__, "--seconds", str(args.seconds), "--case", family,
                                         mode], capture_output=True, text=True, cwd=ROOT)
                if result.returncode:
                    raise SystemExit(f"{family} ({MODES[mode]}) failed:\n{result.stderr[-3000:]}")
                row = json.loads(result.stdout.strip().splitlines()[-1])
                if row["images_per_second"] > best.get((family, mode), {}).get("images_per_second", 0):
                    best[family, mode] = row
                print(f"  {family:10s} {MODES[mode]:30s} {row['images_per_second']:8.0f} images/s",
                      file=sys.stderr, flush=True)
    peak = max(before, ceiling())
    print(f"\nfloat32 matmul rate (best 512/1024/2048 square, before and after): {peak:.1f} GFLOP/s\n")
    print("| family | batch | MFLOP per image (train step) | deterministic: images/s | GFLOP/s | % of matmul "
          "| not deterministic: images/s | % of matmul | off / on | XLA forced: images/s | XLA / on |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for family in args.families:
        on, off, xla = (best[family, mode] for mode in MODES)
        flops = on["flops_per_image"]

        def percent(row):
            return f"{100 * row['images_per_second'] * flops / 1e9 / peak:.0f}%"

        print(f"| {family} | {on['batch']} | {flops / 1e6:.2f} | {on['images_per_second']:,.0f} "
              f"| {on['images_per_second'] * flops / 1e9:.1f} | {percent(on)} | {off['images_per_second']:,.0f} "
              f"| {percent(off)} | {off['images_per_second'] / on['images_per_second']:.2f} "
              f"| {xla['images_per_second']:,.0f} | {xla['images_per_second'] / on['images_per_second']:.2f} |")


if __name__ == "__main__":
    main()
