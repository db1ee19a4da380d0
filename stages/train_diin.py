"""train_diin: D-IIN (seed 003, supervised), the interpretation network T over train_diin_ae's frozen
ColorfulMNIST autoencoder, trained on pairs that share the digit or the colour so that T(z) splits
into digit, colour and residual factors (diin.factor_sizes). Fresh pairs and colours every epoch,
as the original's training set draws them. evaluate_diin measures and draws the result."""
import argparse
import contextlib
import sys
import time

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, enter_outputs, load_npz, write_json
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--autoencoder", required=True, help="train_diin_ae's model folder")
    parser.add_argument("--model", required=True, help="folder for the autoencoder and T")
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    args = parser.parse_args()

    from latentlab.models.iin.config import FlowConfig, flow_settings

    from latentlab.models.iin.not_applicable import reason_in, write_not_applicable

    reason = reason_in(args.autoencoder)
    if reason:
        write_not_applicable(reason, folders=(args.model,), json_files=(args.timing,), live=args.live)
        return
    params = load_params(args.params)
    settings, seed = flow_settings(params, factors=True), params["seed"]
    train = load_npz(f"{args.data}/train.npz")

    from latentlab.runtime import start

    runtime = start(params, onednn=True)
    import tensorflow as tf

    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.iin.model import Autoencoder, FactorNetwork, adam
    from latentlab.models.iin.networks import data_initialise
    from latentlab.models.iin.training import colorful_pairs_posteriors, first_batch_z

    autoencoder = Autoencoder.load_from(args.autoencoder)
    if not autoencoder.config.colorful:
        raise ValueError(f"{args.autoencoder}: not a ColorfulMNIST autoencoder (train it with train_diin_ae)")
    started = time.perf_counter()
    # a fresh set of pairs every epoch, as the original draws them, or `pair_sets` sets in turn (the
    # encoding then costs less; T still draws a new z from each posterior at every step)
    pair_sets = min(settings["pair_sets"] or settings["epochs"], settings["epochs"])
    pairs = colorful_pairs_posteriors(autoencoder, train["x"], train["y"], pair_sets, seed)
    encode_seconds = time.perf_counter() - started
    config = FlowConfig.from_params(settings, autoencoder.config.z_dim, seed, factor_sizes=settings["factor_sizes"])
    batch, per_epoch = settings["batch_size"], len(train["x"])
    steps = per_epoch // batch
    with runtime.scope():
        flow = FactorNetwork(config, rho=settings["rho"])
        flow.compile(adam(settings, settings["epochs"] * steps), **runtime.compile_options_for(steps))
        data_initialise(flow.network, first_batch_z(pairs["mean1"][:per_epoch], pairs["logvar1"][:per_epoch], batch, seed))

    with contextlib.ExitStack() as stack:
        model_dir, live = enter_outputs(stack, atomic_dir(args.model), live_folder(args.live))
        guard = StopOnNonFiniteLoss("train_diin", f"iin.base_learning_rate {settings['base_learning_rate']:g}")
        order = ("mean1", "logvar1", "mean2", "logvar2", "factor")
        # the sets of pairs in a row, over again: with steps_per_epoch set, fit() carries on through them
        data = (tf.data.Dataset.from_tensor_slices(tuple(pairs[k] for k in order))
                .batch(batch, drop_remainder=True).repeat().prefetch(tf.data.AUTOTUNE))
        started = time.perf_counter()
        flow.fit(data, epochs=settings["epochs"], steps_per_epoch=steps,
                 shuffle=False,  # each set of pairs is a new random draw, from the seed: in order on purpose
                 callbacks=[guard, LiveCurves(live)],
                 verbose=1 if sys.stdout.isatty() else 2)
        train_seconds = time.perf_counter() - started
        Autoencoder.copy_files(args.autoencoder, model_dir)
        flow.save_to(model_dir)
    write_json(args.timing, {"train_seconds": round(train_seconds, 2), "encode_pairs_seconds": round(encode_seconds, 2)})
    print(f"train_seconds {train_seconds:.1f}, encoding the pairs {encode_seconds:.1f} s")


if __name__ == "__main__":
    run_stage(main)
