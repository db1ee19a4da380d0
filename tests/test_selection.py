import numpy as np
import pytest

from latentlab.selection import votemi
from latentlab.selection.baselines import kmedoids_selection, random_selection, selection_accuracy
from latentlab.selection.clustering import allocate_budget, dbscan, eps_for, k_distance_knee, standardize
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
    assert allocate_budget(np.array([1000, 5, 5]), 10).tolist() == [10, 0, 0]  # tiny clusters get their share
    assert allocate_budget(np.array([1000, 5, 5]), 10, at_least_one=True).tolist() == [8, 1, 1]  # the seed's rule
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


def test_votemi_selects_distinct_real_points_spread_over_the_clusters():
    z, labels = _blobs()
    clusters, _ = dbscan(z, 0.5, 10)
    selection = votemi.select(z, clusters, _images_for, budget=12, n_candidates=20, bins=4, seed=0)
    picks = selection.indices
    assert len(picks) == 12 and len(set(picks.tolist())) == 12
    assert np.bincount(labels[picks], minlength=3).tolist() == [4, 4, 4]  # equal blobs, equal shares
    assert np.isfinite(selection.scores).all() and np.isfinite(selection.votes).all()


def _spot_images(z):
    """20x20 images of a soft spot placed by the code: images overlap as much as codes are close."""
    grid = np.arange(20.0)
    rows = np.exp(-0.5 * ((grid[None, :] - (10 + 6 * z[:, :1])) / 1.5) ** 2)
    cols = np.exp(-0.5 * ((grid[None, :] - (10 + 6 * z[:, 1:])) / 1.5) ** 2)
    return (rows[:, :, None] * cols[:, None, :])[..., None]


def test_votemi_picks_the_typical_point_of_a_cluster():
    """The member whose decoded image best matches the decoded KDE samples is one near the
    cluster's centre, not one on its rim."""
    z = 0.3 * np.random.default_rng(1).normal(size=(300, 2))
    distances = np.linalg.norm(z, axis=1)
    selection = votemi.select(z, np.zeros(300, dtype=int), _spot_images, budget=1, n_candidates=100, seed=0)
    assert distances[selection.indices[0]] < np.quantile(distances, 0.2)
    assert np.corrcoef(selection.votes, distances)[0, 1] < -0.5  # votes fall towards the rim


def test_noise_joins_its_nearest_cluster_and_can_be_selected():
    z, labels = _blobs()
    clusters = np.where(labels == 2, -1, labels)  # the blob at (0, 4) left as DBSCAN noise
    joined = votemi.attach_noise(z, clusters)
    assert (joined[labels == 2] == 0).all()  # (0, 0) is nearer than (4, 0)
    np.testing.assert_array_equal(joined[labels < 2], labels[labels < 2])
    picks = votemi.select(z, clusters, _images_for, budget=12, n_candidates=20, bins=4, seed=0).indices
    assert np.sum(labels[picks] == 2) >= 3  # its 100 points weigh in the budget like any others


def test_votemi_refuses_when_everything_is_noise():
    z, _ = _blobs()
    with pytest.raises(ValueError, match="no cluster"):
        votemi.select(z, np.full(len(z), -1), _images_for, budget=5)


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


def test_eps_for_prefers_the_models_own_entry():
    settings = {"eps": 0.09, "eps_per_model": {"vae_wide": "auto"}}
    assert eps_for(settings, "vae_wide") == "auto"
    assert eps_for(settings, "vae") == 0.09


def test_small_groups_vote_around_their_centre_and_singletons_do_not_vote():
    """Fewer members than dimensions make the KDE singular: the candidates then still come from
    a density around the group, never copies of its members, and the central member wins."""
    z = np.array([[0.0, 0.0, 0.0], [0.3, 0.0, 0.1], [-0.3, 0.1, 0.0]])
    candidates = votemi.candidate_codes(z, 200, np.random.default_rng(0))
    assert candidates.shape == (200, 3)
    assert not any(np.any(np.all(np.isclose(candidates, member), axis=1)) for member in z)
    np.testing.assert_allclose(candidates.mean(axis=0), z.mean(axis=0), atol=0.05)
    spot = lambda c: _spot_images(c[:, :2])  # noqa: E731
    votes = votemi.group_votes(z, spot(z), spot, 100, 8, np.random.default_rng(0))
    assert np.argmax(votes) == 0
    assert np.isnan(votemi.group_votes(z[:1], spot(z[:1]), spot, 10, 8, np.random.default_rng(0))).all()
