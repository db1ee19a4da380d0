"""TypiClust and ProbCover baselines (latentlab.selection.baselines) on toys whose answers are
known: fast, no TensorFlow."""
import warnings

import warnings

import numpy as np
import pytest
from scipy.spatial.distance import cdist, pdist

from latentlab.selection.baselines import probcover_radius_grid, probcover_selection, typiclust_selection

N_BLOBS = 5


def blobs(seed: int = 0, spacing: float = 20.0):
    """5 blobs of 40 points in 2-D, centres `spacing` apart on a line. Each blob: its centre, a
    tight ring of 20 points at radius ~0.45 around it, and 19 sparse points at radius 1.5 to 3.
    Returns (z, blob of each point, index of each blob's centre), rows shuffled."""
    rng = np.random.default_rng(seed)
    parts, centres = [], []
    for b in range(N_BLOBS):
        c = np.array([spacing * b, 0.0])
        angle = rng.uniform(0, 2 * np.pi) + np.arange(20) * 2 * np.pi / 20 + rng.uniform(-0.05, 0.05, 20)
        ring = c + rng.uniform(0.43, 0.47, 20)[:, None] * np.c_[np.cos(angle), np.sin(angle)]
        angle = rng.uniform(0, 2 * np.pi, 19)
        halo = c + rng.uniform(1.5, 3.0, 19)[:, None] * np.c_[np.cos(angle), np.sin(angle)]
        centres.append(40 * b)
        parts.append(np.vstack([c, ring, halo]))
    z = np.vstack(parts)
    blob = np.repeat(np.arange(N_BLOBS), 40)
    order = rng.permutation(len(z))
    position = np.argsort(order)  # where each original row went
    return z[order], blob[order], np.sort(position[centres])


def typicality(points: np.ndarray, k: int) -> np.ndarray:
    """1 / mean distance to the k nearest other points (Hacohen et al. 2022, eq. 4)."""
    d = np.sort(cdist(points, points), axis=1)[:, 1:k + 1]
    return 1 / d.mean(axis=1)


def ball_counts(points: np.ndarray, delta: float) -> np.ndarray:
    return (cdist(points, points) <= delta).sum(axis=1)


def purity(z: np.ndarray, labels: np.ndarray, delta: float) -> float:
    """Fraction of points whose closed delta-ball holds only points of their own label."""
    d = cdist(z, z)
    impure = ((d <= delta) & (labels[:, None] != labels[None, :])).any(axis=1)
    return 1 - impure.mean()


def best_per_blob(z, blob, score):
    """For each blob the index of its unique highest `score(points)`."""
    picks = []
    for b in range(N_BLOBS):
        members = np.flatnonzero(blob == b)
        s = score(z[members])
        assert np.sum(s == s.max()) == 1, "the toy must have one best point per blob"
        picks.append(members[np.argmax(s)])
    return np.sort(picks)


@pytest.mark.parametrize("k", [20, 5])
def test_typiclust_picks_the_most_typical_point_of_each_blob(k):
    z, blob, centres = blobs()
    picks = typiclust_selection(z, N_BLOBS, seed=0, k_neighbours=k)
    expected = best_per_blob(z, blob, lambda p: typicality(p, k))
    assert np.array_equal(picks, expected)
    assert np.array_equal(np.unique(blob[picks]), np.arange(N_BLOBS))
    if k == 20:  # the paper's K: the centre wins, its 20 neighbours being the tight ring
        assert np.array_equal(picks, centres)
    else:  # 5 neighbours lie closer along the ring than the centre: a ring point wins
        assert not np.isin(picks, centres).any()


def test_probcover_fixed_radius_picks_the_point_covering_most_of_each_blob():
    """With a radius whose balls never reach another blob, the greedy's first pick in each blob
    is a point whose ball covers most of that (still uncovered) blob: the centre, whose 0.5-ball
    holds itself and the ring (21 points; a ring point's holds ~8)."""
    z, blob, centres = blobs()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fixed radius must not warn about purity
        picks, radius = probcover_selection(z, N_BLOBS, seed=0, deltas=[0.5])
    assert radius == 0.5
    expected = best_per_blob(z, blob, lambda p: ball_counts(p, 0.5))
    assert np.array_equal(picks, expected)
    assert np.array_equal(picks, centres)


