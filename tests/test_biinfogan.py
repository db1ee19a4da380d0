"""Bi-InfoGAN: the latent layout, one real step on every network, D's training-only noise, the
Hungarian scoring and the original's encodings.txt, and the measured image factors."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from latentlab.models.biinfogan.config import BiInfoGANConfig, EncodingsError, parse_encodings
from latentlab.models.biinfogan.factors import code_correlations, slant, stroke_width

ROOT = Path(__file__).resolve().parents[1]
MNIST = (28, 28, 1)


# ----- pure NumPy -----

def test_layout_of_the_original_mnist_latent():
    config = BiInfoGANConfig(image_shape=MNIST)
    assert config.latent_dim == 28
    layout = config.layout()
    assert (layout["z"], layout["c1"], layout["continuous"]) == (slice(0, 16), slice(16, 26), slice(26, 28))
    assert config.continuous_names() == ["c2", "c3"]
    celeba = BiInfoGANConfig(image_shape=(32, 32, 3), n_z=64, categorical=(10, 10, 10, 10), n_continuous=4)
    assert celeba.latent_dim == 108 and celeba.continuous_names() == ["c5", "c6", "c7", "c8"]
    assert celeba.generator_side == 4 and config.generator_side == 7


def test_encodings_in_the_original_format_map_categories_to_classes():
    # the k-th number is the category meaning digit k (the original's evaluate_model.py)
    class_of = parse_encodings("6,5,9,0,1,2,3,4,7,8\n", 10)
    assert class_of[6] == 0 and class_of[5] == 1 and class_of[8] == 9
    assert sorted(class_of) == list(range(10))


@pytest.mark.parametrize("text, message", [
    ("6,5,9,0,1,2,3,4,7,7", r"category \[7\] repeated, \[8\] missing"),
    ("6,5,9,0,1,2,3,4,7", "9 numbers for 10 categories"),
    ("6,5,nine,0,1,2,3,4,7,8", "expected comma-separated category numbers"),
])
def test_an_encodings_file_that_is_not_one_to_one_is_refused(text, message):
    with pytest.raises(EncodingsError, match=message):
        parse_encodings(text, 10)


def test_a_bad_encodings_file_stops_check_params_in_one_line(tmp_path):
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    (tmp_path / "encodings.txt").write_text("6,5,9,0,1,2,3,4,7,7\n")
    params["biinfogan"]["encodings"] = str(tmp_path / "encodings.txt")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    result = subprocess.run(
        [sys.executable, str(ROOT / "stages/check_params.py"), "--params", str(tmp_path / "params.yaml"),
         "--out", str(tmp_path / "checked.json"), "--vae_wide", "vae", "--biinfogan", "biinfogan", "--iin", "iin"],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "encodings.txt: not one-to-one: category [7] repeated, [8] missing" in lines[0]
    assert not (tmp_path / "checked.json").exists()


def _bar(width: int, angle_degrees: float = 0.0) -> np.ndarray:
    """A 20-pixel stroke of the given width through the centre, tilted from vertical (top right)."""
    rows, cols = np.mgrid[0:28, 0:28]
    t = np.radians(angle_degrees)
    # distance from the line through (14, 14) with direction (sin t, cos t) in (x, y-up)
    x, y = cols - 13.5, -(rows - 13.5)
    across = np.abs(x * np.cos(t) - y * np.sin(t))
    along = np.abs(x * np.sin(t) + y * np.cos(t))
    return ((across < width / 2) & (along < 10)).astype(np.float32)[..., None]


def test_stroke_width_and_slant_give_the_known_answers_on_drawn_strokes():
    widths = stroke_width(np.stack([_bar(2), _bar(4), _bar(6)]))
    np.testing.assert_allclose(widths, [2, 4, 6], rtol=0.25)
    assert widths[0] < widths[1] < widths[2]
    angles = np.degrees(slant(np.stack([_bar(3, -20), _bar(3, 0), _bar(3, 25)])))
    np.testing.assert_allclose(angles, [-20, 0, 25], atol=3)


def test_code_correlations_find_the_code_that_follows_a_factor():
    rng = np.random.default_rng(0)
    angles = rng.uniform(-30, 30, 60)
    images = np.stack([_bar(3, a) for a in angles])
    codes = np.stack([angles + rng.normal(0, 2, 60), rng.normal(size=60)], axis=1)
    result = code_correlations(codes, images, ["c2", "c3"])
    assert result["c2"]["slant"] > 0.95 and result["c3"]["slant"] < 0.4
    # a code that slants one category left and the other right: nothing pooled, all within
    categories = np.repeat([0, 1], 30)
    flipped = np.where(categories == 0, 1.0, -1.0) * angles
    images = np.stack([_bar(3, a) for a in flipped])
    result = code_correlations(angles[:, None], images, ["c2"], categories)
    assert result["c2"]["slant"] < 0.4 and result["c2"]["slant_within"] > 0.95


def test_hungarian_accuracy_of_a_permuted_labelling_is_one():
    from latentlab.models.biinfogan.training import category_accuracy

    labels = np.repeat(np.arange(10), 7)
    permutation = np.random.default_rng(3).permutation(10)
    accuracy, mapping = category_accuracy(labels, permutation[labels])
    assert accuracy == 1.0
    assert all(mapping[int(permutation[k])] == k for k in range(10))
    class_of = list(np.argsort(permutation))  # the same map, as an encodings.txt would give it
    assert category_accuracy(labels, permutation[labels], class_of)[0] == 1.0
    assert category_accuracy(labels, permutation[labels], list(range(10)))[0] < 1.0


# ----- with TensorFlow -----

@pytest.fixture(scope="module")
def small():
    pytest.importorskip("keras")
    from latentlab.seeding import make_deterministic

    make_deterministic(0)
    from latentlab.models.biinfogan.model import BiInfoGAN, optimizers

    config = BiInfoGANConfig(image_shape=MNIST, width=0.125, seed=0)
    model = BiInfoGAN(config)
    model.compile(*optimizers({"learning_rate_d": 1e-3, "learning_rate_ge": 1e-3, "final_lr_fraction": 0.2,
                               "beta1": 0.5}, iterations=100))
    x = np.random.default_rng(0).random((32,) + MNIST).astype(np.float32)
    return model, x


def test_one_step_changes_generator_encoder_and_discriminator(small):
    model, x = small
    parts = {"G": model.generator, "E": model.encoder, "D": model.discriminator}
    before = {name: [w.copy() for w in part.get_weights()] for name, part in parts.items()}
    model.fit(x, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    for name, part in parts.items():
        kernels = [i for i, w in enumerate(part.weights) if "kernel" in w.path]
        changed = [not np.array_equal(before[name][i], part.get_weights()[i]) for i in kernels]
        assert all(changed), f"{name}: {sum(changed)} of {len(changed)} kernels changed"


def test_noise_is_active_in_training_only(small):
    from latentlab.models.biinfogan.model import BiInfoGAN, prior_latent

    model, x = small
    latent = prior_latent(model.config, len(x), np.random.default_rng(1))
    d = model.discriminator
    trained_twice = [d([x, latent], training=True).numpy() for _ in range(2)]
    assert not np.allclose(*trained_twice)  # fresh noise on every call
    np.testing.assert_array_equal(d([x, latent], training=False).numpy(), d([x, latent], training=False).numpy())
    noise_layers = [layer for layer in d.layers if "noise" in layer.name]
    assert len(noise_layers) == 7 and {round(layer.stddev, 1) for layer in noise_layers} == {0.3, 0.5}
    quiet = BiInfoGAN(BiInfoGANConfig(image_shape=MNIST, width=0.125, noise=False)).discriminator
    assert not any("noise" in layer.name for layer in quiet.layers)


def test_decode_snaps_categories_and_sample_follows_the_prior(small):
    from latentlab.models.biinfogan.model import snap_categories

    model, _ = small
    soft = np.full((2, model.config.latent_dim), 0.1, np.float32)
    soft[0, 16 + 3], soft[1, 16 + 7] = 0.4, 0.3
    snapped = snap_categories(model.config, soft)
    np.testing.assert_array_equal(snapped[:, 16:26].argmax(axis=1), [3, 7])
    assert snapped[:, 16:26].sum() == 2.0 and (snapped[:, :16] == 0.1).all() and (snapped[:, 26:] == 0.1).all()


def _d_only_loss(d_batch: str, steps: int) -> float:
    """D trained alone for `steps` Adam steps to tell sparse stroke images from a grey batch
    (G's state when it has not learned): its last loss."""
    import keras

    from latentlab.models.biinfogan.model import BiInfoGAN, prior_latent

    rng = np.random.default_rng(0)
    config = BiInfoGANConfig(image_shape=MNIST, width=0.125, seed=0, d_batch=d_batch)
    model = BiInfoGAN(config)
    optimizer = keras.optimizers.Adam(1e-3, beta_1=0.5)
    x = (rng.random((32,) + MNIST) < 0.15).astype(np.float32)  # ink on black, as digits
    grey = np.clip(0.45 + 0.03 * rng.standard_normal((32,) + MNIST), 0, 1).astype(np.float32)
    x, grey, latent = (keras.ops.convert_to_tensor(a) for a in (x, grey, prior_latent(config, 32, rng)))
    encoded = model.encode_latent(x)
    weights = model.discriminator.trainable_weights
    import tensorflow as tf

    for _ in range(steps):
        with tf.GradientTape() as tape:
            d_real, d_fake = model.discriminate(x, encoded, grey, latent, training=True)
            loss = keras.ops.mean(keras.ops.softplus(-d_real) + keras.ops.softplus(d_fake))
        optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
    return float(loss)


def test_one_joint_batch_lets_d_tell_digits_from_grey():
    """Batch norm in training mode standardises each call's batch: with real and fake pairs in
    separate calls D barely sees that the fakes are grey; in one batch it learns it at once."""
    pytest.importorskip("keras")
    joint, separate = _d_only_loss("joint", 40), _d_only_loss("separate", 40)
    assert joint < 0.3 < 1.0 < separate, (joint, separate)


def test_joint_batches_give_the_same_pairs_to_d_and_e(small):
    """d_batch / e_batch joint: D and E each run once on real and generated halves, and the step
    logs G's pixel statistics."""
    import keras

    from latentlab.models.biinfogan.model import BiInfoGAN, optimizers

    model, x = small
    config = BiInfoGANConfig(image_shape=MNIST, width=0.125, seed=0, d_batch="joint", e_batch="joint")
    joint = BiInfoGAN(config, generator=model.generator, encoder=model.encoder, discriminator=model.discriminator)
    calls = {"d": 0, "e": 0}
    for part, key in ((joint.discriminator, "d"), (joint.encoder, "e")):
        original = part.call

        def counted(*args, _original=original, _key=key, **kwargs):
            calls[_key] += 1
            return _original(*args, **kwargs)
        part.call = counted
    latent = joint.sample_latent(len(x))
    try:
        joint.losses_on(x, latent, training=False)
    finally:
        for part in (joint.discriminator, joint.encoder):
            del part.call
    assert calls == {"d": 1, "e": 1}
    x = keras.ops.convert_to_tensor(x)
    fake = model.generator(latent, training=False)
    encoded = model.encode_latent(x)
    d_real, d_fake = joint.discriminate(x, encoded, fake, latent, training=False)
    # in inference mode batch norm uses moving statistics: one batch or two give the same logits
    np.testing.assert_allclose(d_real, model.discriminator([x, encoded], training=False), atol=1e-5)
    np.testing.assert_allclose(d_fake, model.discriminator([fake, latent], training=False), atol=1e-5)
    joint.compile(*optimizers({"learning_rate_d": 1e-3, "learning_rate_ge": 1e-3, "final_lr_fraction": 0.2,
                               "beta1": 0.5}, iterations=100))
    logs = joint.fit(keras.ops.convert_to_numpy(x), batch_size=len(x), epochs=1, verbose=0, shuffle=False).history
    assert 0 < logs["g_mean"][0] < 1 and 0 < logs["g_std"][0] < 0.5


def test_information_weights_scale_their_terms_in_the_generator_loss(small):
    """info_weight_*: G + E's loss is adversarial + lambda_cat * CE + lambda_cont * NLL."""
    import keras

    from latentlab.models.biinfogan.model import BiInfoGAN

    model, x = small
    x = keras.ops.convert_to_tensor(x)
    latent = model.sample_latent(len(x))
    losses = {}
    for weights in ((1.0, 1.0), (3.0, 0.5)):
        config = BiInfoGANConfig(image_shape=MNIST, width=0.125, seed=0, info_weight_categorical=weights[0],
                                 info_weight_continuous=weights[1])
        weighted = BiInfoGAN(config, generator=model.generator, encoder=model.encoder,
                             discriminator=model.discriminator)
        _, ge_loss, parts = weighted.losses_on(x, latent, training=False)
        losses[weights] = float(ge_loss), {k: float(v) for k, v in parts.items()}
    for (lc, lk), (ge_loss, parts) in losses.items():
        expected = parts["adversarial"] + lc * parts["info_categorical"] + lk * parts["info_continuous"]
        assert ge_loss == pytest.approx(expected, rel=1e-5)
    assert losses[(1.0, 1.0)][1] == pytest.approx(losses[(3.0, 0.5)][1], rel=1e-6)  # the terms themselves agree
