"""IIN and D-IIN (seed 003): the flow's invertibility and log-determinant, ActNorm's
initialisation, the D-IIN factor loss on a toy problem, the autoencoder's GAN step, and the
swap measures on images built for them. One TensorFlow process for the module."""
import numpy as np
import pytest

pytest.importorskip("keras")


@pytest.fixture(scope="module", autouse=True)
def deterministic():
    from latentlab.seeding import make_deterministic

    make_deterministic(0)


def _flow(dim=4, n_blocks=2, hidden=16, depth=1, init="original", sizes=(), seed=0):
    from latentlab.models.iin.config import FlowConfig
    from latentlab.models.iin.model import FactorNetwork, InterpretationNetwork

    config = FlowConfig(dim=dim, n_blocks=n_blocks, hidden_dim=hidden, hidden_depth=depth, init=init,
                        factor_sizes=sizes, seed=seed)
    return FactorNetwork(config) if sizes else InterpretationNetwork(config)


def test_the_inverse_undoes_the_flow_to_float32_precision():
    from latentlab.models.iin.networks import data_initialise

    flow = _flow(dim=8, n_blocks=4, hidden=32, depth=2)
    z = (np.random.default_rng(0).standard_normal((256, 8)) * 3 + 1).astype(np.float32)
    data_initialise(flow.network, z)
    e = flow.transform(z)
    assert not np.allclose(e, z)  # a real transformation
    np.testing.assert_allclose(flow.invert(e), z, rtol=1e-5, atol=1e-5)


def test_the_log_determinant_is_that_of_the_jacobian():
    import tensorflow as tf

    from latentlab.models.iin.networks import data_initialise

    flow = _flow(dim=4, n_blocks=3, hidden=16, depth=1)
    z = np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32)
    data_initialise(flow.network, np.random.default_rng(2).standard_normal((64, 4)).astype(np.float32) * 2)
    z_tensor = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z_tensor)
        e, log_det = flow.flow.forward(z_tensor)
    jacobian = tape.batch_jacobian(e, z_tensor).numpy().astype(np.float64)
    expected = np.linalg.slogdet(jacobian)[1]
    np.testing.assert_allclose(log_det.numpy(), expected, rtol=1e-4, atol=1e-4)
    assert np.abs(expected).max() > 0.1  # the test means something: the flow is not volume-preserving


def test_an_untrained_identity_flow_gives_the_gaussian_negative_log_likelihood():
    flow = _flow(dim=6, init="identity")
    z = np.random.default_rng(3).standard_normal((2000, 6)).astype(np.float32)
    exact = np.mean(0.5 * (z.astype(np.float64) ** 2).sum(axis=1) + 3 * np.log(2 * np.pi)) / 6
    assert flow.nll_per_dim(z) == pytest.approx(exact, rel=1e-5)
    assert flow.nll_per_dim(z) == pytest.approx(0.5 * np.log(2 * np.pi * np.e), abs=0.02)


def test_actnorm_after_its_initialisation_standardises_its_batch():
    import keras

    from latentlab.models.iin.networks import ActNorm, data_initialise

    x = (np.random.default_rng(4).standard_normal((50, 5, 5, 3)) * [1.0, 4.0, 0.2] + [3.0, -1.0, 7.0]).astype(np.float32)
    inputs = keras.Input((5, 5, 3))
    model = keras.Model(inputs, ActNorm()(inputs))
    data_initialise(model, x)
    y = keras.ops.convert_to_numpy(model(x)).reshape(-1, 3)
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0, ddof=1), 1.0, atol=1e-4)
    y_again = keras.ops.convert_to_numpy(model(x + 1.0)).reshape(-1, 3)  # fixed after the first batch
    assert not np.allclose(y_again.mean(axis=0), 0.0, atol=1e-2)