def test_probcover_purity_radius_on_blobs():
    """Radius by the purity rule (k-means with 5 clusters = the blobs): the largest grid radius
    whose purity is >= 0.95, the next grid radius below 0.95; one pick per blob."""
    z, blob, _ = blobs()
    picks, radius = probcover_selection(z, N_BLOBS, seed=0, n_classes=N_BLOBS)
    grid = probcover_radius_grid(z)
    assert radius in grid
    assert purity(z, blob, radius) >= 0.95
    assert purity(z, blob, grid[grid > radius][0]) < 0.95
    assert radius > 6  # wider than a blob: any point's ball covers its whole blob ...
    assert np.array_equal(np.sort(blob[picks]), np.arange(N_BLOBS))  # ... so one pick per blob


def test_probcover_radius_rule_on_a_known_line():
    """Two clusters of 20 points at 0..19 and 24..43 on a line: purity is 1 below 5, 38/40 =
    0.95 from 5 to just below 6 (the two facing end points are impure), 36/40 from 6 on. The
    rule must return the largest candidate below 6, counting 0.95 itself as pure enough."""
    z = np.r_[np.arange(20), np.arange(24, 44)].astype(float)[:, None]
    labels = np.repeat([0, 1], 20)
    assert [purity(z, labels, d) for d in (4.9, 5.0, 5.9, 6.0)] == [1.0, 0.95, 0.95, 0.9]
    assert probcover_selection(z, 1, seed=0, n_classes=2, deltas=[4.5, 5.5, 6.5])[1] == 5.5
    assert probcover_selection(z, 1, seed=0, n_classes=2, deltas=[2, 5, 6, 8])[1] == 5
    assert probcover_selection(z, 1, seed=0, n_classes=2, deltas=[1, 2, 3])[1] == 3
    grid = probcover_radius_grid(z)
    radius = probcover_selection(z, 1, seed=0, n_classes=2)[1]
    assert radius == grid[grid < 6].max()
    with pytest.warns(UserWarning, match="maximum purity"):  # nothing pure enough: the smallest, with a warning
        assert probcover_selection(z, 1, seed=0, n_classes=2, deltas=[6, 7])[1] == 6


@pytest.mark.parametrize("budget", [N_BLOBS + 7, 200])
def test_exactly_budget_unique_indices_when_budget_exceeds_the_blobs(budget):
    z, _, _ = blobs()
    typical = typiclust_selection(z, budget, seed=1)
    covering, _ = probcover_selection(z, budget, seed=1, n_classes=N_BLOBS)  # all covered after 5
    for picks in (typical, covering):
        assert len(picks) == budget and len(np.unique(picks)) == budget
        assert np.array_equal(picks, np.sort(picks)) and picks.min() >= 0 and picks.max() < len(z)
    if budget == len(z):
        assert np.array_equal(typical, np.arange(len(z))) and np.array_equal(covering, np.arange(len(z)))


def test_same_seed_same_result():
    z = np.random.default_rng(3).normal(size=(300, 4))
    assert np.array_equal(typiclust_selection(z, 20, seed=7), typiclust_selection(z, 20, seed=7))
    first, r1 = probcover_selection(z, 20, seed=7, n_classes=3)
    second, r2 = probcover_selection(z, 20, seed=7, n_classes=3)
    assert np.array_equal(first, second) and r1 == r2
    assert len(np.unique(first)) == 20


def test_budget_out_of_range():
    z = np.zeros((10, 2))
    with pytest.raises(ValueError):
        typiclust_selection(z, 11, seed=0)
    with pytest.raises(ValueError):
        probcover_selection(z, 0, seed=0)


def test_probcover_finds_a_pure_radius_where_nearest_codes_cross_clusters():
    """Isotropic 30-d codes cut into 10 k-means clusters (as a GAN encoder's codes can be): nearest
    neighbours often lie in other clusters, so even the 1e-4 quantile of the distances is impure.
    The grid reaches down to the smallest distance, whose balls hold one code each, and the rule
    finds a pure radius below that quantile, without skactiveml's warning."""
    from sklearn.cluster import KMeans

    z = np.random.default_rng(0).standard_normal((2000, 30))
    labels = KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(z)
    old_smallest = np.quantile(pdist(z), 1e-4)
    assert purity(z, labels, old_smallest) < 0.95
    assert probcover_radius_grid(z)[0] == pdist(z).min()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, radius = probcover_selection(z, 10, seed=0, n_classes=10)
    assert purity(z, labels, radius) >= 0.95 and radius < old_smallest
