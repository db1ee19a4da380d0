import numpy as np

from latentlab.models.vae.elbo import bernoulli_nll, elbo_summary, gaussian_kl


def test_bernoulli_nll_matches_direct_formula_and_is_stable():
    rng = np.random.default_rng(0)
    x = rng.random((4, 3, 3, 1))
    logits = rng.normal(size=(4, 3, 3, 1))
    p = 1 / (1 + np.exp(-logits))
    direct = -(x * np.log(p) + (1 - x) * np.log(1 - p)).reshape(4, -1).sum(1)
    np.testing.assert_allclose(bernoulli_nll(x, logits), direct, rtol=1e-10)
    assert np.isfinite(bernoulli_nll(np.ones((1, 2)), np.array([[-1000.0, 1000.0]]))).all()


def test_gaussian_kl_known_values():
    np.testing.assert_allclose(gaussian_kl(np.zeros((1, 3)), np.ones((1, 3))), [0.0])
    np.testing.assert_allclose(gaussian_kl(np.ones((1, 2)), np.ones((1, 2))), [1.0])  # 2 x mean^2 / 2
    np.testing.assert_allclose(gaussian_kl(np.zeros((1, 1)), np.full((1, 1), 2.0)), [0.5 * (4 - 2 * np.log(2) - 1)])


def test_elbo_summary_sign_and_ae_case():
    summary = elbo_summary(np.array([100.0, 110.0]), np.array([5.0, 7.0]))
    assert summary == {"test_bce_nats": 105.0, "test_kl_nats": 6.0, "test_elbo_nats": -111.0}
    assert "test_elbo_nats" not in elbo_summary(np.array([1.0]), None)
