"""train_vae: the VAE family (vae | ae | no_encoder, beta, denoising) with its metrics and figures."""
import argparse
import contextlib
import sys
import time

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, atomic_path, load_npz, save_figure, write_json
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--overrides", help="a params section whose keys replace the vae section's (vae_wide)")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True, help="folder for the trained encoder and decoder")
    parser.add_argument("--metrics", required=True, help="JSON file for the test metrics")
    parser.add_argument("--curves", required=True, help="TSV file of per-epoch losses")
    parser.add_argument("--figures", required=True, help="folder for PRR and PMLR figures")
    parser.add_argument("--epoch-maps", required=True, help="folder for PMLR_map_epoch_XX.pdf/.csv")
    args = parser.parse_args()

    params = load_params(args.params)
    vae_params, seed = {**params["vae"], **(params[args.overrides] if args.overrides else {})}, params["seed"]

    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    import keras

    from latentlab.callbacks import EpochLatentMap
    from latentlab.models.training import shuffled_batches
    from latentlab.models.vae import VAE, VAEConfig

    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    config = VAEConfig.from_params(vae_params, train["x"].shape[1:], seed)
    model = VAE(config)
    model.compile(optimizer=keras.optimizers.Adam(vae_params["learning_rate"]))

    with contextlib.ExitStack() as stack:
        model_dir = stack.enter_context(atomic_dir(args.model))
        figures = stack.enter_context(atomic_dir(args.figures))
        epoch_maps = stack.enter_context(atomic_dir(args.epoch_maps))
        curves = stack.enter_context(atomic_path(args.curves))

        callbacks = [keras.callbacks.CSVLogger(str(curves), separator="\t")]
        limits = vae_params["z_range"] if config.mode == "vae" else None  # AE latents are unbounded
        if config.dim_z == 2:
            callbacks.append(EpochLatentMap(model.encode, test["x"], test["y"], epoch_maps, limits))
        else:
            (epoch_maps / "README.txt").write_text("Per-epoch latent maps are drawn only for dim_z = 2.\n")

        started = time.perf_counter()
        model.fit(
            shuffled_batches(train["x"], vae_params["batch_size"], seed),
            epochs=vae_params["epochs"],
            validation_data=(test["x"],),
            validation_batch_size=500,
            shuffle=False,  # shuffled_batches already reshuffles every epoch, from the seed
            callbacks=callbacks,
            verbose=1 if sys.stdout.isatty() else 2,
        )
        train_seconds = time.perf_counter() - started

        model.save_to(model_dir)
        metrics = model.evaluate_elbo(test["x"], vae_params["elbo_samples"], seed)
        metrics["train_seconds"] = round(train_seconds, 2)

        _write_figures(model, test, vae_params, figures, limits)
    write_json(args.metrics, metrics)
    print({key: round(value, 3) for key, value in metrics.items()})


def _write_figures(model, test: dict, vae_params: dict, folder, limits) -> None:
    """Seed 004's PRR grids, and for a 2-D latent the PMLR manifold and latent map."""
    import keras

    from latentlab.plots.images import image_grid, latent_scatter, manifold, manifold_coordinates

    config, grid = model.config, vae_params["prr_grid"]
    shown = test["x"][: grid * grid]
    save_figure(image_grid(shown, grid, grid, "test inputs"), folder / "PRR_input.png")
    if config.noise != "none":
        shown = keras.ops.convert_to_numpy(model.corrupt(keras.ops.convert_to_tensor(shown)))
        save_figure(image_grid(shown, grid, grid, f"inputs with {config.noise} noise"), folder / "PRR_input_noise.png")
    recon = keras.ops.convert_to_numpy(model(shown, training=False))
    title = f"reconstructions ({config.mode}, dim_z={config.dim_z}, beta={config.beta})"
    save_figure(image_grid(recon, grid, grid, title), folder / "PRR_reconstruction.png")
    if config.dim_z == 2:
        n, z_range = vae_params["manifold_grid"], vae_params["z_range"]
        decoded = model.decode(manifold_coordinates(n, z_range))
        save_figure(manifold(decoded, n, z_range, f"learned manifold ({config.mode})"), folder / "PMLR.png")
        z = model.encode(test["x"])
        save_figure(latent_scatter(z, test["y"], limits, "test latents by label"), folder / "PMLR_map.png")


if __name__ == "__main__":
    run_stage(main)
