"""DBSCAN on a latent space, with eps chosen from the k-distance curve when asked."""
from __future__ import annotations

import numpy as np


def k_distance_knee(z: np.ndarray, k: int) -> float:
    """eps at the knee of the sorted distances to each point's k-th neighbour: the point of the
    curve farthest below the chord joining its ends (the usual elbow rule for DBSCAN)."""
    from sklearn.neighbors import NearestNeighbors

    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(z).kneighbors(z)
    curve = np.sort(distances[:, -1])  # column 0 is the point itself
    x = np.linspace(0.0, 1.0, len(curve))
    span = curve[-1] - curve[0]
    if span <= 0:
        return float(curve[-1]) or 1e-6
    y = (curve - curve[0]) / span
    return float(curve[np.argmax(x - y)])


def standardize(z: np.ndarray) -> np.ndarray:
    """Each latent dimension to mean 0 and standard deviation 1 (constant dimensions left at 0)."""
    std = z.std(axis=0)
    return (z - z.mean(axis=0)) / np.where(std > 0, std, 1.0)


def dbscan(z: np.ndarray, eps: float | str, min_samples: int) -> tuple[np.ndarray, float]:
    """Cluster labels (-1 = noise) and the eps used. The codes are standardised first, so eps is
    in units of the latent's standard deviation and one value serves models whose latents have
    different scales (the VAE's is about 1, EXoN's prior spans tens)."""
    from sklearn.cluster import DBSCAN

    scaled = standardize(z)
    radius = k_distance_knee(scaled, min_samples) if eps == "auto" else float(eps)
    return DBSCAN(eps=radius, min_samples=min_samples).fit_predict(scaled), radius


def allocate_budget(sizes: np.ndarray, budget: int, at_least_one: bool = False) -> np.ndarray:
    """Split `budget` across groups in proportion to their sizes (largest remainder first), never
    more than a group holds; `at_least_one` (the seed's rule) gives every group one when the budget
    allows, which over-represents DBSCAN's many tiny clusters."""
    sizes = np.asarray(sizes, dtype=np.int64)
    if budget >= sizes.sum():
        return sizes.copy()
    share = budget * sizes / sizes.sum()
    quota = np.floor(share).astype(np.int64)
    if at_least_one and budget >= len(sizes):
        quota = np.maximum(quota, 1)
    while quota.sum() > budget:
        quota[np.argmax(quota)] -= 1
    while quota.sum() < budget:
        quota[np.argmax(np.where(quota < sizes, share - quota, -np.inf))] += 1
    return quota


def eps_for(settings: dict, model: str) -> float | str:
    """The DBSCAN eps of `model`: its entry in votemi.eps_per_model, else votemi.eps."""
    return settings["eps_per_model"].get(model, settings["eps"])
