"""EXoN: prior density, straight-through sampling, mixup weights, and one real training step."""
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from scipy.stats import multivariate_normal  # noqa: E402

from latentlab.models.common.training import semi_supervised_batches  # noqa: E402
from latentlab.models.exon import model as exon_lib  # noqa: E402
from latentlab.models.exon.config import EXoNConfig  # noqa: E402
from latentlab.models.exon.interpretation import vnat  # noqa: E402
from latentlab.models.exon.model import EXoN  # noqa: E402
from latentlab.models.exon.prior import prior_log_density, prior_parameters  # noqa: E402
from latentlab.seeding import make_deterministic  # noqa: E402

SHAPE = (28, 28, 1)


def test_mnist_prior_layout_and_log_density_match_a_direct_computation():
    config = EXoNConfig(image_shape=SHAPE, sigma=4.0)
    means, variances = prior_parameters(config)
    radius = 2 * 2.0 / math.sin(math.pi / 10)
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), radius)
    np.testing.assert_allclose(np.arctan2(means[0, 1], means[0, 0]), math.pi / 10)
    z = np.random.default_rng(0).normal(scale=8.0, size=(20, 2))
    direct = np.log(np.mean([multivariate_normal(m, np.diag(v)).pdf(z) for m, v in zip(means, variances)], axis=0))
    np.testing.assert_allclose(prior_log_density(z, means, variances), direct, rtol=1e-8)


def test_cifar_prior_layout():
    config = EXoNConfig(image_shape=(32, 32, 3), architecture="cifar10", latent_dim=16, dist=1.0, sigma1=0.1, sigma2=1.0)
    means, variances = prior_parameters(config)
    np.testing.assert_array_equal(means[:, :10], np.eye(10))
    assert (means[:, 10:] == 0).all() and (variances[:, :10] == 0.1).all() and (variances[:, 10:] == 1.0).all()


