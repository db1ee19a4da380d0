"""Every family's contract example (tests/test_families.py) trained for one real step under a
given runtime, in a process of its own: logical devices and dtype policies can be set only once,
before TensorFlow starts. Run as a script, it prints one JSON object per family:
    python tests/family_steps.py --strategy mirrored --cpus 2
"""
from __future__ import annotations

import argparse
import importlib
import json

import numpy as np

SHAPE = (16, 16, 1)


def blobs() -> tuple[np.ndarray, np.ndarray]:
    """Four classes of blobs in different corners of 16 x 16 images: learnable in a few steps."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 16)
    x = rng.random((64,) + SHAPE).astype(np.float32) * 0.2
    for i, label in enumerate(y):
        r, c = divmod(int(label), 2)
        x[i, r * 8 : r * 8 + 8, c * 8 : c * 8 + 8] += 0.8
    return np.clip(x, 0, 1), y


def one_step(family: str, runtime) -> dict:
    """The example's objective before and after one training step built under `runtime`, and
    a checksum of its weights after it."""
    import keras

    from latentlab.models.family import get_family

    x, y = blobs()
    keras.utils.set_random_seed(0)  # the same initial weights under every strategy
    with runtime.scope():
        example = importlib.import_module(get_family(family).adapter).example(x, y, seed=0)
    if runtime.xla:  # the examples compile with Keras's "auto", which never picks XLA on a CPU
        for model in [example.model, *example.model._flatten_layers(include_self=False, recursive=False)]:
            if isinstance(model, keras.Model) and model.compiled:
                model.jit_compile = True
    before = example.loss()
    example.train(1)
    return {"loss_before": float(before), "loss_after": float(example.loss()), "replicas": runtime.replicas,
            "weights": [float(np.sum(np.abs(w.astype(np.float64)))) for w in example.model.get_weights()]}


def sgd_autoencoder_step(runtime) -> list:
    """The VAE family's plain autoencoder (no sampling, no dropout) after one SGD step on the
    whole batch: the same weights under every strategy only if the replicas' gradients add up
    to the global batch's (an Adam step would hide a factor, being invariant to it)."""
    import keras

    from latentlab.models.vae.config import VAEConfig
    from latentlab.models.vae.model import VAE

    x, _ = blobs()
    keras.utils.set_random_seed(0)
    with runtime.scope():
        model = VAE(VAEConfig(image_shape=SHAPE, mode="ae", dim_z=2, n_hidden=32, dropout=0.0, seed=0))
        model.compile(optimizer=keras.optimizers.SGD(0.5), **runtime.compile_options)
    model.fit(x, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    return [w.tolist() for w in model.get_weights()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strategies", nargs="+", default=["default"])
    parser.add_argument("--cpus", type=int, default=1, help="logical CPU devices to split the CPU into")
    parser.add_argument("--deterministic", type=int, default=1)
    parser.add_argument("--xla", type=int, default=0, help="compile the train steps with XLA (a GPU's default)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--policy", default=None, help="a Keras dtype policy, e.g. mixed_bfloat16")
    parser.add_argument("--families", nargs="*")
    parser.add_argument("--sgd", action="store_true", help="also the autoencoder's SGD step (sgd_autoencoder_step)")
    args = parser.parse_args()

    import tensorflow as tf

    if args.cpus > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * args.cpus)
    from latentlab.models.family import family_names
    from latentlab.runtime import Runtime, make_strategy, start

    params = {"seed": 0, "runtime": {"deterministic": bool(args.deterministic), "threads": args.threads,
                                     "strategy": "default", "steps_per_execution": 1}}
    start(params)
    if args.policy:
        import keras

        keras.mixed_precision.set_global_policy(args.policy)
    for name in args.strategies:
        runtime = Runtime(strategy=make_strategy(name), deterministic=bool(args.deterministic), xla=bool(args.xla))
        for family in args.families if args.families is not None else family_names():
            print(json.dumps({"strategy": name, "family": family, **one_step(family, runtime)}), flush=True)
        if args.sgd:
            print(json.dumps({"strategy": name, "family": "sgd_autoencoder", "weights": sgd_autoencoder_step(runtime)}),
                  flush=True)


if __name__ == "__main__":
    main()
