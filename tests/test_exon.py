"""EXoN: prior density, straight-through sampling, mixup weights, and one real training step."""
import math

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from scipy.stats import multivariate_normal  # noqa: E402

from latentlab.models.exon.training import exon_batches  # noqa: E402
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


def test_straight_through_sample_is_one_hot_forward_and_has_the_gradient_of_log_q_plus_g():
    import tensorflow as tf

    logits = tf.Variable(np.random.default_rng(1).normal(size=(64, 10)).astype(np.float32))
    weights = tf.constant(np.arange(10, dtype=np.float32))
    seed = keras.random.SeedGenerator(0)
    with tf.GradientTape() as tape:
        probabilities = tf.nn.softmax(logits)
        sample = exon_lib.straight_through_gumbel(probabilities, seed)
        objective = tf.reduce_sum(sample * weights)
    gradient = tape.gradient(objective, logits).numpy()
    values = sample.numpy()
    np.testing.assert_allclose(values.sum(axis=1), 1.0, atol=1e-6)
    assert set(np.round(values, 5).ravel()) <= {0.0, 1.0}
    # the soft path is log q + g; the Gumbel noise g is a constant, so its gradient is log q's
    with tf.GradientTape() as reference_tape:
        expected = tf.reduce_sum(tf.math.log(tf.nn.softmax(logits) + 1e-8) * weights)
    np.testing.assert_allclose(gradient, reference_tape.gradient(expected, logits).numpy(), rtol=1e-4, atol=1e-6)
    with tf.GradientTape() as probability_tape:  # not the gradient of q itself (the old estimator)
        other = tf.reduce_sum(tf.nn.softmax(logits) * weights)
    assert not np.allclose(gradient, probability_tape.gradient(other, logits).numpy(), atol=1e-3)


@pytest.mark.parametrize("alpha", [0.1, 2.0])
def test_mixup_weights_follow_their_beta_law(alpha):
    from scipy import stats

    seed = keras.random.SeedGenerator(3)
    weight = np.asarray(exon_lib.beta_sample((4000,), alpha, seed), dtype=np.float64)
    # The empirical CDF at the law's quantiles (away from the float32-rounded extreme tails:
    # a tenth of Beta(0.1, 0.1) lies within 3e-8 of 1). Binomial sd at n = 4000 is under 0.008.
    law = stats.beta(alpha, alpha)
    for q in (0.2, 0.35, 0.5, 0.65, 0.8):
        assert np.mean(weight <= law.ppf(q)) == pytest.approx(q, abs=0.03)
    assert np.mean((weight > 0.1) & (weight < 0.9)) == pytest.approx(law.cdf(0.9) - law.cdf(0.1), abs=0.03)


def test_mixup_mixes_the_batch_with_one_weight_and_the_soft_cross_entropy_is_direct():
    seed = keras.random.SeedGenerator(4)
    x = np.arange(6, dtype=np.float32).reshape(6, 1, 1, 1)
    target = np.eye(6, dtype=np.float32)
    mixed_x, mixed_t, weight = (np.asarray(a) for a in exon_lib.mixup(x, target, 2.0, seed))
    assert weight.shape == ()  # one weight for the whole batch, as the original
    # pixel value i sits in example i, so an image blend equals its label blend applied to 0..5
    np.testing.assert_allclose(mixed_x[:, 0, 0, 0], mixed_t @ np.arange(6, dtype=np.float32), rtol=1e-5)
    np.testing.assert_allclose(mixed_t.sum(axis=1), 1.0, rtol=1e-6)
    top = mixed_t.max(axis=1)  # a row shuffled onto itself stays one-hot
    assert np.all(np.isclose(top, max(weight, 1 - weight)) | np.isclose(top, 1.0))
    probabilities = np.random.default_rng(5).dirichlet(np.ones(6), size=6).astype(np.float32)
    probabilities[0, 0] = 0.0  # clipped at 1e-10, as the original
    direct = -sum(mixed_t[i, k] * math.log(max(probabilities[i, k], 1e-10)) for i in range(6) for k in range(6))
    assert float(exon_lib.soft_cross_entropy(mixed_t, probabilities)) == pytest.approx(direct, rel=1e-5)


