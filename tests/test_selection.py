import numpy as np
import pytest

from latentlab.selection import votemi
from latentlab.selection.baselines import kmedoids_selection, random_selection, selection_accuracy
from latentlab.selection.clustering import allocate_budget, dbscan, k_distance_knee, standardize
from latentlab.selection.mutual_information import pairwise_mutual_information

CENTRES = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])


def _blobs(per=100, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(CENTRES)), per)
    return CENTRES[labels] + 0.3 * rng.normal(size=(len(labels), 2)), labels


def _images_for(z):
    """4x4 'images' whose pixels are a smooth function of the code: similar codes, similar images."""
    grid = np.linspace(0.0, 1.0, 16)
    return (0.5 + 0.5 * np.sin(np.outer(z[:, 0], grid) + np.outer(z[:, 1], grid[::-1]))).reshape(-1, 4, 4, 1)


def test_allocate_budget_is_proportional_complete_and_capped():
    quota = allocate_budget(np.array([500, 300, 200]), 10)
    assert quota.tolist() == [5, 3, 2]
    assert allocate_budget(np.array([1000, 5, 5]), 10).tolist()[1:] == [1, 1]  # every cluster represented
    assert allocate_budget(np.array([3, 2]), 10).tolist() == [3, 2]
    assert allocate_budget(np.array([7, 7, 7]), 2).sum() == 2


def test_dbscan_finds_the_blobs_and_auto_eps_is_between_scales():
    z, labels = _blobs()
    clusters, _ = dbscan(z, 0.5, 10)
    assert clusters.max() + 1 == 3 and np.mean(clusters < 0) < 0.05
    eps = k_distance_knee(standardize(z), 10)
    assert 0.02 < eps < 2.0  # between the blobs' own spread and their distance apart
    clusters, used = dbscan(z, "auto", 10)
    assert used == eps and clusters.max() + 1 == 3


def test_mutual_information_known_values():
    rng = np.random.default_rng(0)
    image = rng.random((1, 400))
    other = rng.random((1, 400))
    same = pairwise_mutual_information(image, image, bins=4)[0, 0]
    assert same == pytest.approx(np.log(4), abs=0.05)  # MI(x, x) = H(x), uniform over 4 levels
    assert pairwise_mutual_information(image, other, bins=4)[0, 0] < 0.1
    assert pairwise_mutual_information(image, image, bins=4, normalized=True)[0, 0] == pytest.approx(1.0)
    assert pairwise_mutual_information(image, np.zeros((1, 400)), bins=4)[0, 0] == 0.0


def test_votemi_selects_distinct_real_points_from_every_cluster():
    z, labels = _blobs()
    clusters, _ = dbscan(z, 0.5, 10)
    selection = votemi.select(z, _images_for(z), clusters, lambda c: _images_for(c), budget=12,
                              n_candidates=20, top_fraction=0.5, bins=4, seed=0)
    picks = selection.indices
    assert len(picks) == 12 and len(set(picks.tolist())) == 12
    assert set(np.bincount(labels[picks], minlength=3)) == {4}
    assert np.isfinite(selection.scores).all()
    # the picks are the best voters of their groups, so typical of their own clusters
    for cluster in range(3):
        mine = picks[clusters[picks] == cluster]
        assert selection.votes[mine].mean() >= np.median(selection.votes[clusters == cluster])


def test_votemi_refuses_when_everything_is_noise():
    z, _ = _blobs()
    with pytest.raises(ValueError, match="no cluster"):
        votemi.select(z, _images_for(z), np.full(len(z), -1), _images_for, budget=5)


def test_baselines():
    z, labels = _blobs()
    assert len(set(random_selection(300, 30, seed=1).tolist())) == 30
    medoids = kmedoids_selection(z, 3, seed=0)
    assert sorted(labels[medoids].tolist()) == [0, 1, 2]
    assert np.linalg.norm(z[medoids] - CENTRES[labels[medoids]], axis=1).max() < 0.3
    images = np.eye(3)[labels][:, :, None, None] + 0.01  # class-coded pixels: perfectly learnable
    assert selection_accuracy(images, labels, medoids, images, labels) == 1.0


def test_dbscan_eps_is_in_standard_deviations_so_scale_does_not_matter():
    z, _ = _blobs()
    small, _ = dbscan(z, 0.3, 10)
    large, _ = dbscan(z * 40.0, 0.3, 10)
    np.testing.assert_array_equal(small, large)


def test_one_class_selection_scores_as_a_constant_classifier():
    images = np.random.default_rng(0).random((10, 2, 2, 1))
    labels = np.array([3] * 5 + [1] * 5)
    assert selection_accuracy(images, labels, np.arange(5), images, labels) == 0.5
