"""train_iin: the unsupervised interpretation network T (seed 003) over train_iin_ae's frozen
autoencoder: trained on z drawn from the encoder's posterior of the training images, to map it to
N(0, I). Writes the autoencoder and T together as one model folder (the downstream contract)."""
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
    parser.add_argument("--autoencoder", required=True, help="train_iin_ae's model folder")
    parser.add_argument("--model", required=True, help="folder for the autoencoder and T")
    parser.add_argument("--metrics", required=True, help="JSON file for the test metrics")
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    parser.add_argument("--figures", required=True, help="folder for samples, reconstructions, interpolations")
    args = parser.parse_args()

    from latentlab.models.iin.config import FlowConfig, flow_settings

    params = load_params(args.params)
    settings, seed = flow_settings(params, factors=False), params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")

    from latentlab.runtime import start

    runtime = start(params, onednn=True)
    import tensorflow as tf

    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.iin.adapter import TrainedIIN
    from latentlab.models.iin.figures import write_iin_figures
    from latentlab.models.iin.images import network_input
    from latentlab.models.iin.model import Autoencoder, InterpretationNetwork, adam
    from latentlab.models.iin.networks import data_initialise
    from latentlab.models.iin.training import autoencoder_metrics, first_batch_z, flow_metrics, sampled_z

    autoencoder = Autoencoder.load_from(args.autoencoder)
    mean, logvar = autoencoder.posterior(network_input(train["x"]))
    batch = settings["batch_size"]
    with runtime.scope():
        flow = InterpretationNetwork(FlowConfig.from_params(settings, autoencoder.config.z_dim, seed))
        flow.compile(adam(settings, settings["epochs"] * -(-len(mean) // batch)), **runtime.compile_options)
        data_initialise(flow.network, first_batch_z(mean, logvar, batch, seed))  # ActNorm from a first batch

    with contextlib.ExitStack() as stack:
        model_dir, figures, live = enter_outputs(
            stack, atomic_dir(args.model), atomic_dir(args.figures), live_folder(args.live))
        guard = StopOnNonFiniteLoss("train_iin", f"iin.base_learning_rate {settings['base_learning_rate']:g}")
        data = (tf.data.Dataset.from_tensor_slices((mean, logvar))
                .shuffle(len(mean), seed=seed, reshuffle_each_iteration=True).batch(batch).prefetch(tf.data.AUTOTUNE))
        started = time.perf_counter()
        flow.fit(data, epochs=settings["epochs"], callbacks=[guard, LiveCurves(live)],
                 shuffle=False,  # the dataset reshuffles every epoch, from the seed
                 verbose=1 if sys.stdout.isatty() else 2)
        train_seconds = time.perf_counter() - started

        Autoencoder.copy_files(args.autoencoder, model_dir)
        flow.save_to(model_dir)
        test_x = network_input(test["x"])
        metrics = {**{f"autoencoder_{k}": v for k, v in autoencoder_metrics(autoencoder, test_x, seed).items()},
                   **flow_metrics(flow, sampled_z(autoencoder, test_x, seed))}
        write_iin_figures(TrainedIIN(autoencoder, flow), test["x"], figures, seed)
        write_json(args.metrics, metrics)
    write_json(args.timing, {"train_seconds": round(train_seconds, 2)})
    print(metrics, f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