def test_mixup_per_example_gives_each_pair_its_own_weight():
    seed = keras.random.SeedGenerator(4)
    x = np.arange(64, dtype=np.float32).reshape(64, 1, 1, 1)
    target = np.eye(64, dtype=np.float32)
    mixed_x, mixed_t, weight = (np.asarray(a) for a in exon_lib.mixup(x, target, 2.0, seed, per_example=True))
    assert weight.shape == (64,) and np.std(weight) > 0.05  # Beta(2, 2): weights that differ per pair
    np.testing.assert_allclose(mixed_x[:, 0, 0, 0], mixed_t @ np.arange(64, dtype=np.float32), rtol=1e-5)
    np.testing.assert_allclose(mixed_t.sum(axis=1), 1.0, rtol=1e-6)
    own = mixed_t[np.arange(64), np.arange(64)]  # example i keeps 1 - weight_i of itself (or all of it)
    assert np.all(np.isclose(own, 1 - weight, atol=1e-6) | np.isclose(own, 1.0))


def test_the_unlabelled_switches_change_the_pseudo_labels_and_the_loss_as_named():
    make_deterministic(0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)

    def built(config, **parts):
        model = EXoN(config, **parts)
        model.compile(vae_optimizer=keras.optimizers.Adam(1e-3), classifier_optimizer=keras.optimizers.AdamW(1e-3))
        model.build_all()
        return model

    base = built(EXoNConfig(image_shape=SHAPE, lambda1=1.0))
    # inference mode: the classifier itself without dropout, so the same images give the same labels
    inference = built(EXoNConfig(image_shape=SHAPE, pseudo_labels="inference"), classifier=base.classifier)
    first, second = (np.asarray(inference.pseudo_labels_for(x, training=True)) for _ in range(2))
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, base.classifier.predict(x, verbose=0), rtol=1e-4, atol=1e-6)
    buffer_labels = [np.asarray(base.pseudo_labels_for(x, training=True)) for _ in range(2)]
    assert not np.allclose(*buffer_labels)  # the original's: training mode, dropout on

    def unlabelled_term(config):
        model = built(config, encoder=base.encoder, decoder=base.decoder, classifier=base.classifier)
        model.augment = lambda images, training: images  # the same inputs for both losses
        make_deterministic(0)
        return float(model.losses_for(x[:16], x[16:], np.arange(16) % 10)["mixup_unlabeled"])

    cross_entropy = unlabelled_term(EXoNConfig(image_shape=SHAPE, pseudo_labels="inference"))
    squared = unlabelled_term(EXoNConfig(image_shape=SHAPE, pseudo_labels="inference", unlabeled_loss="squared"))
    # 16 soft targets against 16 predictions: the squared error is at most 2 per image, the
    # cross-entropy of a 10-class prediction near uniform about log 10 per image
    assert 0 < squared < 2 * 16 and cross_entropy > 16 * 1.0 and squared != pytest.approx(cross_entropy)


def test_learning_rate_schedules_follow_the_original():
    rates = exon_lib.learning_rates
    assert rates(0, 100, 3e-3, "mnist", 10) == (3e-3, 3e-3)
    assert rates(9, 100, 3e-3, "mnist", 10) == (3e-3, 3e-3)
    assert rates(10, 100, 3e-3, "mnist", 10)[1] == pytest.approx(3e-3 * math.exp(-5 * 0.01))
    assert rates(50, 100, 3e-3, "mnist", 10) == (3e-3, pytest.approx(3e-3 * math.exp(-1.25)))
    milestones = (250, 350, 450, 550)
    assert rates(0, 600, 1e-3, "cifar10", 0, milestones) == (pytest.approx(1e-4), pytest.approx(2e-4))
    assert rates(1, 600, 1e-3, "cifar10", 0, milestones) == (1e-3, 1e-3)
    assert rates(300, 600, 1e-3, "cifar10", 0, milestones)[1] == pytest.approx(5e-4)
    assert rates(450, 600, 1e-3, "cifar10", 0, milestones)[1] == pytest.approx(1.25e-4)
    assert rates(550, 600, 1e-3, "cifar10", 0, milestones)[1] == pytest.approx(6.25e-5)
    assert rates(575, 600, 1e-3, "cifar10", 0, milestones)[1] == pytest.approx(6.25e-5 * math.exp(-5 * 0.25))


