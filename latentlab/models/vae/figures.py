"""The VAE family's figures: seed 004's PRR grids and PMLR manifold, and seed 002's per-epoch
latent maps (a Keras callback). Each writes into a folder it is given."""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd

from ...io import save_figure, write_text
from ...plots.images import image_grid, latent_scatter, manifold, manifold_coordinates


class EpochLatentMap(keras.callbacks.Callback):
    """Seed 002's PMLR_map_epoch_XX.pdf and .csv: test latents (z1, z2, label) after each epoch."""

    def __init__(self, encode, x: np.ndarray, labels: np.ndarray, folder: str | Path, limits: float | None):
        super().__init__()
        self.encode, self.x, self.labels = encode, x, labels
        self.folder, self.limits = Path(folder), limits

    def on_epoch_end(self, epoch, logs=None):
        z = self.encode(self.x)
        stem = self.folder / f"PMLR_map_epoch_{epoch + 1:02d}"
        table = pd.DataFrame({"z1": z[:, 0], "z2": z[:, 1], "label": self.labels})
        write_text(stem.with_suffix(".csv"), table.to_csv(index=False, float_format="%.6g"))
        figure = latent_scatter(z, self.labels, self.limits, title=f"test latents, epoch {epoch + 1}")
        save_figure(figure, stem.with_suffix(".pdf"))


def write_figures(model, test: dict, settings: dict, folder: Path, limits: float | None) -> None:
    """Seed 004's PRR grids, and for a 2-D latent the PMLR manifold and latent map."""
    config, grid = model.config, settings["prr_grid"]
    shown = test["x"][: grid * grid]
    save_figure(image_grid(shown, grid, grid, "test inputs"), folder / "PRR_input.png")
    if config.noise != "none":
        shown = keras.ops.convert_to_numpy(model.corrupt(keras.ops.convert_to_tensor(shown)))
        save_figure(image_grid(shown, grid, grid, f"inputs with {config.noise} noise"), folder / "PRR_input_noise.png")
    recon = keras.ops.convert_to_numpy(model(shown, training=False))
    title = f"reconstructions ({config.mode}, dim_z={config.dim_z}, beta={config.beta})"
    save_figure(image_grid(recon, grid, grid, title), folder / "PRR_reconstruction.png")
    if config.dim_z == 2:
        n, z_range = settings["manifold_grid"], settings["z_range"]
        decoded = model.decode(manifold_coordinates(n, z_range))
        save_figure(manifold(decoded, n, z_range, f"learned manifold ({config.mode})"), folder / "PMLR.png")
        z = model.encode(test["x"])
        save_figure(latent_scatter(z, test["y"], limits, "test latents by label"), folder / "PMLR_map.png")
