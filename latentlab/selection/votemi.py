"""Vote-MI (seed 002): choose representative real images from DBSCAN clusters of a latent space.

Per cluster: draw candidate points from a Gaussian KDE of the cluster's codes and decode them;
each real member votes with its mean mutual information against the candidates' images (how
typical it is of what the model thinks the cluster looks like); the best `top_fraction` form the
cluster's pool. The cluster's share of the budget (proportional to its size) is spread over its
pool: k-means splits the pool into that many groups and each group's best voter is picked. A
global pass then replaces picks that nearly coincide with a better-voted pick of another cluster.

Unlike the original, the result is indices of real images (never decoder outputs), and the table
rows describe the selected points themselves. Raw MI grows with how much ink an image has and so
favours heavy digits; `normalized` (the default) divides it by the images' entropies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .clustering import allocate_budget
from .mutual_information import pairwise_mutual_information


@dataclass
class Selection:
    indices: np.ndarray  # positions into the embedded set, in pick order
    scores: np.ndarray  # mean MI vote of each pick (nats)
    votes: np.ndarray  # mean MI vote of every point (nan for noise)


def mi_votes(
    z: np.ndarray,
    images: np.ndarray,
    clusters: np.ndarray,
    decode: Callable[[np.ndarray], np.ndarray],
    n_candidates: int,
    bins: int,
    rng: np.random.Generator,
    normalized: bool = True,
) -> np.ndarray:
    """Each clustered point's mean MI with images decoded from its cluster's KDE samples."""
    from scipy.stats import gaussian_kde

    votes = np.full(len(z), np.nan)
    for cluster in np.unique(clusters[clusters >= 0]):
        members = np.flatnonzero(clusters == cluster)
        try:
            candidates = gaussian_kde(z[members].T).resample(n_candidates, seed=rng).T
        except (np.linalg.LinAlgError, ValueError):  # too few or flat points for a KDE: use the points
            candidates = z[rng.choice(members, n_candidates)]
        decoded = decode(candidates.astype(np.float32))
        mi = pairwise_mutual_information(images[members], decoded, bins, normalized=normalized)
        votes[members] = mi.mean(axis=1)
    return votes


def spacing(z: np.ndarray) -> float:
    """The median distance from a point to its nearest neighbour."""
    from sklearn.neighbors import NearestNeighbors

    distances, _ = NearestNeighbors(n_neighbors=2).fit(z).kneighbors(z)
    return float(np.median(distances[:, 1]))


def select(
    z: np.ndarray,
    images: np.ndarray,
    clusters: np.ndarray,
    decode: Callable[[np.ndarray], np.ndarray],
    budget: int,
    n_candidates: int = 50,
    top_fraction: float = 0.3,
    bins: int = 8,
    seed: int = 0,
    normalized: bool = True,
) -> Selection:
    rng = np.random.default_rng(seed)
    labels = np.unique(clusters[clusters >= 0])
    if len(labels) == 0:
        raise ValueError("DBSCAN found no cluster (all points are noise): raise votemi.eps or lower min_samples")
    votes = mi_votes(z, images, clusters, decode, n_candidates, bins, rng, normalized)
    sizes = np.array([np.sum(clusters == c) for c in labels])
    groups: list[np.ndarray] = []  # each group ranked by vote, best first
    for cluster, quota in zip(labels, allocate_budget(sizes, budget)):
        if quota == 0:
            continue
        members = np.flatnonzero(clusters == cluster)
        pool = members[np.argsort(-votes[members], kind="stable")][: max(quota, int(np.ceil(top_fraction * len(members))))]
        groups += _split(z, pool, quota, seed)
    picks = _remove_redundant(z, groups, votes, radius=spacing(z))
    return Selection(indices=np.array(picks, dtype=np.int64), scores=votes[picks], votes=votes)


def _split(z: np.ndarray, pool: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """`pool` (ranked) cut into k k-means groups of its codes, each still ranked."""
    from sklearn.cluster import KMeans

    if k >= len(pool):
        return [pool[i : i + 1] for i in range(len(pool))]
    assignment = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(z[pool])
    return [pool[assignment == g] for g in range(k) if np.any(assignment == g)]


def _remove_redundant(z: np.ndarray, groups: list[np.ndarray], votes: np.ndarray, radius: float) -> list[int]:
    """One pick per group, best-voted groups first; a group whose best is within `radius` of an
    earlier pick falls back to its next member that is not (or keeps its best if none is)."""
    order = sorted(range(len(groups)), key=lambda g: -votes[groups[g][0]])
    picks: list[int] = []
    for g in order:
        choice = groups[g][0]
        for candidate in groups[g]:
            if not picks or np.min(np.linalg.norm(z[picks] - z[candidate], axis=1)) >= radius:
                choice = candidate
                break
        picks.append(int(choice))
    return picks
