"""IIN's training loops against plain tf.function loops of the same networks, in one run.

For the autoencoder (train_iin_ae), the flow (train_iin) and D-IIN's flow (train_diin), at the
default params: steps per second of the stage's fit() (its train_step, metric trackers and tf.data
input, compiled with the stages' runtime.steps_per_execution) and of a bare tf.function step
computing the same loss with the same optimizer, on the embedded training split. Each is warmed
up first, then timed in short rounds taken in turn, and the best round of each is kept; the table
gives fit / loop.
Run: python bench/iin_throughput.py [--steps N --rounds R]   (TF_ENABLE_ONEDNN_OPTS=0 to compare without oneDNN)
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def best_rates(runs, steps: int, rounds: int) -> list[float]:
    """Steps per second of each run, the best of `rounds` short rounds taken in turn: this machine
    runs at full or at half speed for seconds at a time, so one long timing of each would compare
    a fast stretch with a slow one."""
    for run in runs:
        run(5)  # trace and warm up
    best = [0.0] * len(runs)
    for _ in range(rounds):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run(steps)
            best[i] = max(best[i], steps / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=20, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of fit() and the loop, in turn")
    args = parser.parse_args()

    from latentlab.params import load_params
    from latentlab.runtime import start

    params = load_params(ROOT / "params.yaml")
    seed = params["seed"]
    runtime = start(params, onednn=True)  # as the IIN stages start
    # compiled as the stages compile (runtime.steps_per_execution), for rounds of args.steps steps
    options = runtime.compile_options_for(args.steps)
    import keras
    import tensorflow as tf
    from keras import ops

    from latentlab.data.download import embedded_file
    from latentlab.data.formats import read_embedded_csv
    from latentlab.data.splits import stratified_split, to_unit_range
    from latentlab.models.iin.config import AutoencoderConfig, FlowConfig, ae_settings, flow_settings
    from latentlab.models.iin.images import to_network_size
    from latentlab.models.iin.model import (Autoencoder, FactorNetwork, InterpretationNetwork, adam, dequantise,
                                             factor_loss, sample_z)

    images, labels = read_embedded_csv(embedded_file())
    train_idx, _ = stratified_split(labels, params["data"]["test_fraction"], seed)
    x = to_network_size(to_unit_range(images[train_idx]))
    rows = []

    def compare(name, make_model, batches, loss_of, weights_of):
        """fit() of a fresh model vs a tf.function step of another fresh one, same data and loss."""
        fitted = make_model()
        data = batches().repeat().prefetch(tf.data.AUTOTUNE)  # the same pipeline for both, as the stages
        bare = make_model()
        weights = weights_of(bare)

        @tf.function
        def step(batch):
            with tf.GradientTape() as tape:
                loss = loss_of(bare, batch)
            bare.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
            return loss

        iterator = iter(batches().repeat().prefetch(tf.data.AUTOTUNE))

        def loop(n):
            for _ in range(n):
                loss = step(next(iterator))
            float(loss)

        def fit(n):
            fitted.fit(data, epochs=1, steps_per_epoch=n, shuffle=False, verbose=0)

        fit_rate, loop_rate = best_rates([fit, loop], args.steps, args.rounds)
        rows.append((name, fit_rate, loop_rate))

    # the autoencoder
    ae = ae_settings(params, colorful=False)

    def make_autoencoder():
        model = Autoencoder(AutoencoderConfig.from_params(ae, (28, 28, 1), seed), kl_weight=ae["kl_weight"])
        model.compile(adam(ae, 10_000), **options)
        model.initialise(x[: ae["batch_size"]])
        return model

    def autoencoder_loss(model, batch):
        _, _, nll, kl, _ = model.terms(dequantise(batch, model.seed_generator), training=True)
        return nll + model.kl_weight * kl

    compare(f"autoencoder (width {ae['width']}, batch {ae['batch_size']})", make_autoencoder,
            lambda: tf.data.Dataset.from_tensor_slices(x).batch(ae["batch_size"], drop_remainder=True),
            autoencoder_loss, lambda m: m.ae_weights())

    # the flows, on posteriors of an untrained autoencoder (the cost does not depend on them)
    encoder_output = make_autoencoder().posterior(ops.convert_to_numpy(dequantise(x, keras.random.SeedGenerator(0))))
    mean, logvar = (np.asarray(a, np.float32) for a in encoder_output)
    flow = flow_settings(params, factors=False)

    def make_flow():
        model = InterpretationNetwork(FlowConfig.from_params(flow, ae["z_dim"], seed))
        model.compile(adam(flow, 10_000), **options)
        return model

    def flow_loss(model, batch):
        e, log_det = model.flow.forward(sample_z(*batch, model.seed_generator))
        return ops.mean(0.5 * ops.sum(ops.square(e), axis=1)) - ops.mean(log_det)

    compare(f"flow T ({flow['n_blocks']} blocks, hidden {flow['hidden_dim']}, batch {flow['batch_size']})", make_flow,
            lambda: tf.data.Dataset.from_tensor_slices((mean, logvar)).batch(flow["batch_size"], drop_remainder=True),
            flow_loss, lambda m: m.flow.trainable_weights)

    diin = flow_settings(params, factors=True)
    factor = np.random.default_rng(seed).integers(0, 2, len(mean)).astype(np.int32)

    def make_factor_flow():
        config = FlowConfig.from_params(diin, ae["z_dim"], seed, factor_sizes=diin["factor_sizes"])
        model = FactorNetwork(config, rho=diin["rho"])
        model.compile(adam(diin, 10_000), **options)
        return model

    def diin_loss(model, batch):
        mean1, logvar1, mean2, logvar2, shared = batch
        e1, d1 = model.flow.forward(sample_z(mean1, logvar1, model.seed_generator))
        e2, d2 = model.flow.forward(sample_z(mean2, logvar2, model.seed_generator))
        return factor_loss(e1, d1, e2, d2, shared, model.config.factor_sizes, model.rho)[0]

    shifted = np.roll(mean, 1, axis=0), np.roll(logvar, 1, axis=0)
    compare(f"D-IIN flow (pairs, batch {diin['batch_size']})", make_factor_flow,
            lambda: tf.data.Dataset.from_tensor_slices((mean, logvar, *shifted, factor)).batch(diin["batch_size"],
                                                                                               drop_remainder=True),
            diin_loss, lambda m: m.flow.trainable_weights)

    import os

    print(f"oneDNN: {'on' if os.environ.get('TF_ENABLE_ONEDNN_OPTS') == '1' else 'off'}; best of {args.rounds} rounds "
          f"of {args.steps} steps each, in turn; fit() at {options['steps_per_execution']} steps per execution\n")
    print("| loop | fit() steps/s | tf.function steps/s | fit / loop (target >= 0.90) |\n|---|---|---|---|")
    for name, fit_rate, loop_rate in rows:
        print(f"| {name} | {fit_rate:.2f} | {loop_rate:.2f} | {fit_rate / loop_rate:.2f} |")


if __name__ == "__main__":
    main()
