"""The VAE family: one real training step on tiny fixed data per mode (one TF process)."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from latentlab.models.vae.config import VAEConfig  # noqa: E402
from latentlab.models.vae.model import VAE  # noqa: E402
from latentlab.seeding import make_deterministic  # noqa: E402

SHAPE = (8, 8, 1)


@pytest.fixture(scope="module")
def images():
    make_deterministic(0)
    rng = np.random.default_rng(0)
    return (rng.random((64,) + SHAPE) > 0.5).astype(np.float32)


def _model(**overrides):
    config = VAEConfig(image_shape=SHAPE, dim_z=2, n_hidden=32, dropout=0.0, **overrides)
    model = VAE(config)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    return model


def _weights(part):
    return [w.copy() for w in part.get_weights()]


@pytest.mark.parametrize("mode", ["vae", "ae", "no_encoder"])
def test_training_changes_weights_and_lowers_loss(images, mode):
    model = _model(mode=mode)
    before = model.evaluate(images, batch_size=64, verbose=0, return_dict=True)["loss"]
    decoder_before, encoder_before = _weights(model.decoder), _weights(model.encoder)
    model.fit(images, epochs=15, batch_size=64, verbose=0, shuffle=False)
    after = model.evaluate(images, batch_size=64, verbose=0, return_dict=True)["loss"]
    assert after < before
    assert any(not np.allclose(a, b) for a, b in zip(decoder_before, _weights(model.decoder)))
    encoder_moved = any(not np.allclose(a, b) for a, b in zip(encoder_before, _weights(model.encoder)))
    assert encoder_moved == (mode != "no_encoder")  # no_encoder: z ignores x, the encoder gets no gradient


def test_ae_mode_has_no_kl_and_beta_weights_kl(images):
    loss, reconstruction, kl = _model(mode="ae").loss_terms(images, images)
    assert float(kl) == 0.0 and np.isclose(float(loss), float(reconstruction))
    model = _model(mode="vae", beta=3.0)
    loss, reconstruction, kl = model.loss_terms(images, images)
    assert float(kl) > 0
    np.testing.assert_allclose(float(loss), float(reconstruction) + 3.0 * float(kl), rtol=1e-5)


@pytest.mark.parametrize("noise", ["salt_pepper", "gaussian"])
def test_denoising_corrupts_input_within_range(images, noise):
    model = _model(noise=noise, noise_factor=0.7)
    noisy = keras.ops.convert_to_numpy(model.corrupt(keras.ops.convert_to_tensor(images)))
    assert noisy.shape == images.shape and noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert np.mean(noisy != images) > 0.2
    assert _model(noise="none").corrupt(images) is images


def test_elbo_is_reconstruction_plus_kl_and_save_load_round_trips(images, tmp_path):
    model = _model(mode="vae")
    model.fit(images, epochs=2, batch_size=32, verbose=0)
    metrics = model.evaluate_elbo(images, n_samples=3, seed=0)
    np.testing.assert_allclose(metrics["test_elbo_nats"], -(metrics["test_bce_nats"] + metrics["test_kl_nats"]))
    assert metrics == model.evaluate_elbo(images, n_samples=3, seed=0)  # seeded
    model.save_to(tmp_path / "vae")
    loaded = VAE.load_from(tmp_path / "vae")
    assert loaded.config == model.config
    np.testing.assert_allclose(loaded.encode(images), model.encode(images), rtol=1e-6)
    np.testing.assert_allclose(loaded.decode(np.zeros((2, 2), np.float32)), model.decode(np.zeros((2, 2), np.float32)), rtol=1e-6)


def test_no_encoder_elbo_uses_the_prior(images):
    metrics = _model(mode="no_encoder").evaluate_elbo(images, n_samples=2, seed=0)
    assert metrics["test_kl_nats"] == 0.0
    assert "test_elbo_nats" not in _model(mode="ae").evaluate_elbo(images, n_samples=2, seed=0)
