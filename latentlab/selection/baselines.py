"""What Vote-MI must beat: the same budget drawn at random, or taken as k-medoids of the codes,
and the cold-start state of the art, TypiClust and ProbCover (through scikit-activeml)."""
from __future__ import annotations

import numpy as np


def random_selection(n: int, budget: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).choice(n, size=budget, replace=False))


def kmedoids_selection(z: np.ndarray, budget: int, seed: int, iterations: int = 20) -> np.ndarray:
    """k-medoids by alternating assignment and medoid update (Voronoi iteration), started from
    the points nearest the k-means centres. Returns the medoids' indices."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances

    centres = KMeans(n_clusters=budget, n_init=4, random_state=seed).fit(z).cluster_centers_
    medoids = np.unique(np.argmin(pairwise_distances(centres, z), axis=1))
    for _ in range(iterations):
        assignment = np.argmin(pairwise_distances(z, z[medoids]), axis=1)
        updated = medoids.copy()
        for k in range(len(medoids)):
            members = np.flatnonzero(assignment == k)
            if len(members):
                inner = pairwise_distances(z[members], z[members]).sum(axis=1)
                updated[k] = members[np.argmin(inner)]
        if np.array_equal(np.sort(updated), np.sort(medoids)):
            break
        medoids = np.unique(updated)
    return np.sort(medoids)


def selection_accuracy(train_images, train_labels, picks, test_images, test_labels, seed: int = 0) -> float:
    """Test accuracy of a logistic regression on the pixels of the picked, labelled images."""
    from sklearn.linear_model import LogisticRegression

    x = train_images[picks].reshape(len(picks), -1)
    classes = np.unique(train_labels[picks])
    if len(classes) == 1:  # a one-class selection can only ever predict that class
        return float(np.mean(test_labels == classes[0]))
    classifier = LogisticRegression(max_iter=2000, random_state=seed).fit(x, train_labels[picks])
    return float(classifier.score(test_images.reshape(len(test_images), -1), test_labels))


# Cold-start state of the art. Both work on the codes exactly as given: no standardisation or
# L2 normalisation here (the authors' code L2-normalises its SimCLR features first); the caller
# decides the geometry. No labels are used: every label is skactiveml's MISSING_LABEL.


def _unlabelled(z: np.ndarray, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """`z` as a float64 matrix and the all-missing labels of a cold start.
    (Both strategies run single-threaded (BLAS and OpenMP): their products are small (k-means++
    seeding, distances to a few centres), and on the shared 2-core machine two threads made
    k-means about 10x slower, 11 s against 1 s for 100 clusters of 4,000 x 64.)"""
    from skactiveml.utils import MISSING_LABEL

    z = np.asarray(z, dtype=np.float64)
    if z.ndim != 2 or not np.isfinite(z).all():
        raise ValueError("z must be a finite (n, d) matrix")
    if not 1 <= budget <= len(z):
        raise ValueError(f"budget must be between 1 and {len(z)}, not {budget}")
    return z, np.full(len(z), MISSING_LABEL, dtype=np.float64)


def _exactly(picks: np.ndarray, n: int, budget: int, seed: int) -> np.ndarray:
    """The unique `picks`, topped up to `budget` at random (with `seed`) from the rest, sorted.
    scikit-activeml already returns `budget` distinct indices in both strategies' normal course;
    this only guards against its degenerate fallbacks (e.g. TypiClust on codes with fewer distinct
    points than the budget)."""
    picks = np.unique(np.asarray(picks, dtype=int))[:budget]
    if len(picks) < budget:
        rest = np.setdiff1d(np.arange(n), picks)
        extra = np.random.default_rng(seed).choice(rest, size=budget - len(picks), replace=False)
        picks = np.union1d(picks, extra)
    return np.sort(picks)


def typiclust_selection(z: np.ndarray, budget: int, seed: int, k_neighbours: int = 20) -> np.ndarray:
    """TypiClust (Hacohen, Dekel & Weinshall, ICML 2022) in cold start, via scikit-activeml's
    `skactiveml.pool.TypiClust`: k-means (10 restarts, `seed`) splits the codes into
    min(|L| + budget, 500) = `budget` clusters (no labelled points, and the paper's cap of 500
    never binds below a budget of 500; skactiveml does not apply it), and the most typical code of
    each cluster is picked, largest cluster first. Typicality = 1 / mean Euclidean distance to the
    `k_neighbours` nearest codes of the same cluster (paper: K = 20; skactiveml's default is 5;
    a cluster of m <= K points uses m - 1). With as many clusters as picks every cluster gets one,
    so the pick order does not change the set. Returns `budget` sorted indices into `z`."""
    from skactiveml.pool import TypiClust
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    z, y = _unlabelled(z, budget)
    strategy = TypiClust(
        random_state=seed,
        cluster_algo=KMeans,
        cluster_algo_dict={"n_init": 10},
        n_cluster_param_name="n_clusters",
        k=k_neighbours,
    )
    with threadpool_limits(limits=1):  # see _unlabelled's note
        picks = strategy.query(z, y, batch_size=budget)
    return _exactly(picks, len(z), budget, seed)


def _radius_grid(distances: np.ndarray) -> np.ndarray:
    """Candidate ProbCover radii, ascending: 41 quantiles of the distances between distinct codes,
    at levels spaced geometrically from 1e-4 to 1 (fine among the small distances, where the
    chosen radius usually lies), joined with 41 distances spaced geometrically from the 1e-4
    quantile to the largest distance (so a gap in the distances, e.g. between well separated
    clusters, leaves no gap in the grid). Below the 1e-4 quantile, 8 more quantiles reach down to
    the smallest distance, where no ball holds another code but the closest pair's, so nearly
    every ball is pure: the purity rule has a candidate (a 30-d code can be impure already at the
    1e-4 quantile). The largest
    distance always fails the purity rule when there are >= 2 clusters."""
    pairs = np.concatenate([row[i + 1:] for i, row in enumerate(distances)])  # the upper triangle
    quantiles = np.quantile(pairs, np.geomspace(1e-4, 1.0, 41))
    low, high = quantiles[0], quantiles[-1]
    spaced = np.geomspace(low, high, 41) if low > 0 else np.linspace(low, high, 41)
    levels = np.geomspace(1.0 / len(pairs), 1e-4, 9)[:-1] if len(pairs) > 1e4 else np.zeros(1)
    levels[0] = 0.0  # the smallest distance itself
    smallest = np.quantile(pairs, levels)
    return np.unique(np.r_[smallest, quantiles, spaced])


def probcover_radius_grid(z: np.ndarray) -> np.ndarray:
    """The radii `probcover_selection` searches by default (ascending)."""
    from sklearn.metrics import pairwise_distances

    return _radius_grid(pairwise_distances(np.asarray(z, dtype=np.float64)))


def probcover_selection(
    z: np.ndarray,
    budget: int,
    seed: int,
    n_classes: int = 10,
    purity: float = 0.95,
    deltas=None,
) -> tuple[np.ndarray, float]:
    """ProbCover (Yehuda, Dekel, Hacohen & Weinshall, NeurIPS 2022) in cold start, via
    scikit-activeml's `skactiveml.pool.ProbCover`. Returns (`budget` sorted indices into `z`,
    the radius delta used).

    Radius (the paper's rule, done by skactiveml): k-means (`n_classes` clusters, 10 restarts,
    `seed`) gives pseudo-labels; the purity of a radius is the fraction of codes whose closed
    delta-ball (Euclidean, distance <= delta) holds only codes of their own pseudo-class; it can
    only fall as delta grows, and the largest candidate with purity >= `purity` is used. The
    candidates are `deltas`, by default `probcover_radius_grid(z)` (up to 89 radii: quantiles of the
    pairwise distances and a geometric ladder up to the largest; see `_radius_grid`). A single
    value in `deltas` fixes the radius without the purity rule. If even the smallest candidate is
    impure, skactiveml warns and uses it.

    Selection (the paper's greedy max coverage): each step picks the code whose delta-ball holds
    the most codes not yet covered (ties broken at random with `seed`). Once every code is covered
    every remaining code covers nothing new, and skactiveml picks among them uniformly at random
    (seeded), so the result always has `budget` distinct indices."""
    import warnings

    from skactiveml.pool import ProbCover
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances
    from threadpoolctl import threadpool_limits

    z, y = _unlabelled(z, budget)
    distances = pairwise_distances(z)  # computed once: for the grid and for skactiveml
    deltas = _radius_grid(distances) if deltas is None else np.atleast_1d(np.asarray(deltas, dtype=np.float64))
    strategy = ProbCover(
        n_classes=n_classes,
        deltas=deltas,
        alpha=purity,
        cluster_algo=KMeans,
        cluster_algo_dict={"n_init": 10},
        n_cluster_param_name="n_clusters",
        distance_func=lambda _: distances,
        random_state=seed,
    )
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        if len(deltas) == 1:  # a fixed radius: skactiveml skips the purity rule and warns that it did
            warnings.filterwarnings("ignore", message="The maximum purity was", category=UserWarning)
        picks = strategy.query(z, y, batch_size=budget)
    return _exactly(picks, len(z), budget, seed), float(strategy.delta_max_)
