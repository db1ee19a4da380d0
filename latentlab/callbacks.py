"""Keras callbacks that write per-epoch artefacts into folders they are given."""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd

from .io import save_figure, write_text
from .plots.images import latent_scatter


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
