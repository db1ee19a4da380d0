"""Inception FID's feature path, with a weights file the test writes (real weights are never fetched)."""
import numpy as np
import pytest

keras = pytest.importorskip("keras")

from latentlab.models.inception import INCEPTION_SIZE, inception_features  # noqa: E402


def test_inception_features_from_a_local_weights_file(tmp_path):
    network = keras.applications.InceptionV3(
        include_top=False, weights=None, pooling="avg", input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3)
    )
    weights = tmp_path / "inception_v3_notop.weights.h5"
    network.save_weights(weights)
    grey = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    features = inception_features(weights, grey, batch_size=2)
    assert features.shape == (3, 2048) and np.isfinite(features).all()
    assert not np.allclose(features[0], features[1])
