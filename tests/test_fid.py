import numpy as np
import pytest

from latentlab.metrics.fid import TooFewSamples, frechet_distance, trace_sqrt_product


def test_fid_of_a_set_with_itself_is_zero():
    features = np.random.default_rng(0).normal(size=(500, 16))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_fid_grows_with_added_noise():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(800, 8))
    noise = rng.normal(size=features.shape)
    distances = [frechet_distance(features, features + level * noise) for level in (0.1, 0.5, 1.0, 2.0)]
    assert all(a < b for a, b in zip(distances, distances[1:]))
    assert distances[0] > 0


def test_fid_matches_closed_form_for_gaussians():
    # Whitened samples have exactly mean 0 and covariance I; shift and scale them.
    rng = np.random.default_rng(2)
    raw = rng.normal(size=(4000, 3))
    raw = (raw - raw.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(raw, rowvar=False))).T
    shifted = raw * 2.0 + np.array([1.0, 0.0, -1.0])
    # ||mu||^2 + tr(I + 4I - 2 * 2I) = 2 + 3
    assert frechet_distance(raw, shifted) == pytest.approx(5.0, rel=1e-6)


def test_trace_sqrt_product_of_diagonals():
    assert trace_sqrt_product(np.diag([4.0, 9.0]), np.diag([1.0, 4.0])) == pytest.approx(2.0 + 6.0)


def test_refuses_fewer_samples_than_dimensions_and_unequal_counts():
    rng = np.random.default_rng(3)
    with pytest.raises(TooFewSamples, match="more samples than dimensions"):
        frechet_distance(rng.normal(size=(10, 16)), rng.normal(size=(10, 16)))
    with pytest.raises(ValueError, match="equal sample counts"):
        frechet_distance(rng.normal(size=(50, 2)), rng.normal(size=(60, 2)))


def test_prdc_gives_the_known_answers():
    from latentlab.metrics.fid import prdc_scores

    rng = np.random.default_rng(0)
    real = rng.standard_normal((400, 8))
    same = prdc_scores(real, rng.standard_normal((400, 8)), nearest_k=5)
    assert min(same["precision"], same["recall"], same["coverage"]) > 0.8  # the same distribution
    far = prdc_scores(real, rng.standard_normal((400, 8)) + 20.0, nearest_k=5)
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}
    collapsed = prdc_scores(real, np.zeros((400, 8)) + rng.standard_normal((400, 8)) * 0.01, nearest_k=5)
    assert collapsed["precision"] > 0.9 and collapsed["recall"] < 0.2 and collapsed["coverage"] < 0.2  # sharp, not diverse
