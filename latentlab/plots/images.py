"""Grids of images and latent-space figures (seed 004's PRR and PMLR)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def tile(images: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """(N, H, W, C) images in [0, 1] to one (n_rows*H, n_cols*W, C) mosaic, blank where N runs out."""
    n, h, w, c = images.shape
    mosaic = np.ones((n_rows * h, n_cols * w, c), dtype=np.float32)
    for i in range(min(n, n_rows * n_cols)):
        r, col = divmod(i, n_cols)
        mosaic[r * h : (r + 1) * h, col * w : (col + 1) * w] = images[i]
    return mosaic


def image_grid(images: np.ndarray, n_rows: int, n_cols: int, title: str = "") -> Figure:
    mosaic = np.clip(tile(images, n_rows, n_cols), 0.0, 1.0)
    figure = Figure(figsize=(max(3.0, n_cols * 0.4), max(3.0, n_rows * 0.4) + 0.4))
    axes = figure.add_subplot()
    if mosaic.shape[-1] == 1:
        axes.imshow(mosaic[..., 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        axes.imshow(mosaic, interpolation="nearest")
    axes.set_axis_off()
    if title:
        axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def manifold_coordinates(n: int, z_range: float) -> np.ndarray:
    """An n x n grid over [-z_range, z_range]^2, row-major with z2 decreasing down the rows."""
    values = np.linspace(-z_range, z_range, n, dtype=np.float32)
    z1, z2 = np.meshgrid(values, values[::-1])
    return np.stack([z1.ravel(), z2.ravel()], axis=1)


def manifold(decoded: np.ndarray, n: int, z_range: float, title: str = "") -> Figure:
    """Images decoded at manifold_coordinates(n, z_range), with the latent axes marked."""
    mosaic = np.clip(tile(decoded, n, n), 0.0, 1.0)
    figure = Figure(figsize=(7.0, 7.0))
    axes = figure.add_subplot()
    extent = (-z_range, z_range, -z_range, z_range)
    cmap = "gray" if mosaic.shape[-1] == 1 else None
    axes.imshow(mosaic[..., 0] if cmap else mosaic, cmap=cmap, extent=extent, interpolation="nearest")
    axes.set_xlabel("z1")
    axes.set_ylabel("z2")
    axes.set_title(title or "decoded latent grid", fontsize=10)
    figure.tight_layout()
    return figure


def latent_scatter(z: np.ndarray, labels: np.ndarray, z_range: float | None = None, title: str = "") -> Figure:
    """Test latents (first two dimensions) coloured by their true label."""
    figure = Figure(figsize=(6.5, 5.5))
    axes = figure.add_subplot()
    points = axes.scatter(z[:, 0], z[:, 1], c=labels, cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
    colorbar = figure.colorbar(points, ax=axes, ticks=range(10))
    colorbar.set_label("label")
    if z_range is not None:
        axes.set_xlim(-z_range * 2, z_range * 2)
        axes.set_ylim(-z_range * 2, z_range * 2)
    axes.set_xlabel("z1")
    axes.set_ylabel("z2")
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    return figure
