"""train_vae: the VAE family (vae | ae | no_encoder, beta, denoising) with its metrics and figures."""
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
    parser.add_argument("--overrides", help="a params section whose keys replace the vae section's (vae_wide)")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True, help="folder for the trained encoder and decoder")
    parser.add_argument("--metrics", required=True, help="JSON file for the test metrics")
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    parser.add_argument("--figures", required=True, help="folder for PRR and PMLR figures")
    parser.add_argument("--epoch-maps", required=True, help="folder for PMLR_map_epoch_XX.pdf/.csv")
    args = parser.parse_args()

    from latentlab.models.vae.config import VAEConfig, settings_for

    params = load_params(args.params)
    settings, seed = settings_for(params, args.overrides), params["seed"]
    section = args.overrides or "vae"

    from latentlab.runtime import start

    runtime = start(params)
    import keras

    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss, shuffled_batches
    from latentlab.models.vae.figures import EpochLatentMap, write_figures
    from latentlab.models.vae.model import VAE

    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    config = VAEConfig.from_params(settings, train["x"].shape[1:], seed)
    with runtime.scope():
        model = VAE(config)
        model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]), **runtime.compile_options)

    with contextlib.ExitStack() as stack:
        model_dir, figures, epoch_maps, live = enter_outputs(
            stack, atomic_dir(args.model), atomic_dir(args.figures), atomic_dir(args.epoch_maps), live_folder(args.live))

        guard = StopOnNonFiniteLoss(f"train_{section}", f"vae.learning_rate {settings['learning_rate']:g}, "
                                    f"vae.batch_size {settings['batch_size']}, vae.beta {settings['beta']:g}")
        callbacks = [guard, LiveCurves(live)]
        limits = settings["z_range"] if config.mode == "vae" else None  # AE latents are unbounded
        if config.dim_z == 2:
            callbacks.append(EpochLatentMap(model.encode, test["x"], test["y"], epoch_maps, limits))
        else:
            (epoch_maps / "README.txt").write_text("Per-epoch latent maps are drawn only for dim_z = 2.\n")

        started = time.perf_counter()
        model.fit(
            shuffled_batches(train["x"], settings["batch_size"], seed),
            epochs=settings["epochs"],
            validation_data=(test["x"],),
            validation_batch_size=500,
            shuffle=False,  # shuffled_batches already reshuffles every epoch, from the seed
            callbacks=callbacks,
            verbose=1 if sys.stdout.isatty() else 2,
        )
        train_seconds = time.perf_counter() - started

        model.save_to(model_dir)
        metrics = model.evaluate_elbo(test["x"], settings["elbo_samples"], seed)
        write_figures(model, test, settings, figures, limits)
        write_json(args.metrics, metrics)  # refuses NaN: a diverged model is never kept
    write_json(args.timing, {"train_seconds": round(train_seconds, 2)})
    print({key: round(value, 3) for key, value in metrics.items()}, f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