def test_straight_through_sample_is_one_hot_forward_and_passes_gradient_backward():
    import tensorflow as tf

    logits = tf.Variable(np.random.default_rng(1).normal(size=(64, 10)).astype(np.float32))
    weights = tf.constant(np.arange(10, dtype=np.float32))
    seed = keras.random.SeedGenerator(0)
    with tf.GradientTape() as tape:
        probabilities = tf.nn.softmax(logits)
        sample = exon_lib.straight_through_gumbel(probabilities, seed)
        objective = tf.reduce_sum(sample * weights)
    values = sample.numpy()
    np.testing.assert_allclose(values.sum(axis=1), 1.0, atol=1e-6)
    assert set(np.round(values, 5).ravel()) <= {0.0, 1.0}
    with tf.GradientTape() as reference_tape:
        expected = tf.reduce_sum(tf.nn.softmax(logits) * weights)
    np.testing.assert_allclose(tape.gradient(objective, logits).numpy(),
                               reference_tape.gradient(expected, logits).numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("alpha", [0.1, 2.0])
def test_mixup_weights_follow_their_beta_law(alpha):
    from scipy import stats

    seed = keras.random.SeedGenerator(3)
    x = np.zeros((4000, 2, 2, 1), np.float32)
    target = np.zeros((4000, 10), np.float32)
    _, _, weight = exon_lib.mixup(x, target, alpha, seed)
    weight = np.asarray(weight, dtype=np.float64)
    # The empirical CDF at the law's quantiles (away from the float32-rounded extreme tails:
    # a tenth of Beta(0.1, 0.1) lies within 3e-8 of 1). Binomial sd at n = 4000 is under 0.008.
    law = stats.beta(alpha, alpha)
    for q in (0.2, 0.35, 0.5, 0.65, 0.8):
        assert np.mean(weight <= law.ppf(q)) == pytest.approx(q, abs=0.03)
    assert np.mean((weight > 0.1) & (weight < 0.9)) == pytest.approx(law.cdf(0.9) - law.cdf(0.1), abs=0.03)


def test_mixup_mixes_images_and_labels_with_the_same_weight():
    seed = keras.random.SeedGenerator(4)
    x = np.arange(6, dtype=np.float32).reshape(6, 1, 1, 1)
    target = np.eye(6, dtype=np.float32)
    mixed_x, mixed_t, _ = (np.asarray(a) for a in exon_lib.mixup(x, target, 2.0, seed))
    # pixel value i sits in example i, so an image blend equals its label blend applied to 0..5
    np.testing.assert_allclose(mixed_x[:, 0, 0, 0], mixed_t @ np.arange(6, dtype=np.float32), rtol=1e-5)
    np.testing.assert_allclose(mixed_t.sum(axis=1), 1.0, rtol=1e-6)


def test_rampup_schedule():
    assert exon_lib.rampup_weight(6000, 0, 10) == pytest.approx(6000 * math.exp(-5))
    assert exon_lib.rampup_weight(6000, 10, 10) == 6000 and exon_lib.rampup_weight(6000, 50, 10) == 6000


def test_vnat_is_zero_when_posterior_equals_prior_and_grows_as_it_narrows():
    variances = np.full((2, 3), 4.0)
    log_variance = np.log(np.full((5, 2, 3), 4.0))
    labels = np.array([0, 0, 1, 1, 1])
    np.testing.assert_allclose(vnat(log_variance, labels, variances), 0.0, atol=1e-12)
    log_variance[:, 1, 0] = np.log(4.0 / math.e**2)
    assert vnat(log_variance, labels, variances)[1, 0] == pytest.approx(2.0)


def test_one_training_step_lowers_the_loss_and_changes_both_networks():
    make_deterministic(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (160, 28, 28, 1)).astype(np.float32)
    y = np.arange(32) % 10
    model = EXoN(EXoNConfig(image_shape=SHAPE, lambda1=10.0, rampup_epochs=0))
    model.compile(vae_optimizer=keras.optimizers.Adam(1e-3), classifier_optimizer=keras.optimizers.Adam(1e-3))
    model.build_all()
    batch = next(iter(semi_supervised_batches(x[:128], x[128:], y, 128, 32, seed=0)))

    def loss():
        keras.utils.set_random_seed(1)  # the same noise draws for the before/after comparison
        model.sample_seed.state.assign([1, 0])
        model.mixup_seed.state.assign([2, 0])
        return float(model.losses_for(batch[0], batch[1][0], batch[1][1], training=False)["loss"])

    before = loss()
    encoder_before = [w.copy() for w in model.encoder.get_weights()]
    classifier_before = [w.copy() for w in model.classifier.get_weights()]
    teacher_before = [w.copy() for w in model.teacher.get_weights()]
    for _ in range(3):
        model.train_step(batch)
    assert loss() < before
    assert any(not np.allclose(a, b) for a, b in zip(encoder_before, model.encoder.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(classifier_before, model.classifier.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(teacher_before, model.teacher.get_weights()))


def test_save_load_round_trip_and_embedding(tmp_path):
    make_deterministic(0)
    model = EXoN(EXoNConfig(image_shape=SHAPE))
    model.compile(vae_optimizer=keras.optimizers.Adam(1e-3), classifier_optimizer=keras.optimizers.Adam(1e-3))
    model.build_all()
    x = np.random.default_rng(2).uniform(-1, 1, (6, 28, 28, 1)).astype(np.float32)
    model.save_to(tmp_path / "exon")
    loaded = EXoN.load_from(tmp_path / "exon")
    assert loaded.config == model.config
    np.testing.assert_allclose(loaded.encode(x), model.encode(x), rtol=1e-5, atol=1e-6)
    assert model.encode(x).shape == (6, 2)
    z, classes = model.sample_prior(20, seed=0)
    assert z.shape == (20, 2) and np.bincount(classes).tolist() == [2] * 10


def test_interpolation_pairs_are_one_class_and_two_classes():
    from latentlab.models.exon.figures import interpolation_pairs

    labels = np.repeat(np.arange(5), 4)
    for seed in range(10):
        (a, b), (c, d) = interpolation_pairs(labels, seed)
        assert a != b and labels[a] == labels[b]
        assert c == a and labels[c] != labels[d]


def test_blur_moves_each_code_only_along_the_dimensions_asked():
    from types import SimpleNamespace

    from latentlab.models.exon.figures import blur_codes_and_images

    decoded = []
    model = SimpleNamespace(config=SimpleNamespace(n_classes=2, latent_dim=3),
                            decode=lambda z: decoded.append(z) or np.zeros((len(z), 2, 2, 1)))
    z = np.arange(12, dtype=float).reshape(4, 3)
    labels = np.array([0, 1, 0, 1])
    active = np.array([[True, False, False], [False, True, True]])
    images, _ = blur_codes_and_images(model, z, labels, active, np.ones((2, 3)), seed=0)
    codes = decoded[0].reshape(2, 9, 3)
    assert images.shape == (18, 2, 2, 1)
    for k, base in ((0, z[0]), (1, z[1])):  # the first test code of each class
        np.testing.assert_array_equal(codes[k, 0], base)
        moved_active, moved_other = codes[k, 1:5] != base, codes[k, 5:9] != base
        assert (moved_active == active[k]).all() and (moved_other == ~active[k]).all()