def test_schedules_callback_sets_both_rates_and_lambda2():
    model = EXoN(EXoNConfig(image_shape=SHAPE, lambda1=100.0, rampup_epochs=10))
    model.compile(vae_optimizer=keras.optimizers.Adam(1e-3), classifier_optimizer=keras.optimizers.AdamW(1e-3))
    callback = exon_lib.Schedules(epochs=40, base_rate=1e-3, decay_start=10)
    callback.set_model(model)
    callback.on_epoch_begin(20)
    assert float(model.classifier_optimizer.learning_rate) == pytest.approx(1e-3 * math.exp(-5 * 0.25), rel=1e-6)
    assert float(model.vae_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(model.lambda2) == pytest.approx(100.0)


def test_rampup_schedule():
    assert exon_lib.rampup_weight(6000, 0, 10) == pytest.approx(6000 * math.exp(-5))
    assert exon_lib.rampup_weight(6000, 10, 10) == 6000 and exon_lib.rampup_weight(6000, 50, 10) == 6000


def test_rampup_counted_in_steps_rises_every_step_and_the_epoch_callback_leaves_it():
    # the per-step ramp over 10 epochs' steps gives the per-epoch ramp's value at each epoch start
    assert float(exon_lib.rampup_weight_at_step(6000.0, 468 * 3, 4680)) == pytest.approx(
        exon_lib.rampup_weight(6000, 3, 10), rel=1e-5)
    assert float(exon_lib.rampup_weight_at_step(6000.0, 10_000, 4680)) == pytest.approx(6000.0)
    make_deterministic(0)
    x = np.random.default_rng(0).uniform(-1, 1, (96, 28, 28, 1)).astype(np.float32)
    model = EXoN(EXoNConfig(image_shape=SHAPE, lambda1=100.0, rampup_steps=8))
    model.compile(vae_optimizer=keras.optimizers.Adam(1e-3), classifier_optimizer=keras.optimizers.AdamW(1e-3))
    model.build_all()
    callback = exon_lib.Schedules(epochs=40, base_rate=1e-3, decay_start=10)
    callback.set_model(model)
    batch = next(iter(exon_batches(x[:64], x[64:], np.arange(32) % 10, 64, 32, seed=0)))
    seen = []
    for _ in range(3):
        callback.on_epoch_begin(20)  # would set lambda2 to lambda1 were the ramp per epoch
        model.train_step(batch)
        seen.append(float(model.lambda2))
    assert seen == pytest.approx([float(exon_lib.rampup_weight_at_step(100.0, step, 8)) for step in range(3)], rel=1e-5)
    assert seen[0] < seen[1] < seen[2] < 100.0


def test_eval_ema_keeps_an_average_classifier_and_leaves_training_as_it_was():
    from latentlab.models.exon.training import fit_exon

    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (64, 16, 16, 1)).astype(np.float32), np.repeat(np.arange(4), 16)
    settings = {"learning_rate": 3e-3, "weight_decay": 5e-4, "labeled_batch_size": 4, "batch_size": 8,
                "lr_decay_start": 2, "lr_milestones": [1], "lr_gamma": 0.5}
    runs = {}
    for ema in (0.0, 0.5):
        make_deterministic(0)
        config = EXoNConfig(image_shape=(16, 16, 1), n_classes=4, lambda1=10.0, seed=0)
        model = fit_exon(config, {**settings, "eval_ema": ema}, x, np.arange(0, 64, 4), y, epochs=2, seed=0)
        runs[ema] = model
    live, averaged = runs[0.0], runs[0.5]
    for a, b in zip(live.encoder.get_weights() + live.decoder.get_weights(),
                    averaged.encoder.get_weights() + averaged.decoder.get_weights()):
        np.testing.assert_array_equal(a, b)  # the average never feeds back into training
    kernel = [v for v in averaged.classifier.trainable_variables if "kernel" in v.path][0]
    live_kernel = [v for v in live.classifier.trainable_variables if "kernel" in v.path][0]
    assert not np.allclose(np.asarray(kernel), np.asarray(live_kernel))


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
    batch = next(iter(exon_batches(x[:128], x[128:], y, 128, 32, seed=0)))

    def loss():
        keras.utils.set_random_seed(1)  # the same noise draws for the before/after comparison
        model.sample_seed.state.assign([1, 0])
        model.mixup_seed.state.assign([2, 0])
        return float(model.losses_for(batch[0], batch[1][0], batch[1][1], training=False)["loss"])

    before = loss()
    encoder_before = [w.copy() for w in model.encoder.get_weights()]
    classifier_before = [w.copy() for w in model.classifier.get_weights()]
    for _ in range(3):
        model.train_step(batch)
        # the pseudo-labeller is the classifier re-synced after every step
        for mine, theirs in zip(model.pseudo_labeler.trainable_variables, model.classifier.trainable_variables):
            np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs))
    assert loss() < before
    assert any(not np.allclose(a, b) for a, b in zip(encoder_before, model.encoder.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(classifier_before, model.classifier.get_weights()))


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


def test_cifar_networks_have_the_original_shapes():
    from latentlab.models.exon.networks import build_classifier, build_decoder, build_encoder

    config = EXoNConfig(image_shape=(32, 32, 3), architecture="cifar10", latent_dim=16)
    x = np.zeros((2, 32, 32, 3), np.float32)
    mean, log_variance = build_encoder(config)(x)
    assert tuple(mean.shape) == (2, 10, 16) and tuple(log_variance.shape) == (2, 10, 16)
    assert tuple(build_decoder(config)(np.zeros((2, 16), np.float32)).shape) == (2, 32, 32, 3)
    classifier = build_classifier(config)
    assert tuple(classifier(x).shape) == (2, 10)
    convs = [layer.filters for layer in classifier.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == [128, 128, 128, 256, 256, 256, 512, 256, 128]


def test_mnist_classifier_and_zero_biases_as_the_original():
    from latentlab.models.exon.networks import build_classifier, build_encoder

    config = EXoNConfig(image_shape=SHAPE)
    classifier = build_classifier(config)
    convs = [(layer.filters, layer.kernel_size) for layer in classifier.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == [(32, (5, 5)), (64, (3, 3)), (128, (3, 3))]
    assert sum(isinstance(layer, keras.layers.SpatialDropout2D) for layer in classifier.layers) == 3
    assert [layer.units for layer in classifier.layers if isinstance(layer, keras.layers.Dense)] == [64, 10]
    encoder = build_encoder(config)
    assert all(not np.any(np.asarray(layer.bias)) for layer in encoder.layers if isinstance(layer, keras.layers.Dense))


def test_layout_measures_give_known_answers():
    from latentlab.models.exon.interpretation import code_in_component, grid_negative_ssim, latent_grid

    means, variances = prior_parameters(EXoNConfig(image_shape=SHAPE))
    labels = np.arange(10).repeat(3)
    z = means[labels] + 0.1
    assert code_in_component(z, labels, means, variances) == 1.0
    assert code_in_component(z, (labels + 1) % 10, means, variances) == 0.0
    grid = latent_grid(15.0, 31, 2)
    assert grid.shape == (961, 2) and grid[0].tolist() == [-15.0, 15.0] and grid[-1].tolist() == [15.0, -15.0]
    same = np.tile(np.random.default_rng(0).uniform(0, 1, (1, 16, 16, 1)).astype(np.float32), (5, 1, 1, 1))
    assert grid_negative_ssim(same) == pytest.approx(0.0, abs=1e-5)
    varied = np.random.default_rng(1).uniform(0, 1, (5, 16, 16, 1)).astype(np.float32)
    assert grid_negative_ssim(varied) > 0.3  # independent noise: SSIM near 0 off the diagonal


def test_conditional_accuracy_ceiling_is_the_share_of_prior_samples_nearest_their_own_component():
    from scipy.stats import norm

    from latentlab.models.exon.interpretation import conditional_accuracy_ceiling

    # Two components at -r and +r with variance s: a sample is nearer its own mean with P = Phi(r / sqrt(s)).
    two = EXoNConfig(image_shape=SHAPE, n_classes=2, prior_layout="x_axis", radius=4.0, sigma=4.0)
    assert conditional_accuracy_ceiling(two) == pytest.approx(norm.cdf(2.0), abs=0.003)
    far = EXoNConfig(image_shape=SHAPE, n_classes=2, prior_layout="x_axis", radius=40.0, sigma=4.0)
    assert conditional_accuracy_ceiling(far) == 1.0
    # MNIST's circle: neighbours 8 apart with std 2, two neighbours each: about 1 - 2 Phi(-2) = 0.954.
    assert conditional_accuracy_ceiling(EXoNConfig(image_shape=SHAPE)) == pytest.approx(1 - 2 * norm.cdf(-2.0), abs=0.003)


def _digit_like_images(n: int, size: int = 28) -> np.ndarray:
    """Blobs on the -1 background, away from the border (a rotation then moves no ink out)."""
    rng = np.random.default_rng(3)
    images = np.full((n, size, size, 1), -1.0, np.float32)
    for image in images:
        rows, cols = rng.integers(9, size - 9, 6), rng.integers(9, size - 9, 6)
        image[rows, cols, 0] = 1.0
        image[rows + 1, cols, 0] = 0.5
    return images


def test_original_mnist_augmentation_is_a_whole_degree_rotation_then_a_whole_pixel_shift():
    from scipy.ndimage import rotate, shift as shift_image

    from latentlab.models.exon.networks import build_augmenter

    make_deterministic(0)
    x = _digit_like_images(6)
    augmenter = build_augmenter(EXoNConfig(image_shape=SHAPE, augmentation="original"))
    np.testing.assert_array_equal(np.asarray(augmenter(x, training=False)), x)
    out = np.asarray(augmenter(x, training=True))
    found = []
    for image, result in zip(x, out):
        matches = [(angle, dr, dc) for angle in range(-25, 26)
                   for rotated in [rotate(image, angle, reshape=False, order=1, mode="constant", cval=-1.0)]
                   for dr in range(-4, 5) for dc in range(-4, 5)
                   if np.allclose(shift_image(rotated, (dr, dc, 0), order=0, cval=-1.0), result, atol=1e-4)]
        assert matches, "no whole-degree rotation and whole-pixel shift gives this image"
        found.append(matches[0])
    assert len(set(found)) > 1  # each image draws its own angle and shift


def test_original_cifar_augmentation_is_a_flip_then_a_reflected_shift():
    from latentlab.models.exon.networks import build_augmenter

    make_deterministic(0)
    x = np.random.default_rng(4).uniform(-1, 1, (8, 32, 32, 3)).astype(np.float32)
    config = EXoNConfig(image_shape=(32, 32, 3), architecture="cifar10", latent_dim=16, augmentation="original")
    out = np.asarray(build_augmenter(config)(x, training=True))
    flips = set()
    for image, result in zip(x, out):
        padded = [np.pad(candidate, ((2, 2), (2, 2), (0, 0)), mode="reflect") for candidate in (image, image[:, ::-1])]
        matches = [flip for flip in (0, 1) for top in range(5) for left in range(5)
                   if np.array_equal(padded[flip][top:top + 32, left:left + 32], result)]
        assert matches, "no flip and pad-2 reflect crop gives this image"
        flips.add(matches[0])
    assert flips == {0, 1}