def test_the_factor_loss_separates_pairs_that_share_a_factor_after_training():
    """Toy D-IIN: z mixes two 2-d factors u, v by a fixed rotation; a pair shares u (factor 0) or
    v (factor 1). After training, the loss of true pairs is lower than of shuffled ones, and the
    gap has grown from the untrained flow's."""
    from keras import ops

    from latentlab.models.iin.model import adam, factor_loss
    from latentlab.models.iin.networks import data_initialise

    rng = np.random.default_rng(5)
    rotation = np.linalg.qr(rng.standard_normal((4, 4)))[0].astype(np.float32)

    def pairs(n):
        u1, v1, u2, v2 = (rng.standard_normal((n, 2)).astype(np.float32) for _ in range(4))
        factor = rng.integers(0, 2, n).astype(np.int32)
        u2 = np.where(factor[:, None] == 0, u1, u2)
        v2 = np.where(factor[:, None] == 1, v1, v2)
        return np.hstack([u1, v1]) @ rotation, np.hstack([u2, v2]) @ rotation, factor

    flow = _flow(dim=4, n_blocks=2, hidden=32, depth=1, sizes=(2, 2))
    z1, z2, factor = pairs(512)
    tiny = np.full_like(z1, -20.0)  # log-variance: z is the mean itself

    def gap():
        def loss(second):
            e1, d1 = flow.flow.forward(ops.convert_to_tensor(z1))
            e2, d2 = flow.flow.forward(ops.convert_to_tensor(second))
            return float(factor_loss(e1, d1, e2, d2, ops.convert_to_tensor(factor), (2, 2), 0.975)[0])
        return loss(z2[rng.permutation(len(z2))]) - loss(z2)

    data_initialise(flow.network, z1)
    before = gap()
    flow.compile(adam({"base_learning_rate": 1e-4, "batch_size": 64, "beta1": 0.5, "beta2": 0.9, "decay_start": None}, 3000))
    for _ in range(6):
        a, b, f = pairs(4096)
        flow.fit((a, tiny[:1].repeat(len(a), 0), b, tiny[:1].repeat(len(a), 0), f), batch_size=64, epochs=1,
                 verbose=0, shuffle=False)
    after = gap()
    assert after > 0 and after > before + 1.0, (before, after)


def test_an_autoencoder_step_with_the_patchgan_updates_both_players():
    from latentlab.models.iin.config import AutoencoderConfig
    from latentlab.models.iin.model import Autoencoder, adam

    x = np.random.default_rng(6).random((8, 32, 32, 1)).astype(np.float32)
    config = AutoencoderConfig(image_shape=(28, 28, 1), z_dim=8, width=0.0625, disc_filters=4, discriminator=True)
    model = Autoencoder(config, disc_start=0)
    settings = {"base_learning_rate": 1e-3 / 8, "batch_size": 8, "beta1": 0.5, "beta2": 0.9, "decay_start": None}
    model.compile(adam(settings, 10), adam(settings, 10))
    model.initialise(x)
    before = [w.numpy().copy() for w in (model.decoder.trainable_weights[-1], model.discriminator.trainable_weights[0])]
    logs = model.fit(x, batch_size=8, epochs=1, verbose=0).history
    after = [w.numpy() for w in (model.decoder.trainable_weights[-1], model.discriminator.trainable_weights[0])]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))
    assert 0.0 <= logs["d_weight"][0] <= 1e4 and np.isfinite(logs["g_loss"][0])


def test_autoencoder_steps_without_the_patchgan_lower_its_loss_on_fixed_data():
    """The plain path (one non-persistent tape): every step updates the weights and, on one fixed
    batch, the loss falls."""
    from latentlab.models.iin.config import AutoencoderConfig
    from latentlab.models.iin.model import Autoencoder, adam

    x = np.random.default_rng(7).random((8, 32, 32, 1)).astype(np.float32)
    model = Autoencoder(AutoencoderConfig(image_shape=(28, 28, 1), z_dim=8, width=0.0625))
    assert model.discriminator is None
    settings = {"base_learning_rate": 1e-3 / 8, "batch_size": 8, "beta1": 0.5, "beta2": 0.9, "decay_start": None}
    model.compile(adam(settings, 100))
    model.initialise(x)
    before = model.decoder.trainable_weights[-1].numpy().copy()
    losses = model.fit(x, batch_size=8, epochs=30, verbose=0).history["loss"]
    assert not np.array_equal(before, model.decoder.trainable_weights[-1].numpy())
    assert losses[-1] < losses[0]


