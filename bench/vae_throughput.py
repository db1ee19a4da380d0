"""VAE training throughput against this machine's float32 matmul ceiling, in one run.

Prints a table: the matmul rate (best square size, and at the model's own layer shapes), the
model's training FLOPs per sample, and the measured samples/s of the real train_vae setup
(deterministic ops, default params, the embedded train split, tf.data input).
Run: make bench   (or: python bench/vae_throughput.py [--epochs N])
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def matmul_rate(m: int, k: int, n: int, seconds: float = 2.0) -> float:
    """Best sustained GFLOP/s of a float32 (m x k) @ (k x n) product in a compiled function."""
    import tensorflow as tf

    a = tf.random.normal((m, k))
    b = tf.random.normal((k, n))
    product = tf.function(lambda a, b: tf.reduce_sum(tf.matmul(a, b)))
    product(a, b).numpy()
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        reps = max(1, int(2e9 / (2 * m * k * n)))
        start = time.perf_counter()
        for _ in range(reps):
            result = product(a, b)
        result.numpy()
        best = max(best, 2 * m * k * n * reps / (time.perf_counter() - start) / 1e9)
    return best


def training_flops_per_sample(layer_shapes: list[tuple[int, int]], first_layers: set[int]) -> int:
    """Matmul FLOPs of one forward + backward pass: forward 2*i*o per layer, weight gradient
    2*i*o, and input gradient 2*i*o except for layers fed by data (nothing to propagate to)."""
    total = 0
    for index, (fan_in, fan_out) in enumerate(layer_shapes):
        total += 2 * fan_in * fan_out * (2 if index in first_layers else 3)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()

    import yaml

    from latentlab.seeding import make_deterministic

    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    vae, seed = params["vae"], params["seed"]
    make_deterministic(seed)
    import keras

    from latentlab.data.download import embedded_file
    from latentlab.data.formats import read_embedded_csv
    from latentlab.data.splits import stratified_split, to_unit_range
    from latentlab.models.common.training import shuffled_batches
    from latentlab.models.vae.config import VAEConfig
    from latentlab.models.vae.model import VAE

    images, labels = read_embedded_csv(embedded_file())
    train_idx, _ = stratified_split(labels, params["data"]["test_fraction"], seed)
    x = to_unit_range(images[train_idx])

    model = VAE(VAEConfig.from_params(vae, x.shape[1:], seed))
    model.compile(optimizer=keras.optimizers.Adam(vae["learning_rate"]))
    dense = [layer for part in (model.encoder, model.decoder) for layer in part.layers if isinstance(layer, keras.layers.Dense)]
    shapes = [tuple(layer.kernel.shape) for layer in dense]
    # Layers fed directly by data have no input gradient: the encoder's first layer, and in
    # `no_encoder` mode the decoder's first (its input is noise). Count the encoder's heads once.
    flops = training_flops_per_sample(shapes, first_layers={0})

    def throughput(batch_size: int) -> float:
        fresh = VAE(VAEConfig.from_params(vae, x.shape[1:], seed))
        fresh.compile(optimizer=keras.optimizers.Adam(vae["learning_rate"]))
        batches = shuffled_batches(x, batch_size, seed)
        fresh.fit(batches, epochs=1, verbose=0)  # trace and warm up
        start = time.perf_counter()
        fresh.fit(batches, epochs=args.epochs, verbose=0)
        return args.epochs * len(x) / (time.perf_counter() - start)

    samples_per_second = throughput(vae["batch_size"])
    large_batch = throughput(1024)

    peak = max(matmul_rate(n, n, n) for n in (512, 1024, 2048))
    at_layers = np.mean([matmul_rate(vae["batch_size"], i, o, seconds=1.0) for i, o in shapes if i * o > 10_000])
    achieved = samples_per_second * flops / 1e9

    rows = [
        ("float32 matmul ceiling (best of 512/1024/2048 square)", f"{peak:.1f} GFLOP/s"),
        (f"float32 matmul at the model's layer shapes (batch {vae['batch_size']})", f"{at_layers:.1f} GFLOP/s"),
        ("VAE training FLOPs per sample (matmuls, fwd+bwd)", f"{flops / 1e6:.2f} MFLOP"),
        (f"VAE training throughput (batch {vae['batch_size']}, {args.epochs} epochs)", f"{samples_per_second:,.0f} samples/s"),
        ("achieved matmul rate in training", f"{achieved:.1f} GFLOP/s"),
        ("for scale: throughput at batch 1024", f"{large_batch:,.0f} samples/s ({large_batch * flops / 1e9:.1f} GFLOP/s)"),
        ("fraction of the ceiling (target >= 50%)", f"{100 * achieved / peak:.0f}%"),
        ("fraction of the rate at the model's own shapes", f"{100 * achieved / at_layers:.0f}%"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
