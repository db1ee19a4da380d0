"""A trained EXoN folder as the downstream contract: the tanh decoder's [-1, 1] images are
brought back to [0, 1] here, and class ids are its classifier's predictions of the labels."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..common.contract import Example, LatentModel
from ..common.pixels import to_symmetric_range, to_unit_range
from .model import EXoN


def load(folder: str | Path) -> LatentModel:
    return as_latent_model(EXoN.load_from(folder))


def as_latent_model(exon: EXoN) -> LatentModel:
    """A trained EXoN (in memory) as the contract."""
    def decode(z: np.ndarray) -> np.ndarray:
        return to_unit_range(exon.decode(z))

    def sample(n: int, seed: int) -> np.ndarray:
        return decode(exon.sample_prior(n, seed)[0])  # 1/K from each prior component

    return LatentModel(
        encode=lambda x: exon.encode(to_symmetric_range(x)),
        decode=decode,
        sample=sample,
        classify=lambda x: exon.predict_classes(to_symmetric_range(x)),
        class_ids="labels",
    )


def example(x: np.ndarray, y: np.ndarray, seed: int) -> Example:
    """A small EXoN on images `x` in [0, 1] with every label known: the contract test's subject.
    Its loss is the deterministic part of the objective: the reconstruction through the
    predicted class's posterior mean plus the labels' cross-entropy, per image."""
    import keras

    from .config import EXoNConfig
    from .training import exon_batches

    config = EXoNConfig(image_shape=tuple(x.shape[1:]), n_classes=int(y.max()) + 1, lambda1=10.0, seed=seed)
    model = EXoN(config)
    model.compile(vae_optimizer=keras.optimizers.Adam(3e-3), classifier_optimizer=keras.optimizers.Adam(3e-3))
    model.build_all()
    x_symmetric = to_symmetric_range(x)
    labeled = np.arange(len(x))
    batches = exon_batches(x_symmetric, x_symmetric, y, len(x), len(x) // 2, seed)

    def train(steps: int) -> None:
        model.fit(batches.take(steps), epochs=1, verbose=0, shuffle=False)  # the dataset shuffles

    def loss() -> float:
        mean, _ = model.encoder.predict(x_symmetric, verbose=0)
        probabilities = model.classifier.predict(x_symmetric, verbose=0)
        z = mean[labeled, probabilities.argmax(axis=1)]
        reconstruction = 0.5 * np.sum((x_symmetric - model.decode(z)) ** 2) / len(x)
        cross_entropy = -np.mean(np.log(probabilities[labeled, y] + 1e-8))
        return float(reconstruction + cross_entropy)

    return Example(model=model, train=train, loss=loss, save=model.save_to)
