"""Figures of a latent space's DBSCAN clusters and of which points each selection method picked."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure


def to_plane(z: np.ndarray) -> tuple[np.ndarray, tuple[str, str]]:
    """Codes as 2-D points: the codes themselves when 2-D, else their first two principal axes."""
    if z.shape[1] == 2:
        return z, ("z1", "z2")
    centred = z - z.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes[:2].T, ("PC1", "PC2")


def cluster_scatter(z: np.ndarray, clusters: np.ndarray, title: str = "") -> Figure:
    points, (xlabel, ylabel) = to_plane(z)
    figure = Figure(figsize=(6.5, 5.5))
    axes = figure.add_subplot()
    noise = clusters < 0
    axes.scatter(points[noise, 0], points[noise, 1], s=4, c="lightgrey", label=f"noise ({noise.sum()})")
    n_clusters = int(clusters.max() + 1)
    colours = axes.scatter(points[~noise, 0], points[~noise, 1], s=4, c=clusters[~noise], cmap="tab20")
    if n_clusters:
        figure.colorbar(colours, ax=axes, label="DBSCAN cluster")
    axes.legend(loc="upper right", fontsize=8)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title or f"DBSCAN: {n_clusters} clusters", fontsize=10)
    figure.tight_layout()
    return figure


def picks_comparison(z: np.ndarray, labels: np.ndarray, picks: dict[str, np.ndarray], scores: dict[str, float]) -> Figure:
    """One panel per method: all codes in grey, the picked ones coloured by their true label."""
    points, (xlabel, ylabel) = to_plane(z)
    columns = min(3, len(picks))
    rows = -(-len(picks) // columns)
    figure = Figure(figsize=(5.0 * columns, 4.8 * rows))
    for i, (method, chosen) in enumerate(picks.items()):
        axes = figure.add_subplot(rows, columns, i + 1)
        axes.scatter(points[:, 0], points[:, 1], s=3, c="lightgrey")
        axes.scatter(points[chosen, 0], points[chosen, 1], s=22, c=labels[chosen], cmap="tab10",
                     vmin=-0.5, vmax=9.5, edgecolors="black", linewidths=0.4)
        covered = len(np.unique(labels[chosen]))
        axes.set_title(f"{method}: {len(chosen)} picks, {covered} classes, accuracy {scores[method]:.3f}", fontsize=9)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
    figure.tight_layout()
    return figure
