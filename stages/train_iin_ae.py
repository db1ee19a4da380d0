"""train_iin_ae / train_diin_ae: IIN's autoencoder (seed 003) on the training images, or with
--colorful on ColorfulMNIST (each grey digit times a new random colour every time it is seen);
the flow stages (train_iin, train_diin) sit on its frozen latent."""
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
    parser.add_argument("--colorful", action="store_true", help="train on ColorfulMNIST (diin_ae's keys replace iin_ae's)")
    parser.add_argument("--model", required=True, help="folder for the encoder and decoder")
    parser.add_argument("--metrics", required=True, help="JSON file for the test L1 and KL")
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    parser.add_argument("--figures", required=True, help="folder for reconstructions and prior samples")
    args = parser.parse_args()

    from latentlab.models.iin.config import AutoencoderConfig, ae_settings
    from latentlab.models.iin.not_applicable import colorful_unavailable, write_not_applicable

    params = load_params(args.params)
    settings, seed = ae_settings(params, args.colorful), params["seed"]
    section = "diin_ae" if args.colorful else "iin_ae"
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    if args.colorful:
        reason = colorful_unavailable(train["x"].shape, train["y"])
        if reason:
            write_not_applicable(reason, folders=(args.model, args.figures), json_files=(args.metrics, args.timing),
                                 live=args.live)
            return
        coloured = load_npz(f"{args.data}/colorful_test.npz")
        test_unit = (coloured["x1"] + 1.0) / 2.0
    else:
        test_unit = test["x"]

    from latentlab.runtime import start

    runtime = start(params, onednn=True)
    import keras
    import numpy as np

    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss, shuffled_batches
    from latentlab.models.iin.figures import write_autoencoder_figures
    from latentlab.models.iin.images import network_input, to_network_size
    from latentlab.models.iin.model import Autoencoder, adam
    from latentlab.models.iin.training import autoencoder_metrics

    x = to_network_size(train["x"])
    config = AutoencoderConfig.from_params(settings, train["x"].shape[1:], seed, colorful=args.colorful)
    steps = settings["epochs"] * -(-len(x) // settings["batch_size"])
    with runtime.scope():
        model = Autoencoder(config, kl_weight=settings["kl_weight"], disc_start=settings["disc_start"])
        model.compile(adam(settings, steps),
                      adam(settings, steps, settings["disc_lr_factor"]) if config.discriminator else None,
                      **runtime.compile_options)
        model.initialise(x[np.random.default_rng(seed).permutation(len(x))[: settings["batch_size"]]])

    with contextlib.ExitStack() as stack:
        model_dir, figures, live = enter_outputs(
            stack, atomic_dir(args.model), atomic_dir(args.figures), live_folder(args.live))
        guard = StopOnNonFiniteLoss(f"train_{'d' if args.colorful else ''}iin_ae",
                                    f"{section}: base_learning_rate {settings['base_learning_rate']:g}")
        started = time.perf_counter()
        model.fit(shuffled_batches(x, settings["batch_size"], seed), epochs=settings["epochs"],
                  shuffle=False,  # shuffled_batches reshuffles every epoch, from the seed
                  callbacks=[guard, LiveCurves(live)],
                  verbose=1 if sys.stdout.isatty() else 2)
        train_seconds = time.perf_counter() - started
        model.save_to(model_dir)
        metrics = autoencoder_metrics(model, network_input(test_unit), seed)
        metrics["output_log_scale"] = round(float(keras.ops.convert_to_numpy(model.log_scale)), 4)
        write_autoencoder_figures(model, test_unit, figures, seed)
        write_json(args.metrics, metrics)
    write_json(args.timing, {"train_seconds": round(train_seconds, 2)})
    print(metrics, f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