def test_the_grey_version_and_the_background_colour_of_a_coloured_digit():
    from latentlab.models.iin.diin import background_colour, grey_version, recipient_background

    digit = np.zeros((1, 28, 28), np.float32)
    digit[0, 8:20, 12:16] = 1.0
    colour = np.array([[0.9, 0.2, 0.5]], np.float32)
    symmetric = (digit[..., None] * 2 - 1) * colour[:, None, None, :]
    unit = (symmetric + 1) / 2
    np.testing.assert_allclose(grey_version(unit)[..., 0], digit, atol=1e-5)
    background = recipient_background(symmetric, colour)
    assert background.sum() == 28 * 28 - 48
    np.testing.assert_allclose(background_colour(unit, background), colour, atol=1e-6)


def test_the_factor_probes_find_the_digit_and_the_colour_where_they_are_and_the_leak_where_it_is():
    from latentlab.models.iin.diin import factor_probes

    rng = np.random.default_rng(0)
    labels, colours = rng.integers(0, 10, 600), rng.uniform(0, 1, (600, 3))
    digit = 3.0 * np.eye(10)[labels] + 0.3 * rng.normal(size=(600, 10))
    colour = 3.0 * colours + 0.05 * rng.normal(size=(600, 3))
    residual = rng.normal(size=(600, 5))
    names = ("digit", "colour", "residual")
    clean = factor_probes(names, (digit, colour, residual), labels, colours, seed=0)
    assert clean["factor_probe_accuracy"]["digit"] > 0.95 and clean["factor_probe_colour_r2"]["colour"] > 0.95
    assert clean["digit_in_other_factors"] < 0.2 and clean["colour_in_other_factors"] < 0.05
    # the digit leaked into the residual, the colour into the digit factor
    leaky = factor_probes(names, (np.hstack([digit, colour]), colour, np.hstack([residual, digit])), labels, colours, 0)
    assert leaky["digit_in_other_factors"] > 0.95 and leaky["colour_in_other_factors"] > 0.9


def test_the_diin_stages_write_a_note_on_a_dataset_without_colorful_mnist(tmp_path):
    """On colour data D-IIN cannot run: each stage writes its outputs as a note and empty metrics,
    so that `dvc repro` goes on with every other stage."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from latentlab.models.iin.not_applicable import MARKER, colorful_unavailable, write_not_applicable

    root = Path(__file__).resolve().parents[1]
    assert colorful_unavailable((10, 32, 32, 3), np.zeros(10)) and colorful_unavailable((10, 28, 28, 1), -np.ones(10))
    assert colorful_unavailable((10, 28, 28, 1), np.zeros(10)) is None
    write_not_applicable("no ColorfulMNIST here", folders=(tmp_path / "diin_ae",))
    for script, args in (
        ("train_diin.py", ["--data", tmp_path, "--autoencoder", tmp_path / "diin_ae", "--model", tmp_path / "diin",
                           "--timing", tmp_path / "timing.json", "--live", tmp_path / "live"]),
        ("evaluate_diin.py", ["--model", tmp_path / "diin", "--classifier", tmp_path, "--data", tmp_path,
                              "--metrics", tmp_path / "diin.json", "--figures", tmp_path / "figures"]),
    ):
        result = subprocess.run([sys.executable, str(root / "stages" / script), "--params", str(root / "params.yaml"),
                                 *map(str, args)], capture_output=True, text=True, cwd=root)
        assert result.returncode == 0, result.stderr
        assert "no ColorfulMNIST here" in result.stdout
    assert (tmp_path / "diin" / MARKER).is_file() and (tmp_path / "figures" / MARKER).is_file()
    assert json.loads((tmp_path / "live" / "metrics.json").read_text()) == {}  # curves folder, no curves
    assert json.loads((tmp_path / "diin.json").read_text()) == {} == json.loads((tmp_path / "timing.json").read_text())
