"""What train_biinfogan runs: the input pipeline, fit() over a fixed number of iterations, and
the metrics of a trained model."""
from __future__ import annotations

import keras
import numpy as np

from ...metrics.accuracy import hungarian_mapping
from .factors import code_correlations
from .model import BiInfoGAN, prior_latent


def repeated_batches(x: np.ndarray, batch_size: int, seed: int):
    """Endless full batches, reshuffled every pass from `seed` (iterations, not epochs, count)."""
    import tensorflow as tf

    return (tf.data.Dataset.from_tensor_slices(x)
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .repeat()
            .batch(batch_size, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE))


class CategoryAccuracy(keras.callbacks.Callback):
    """Adds `test_accuracy` (Hungarian-matched c1 on the test split) to each epoch's logs:
    a monitor only, never used to pick a model."""

    def __init__(self, model: BiInfoGAN, x: np.ndarray, labels: np.ndarray):
        super().__init__()
        self.gan, self.x, self.labels = model, x, labels

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["test_accuracy"] = category_accuracy(self.labels, self.gan.categories(self.x))[0]


class SampleStatistics(keras.callbacks.Callback):
    """Adds `sample_mean` and `sample_std` (pixels of 500 fixed prior samples from G in inference
    mode, batch norm's moving statistics) to each epoch's logs. Beside the training batch's
    g_mean / g_std they show a G that stays grey (std far below the data's, about 0.31 for MNIST)
    and moving statistics that lag behind the training ones."""

    def __init__(self, model: BiInfoGAN, n: int = 500, seed: int = 0):
        super().__init__()
        self.gan = model
        self.latent = prior_latent(model.config, n, np.random.default_rng(seed))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            samples = self.gan.decode(self.latent)
            logs["sample_mean"], logs["sample_std"] = float(samples.mean()), float(samples.std())


def category_accuracy(labels: np.ndarray, categories: np.ndarray, class_of: list[int] | None = None):
    """(accuracy, {category: class}) under `class_of` (an encodings.txt), or else under the
    Hungarian matching of categories to classes."""
    if class_of is None:
        mapping = hungarian_mapping(labels, categories)
    else:
        mapping = dict(enumerate(class_of))
    predicted = np.array([mapping.get(int(k), -1) for k in categories])
    return float(np.mean(predicted == labels)), mapping


def evaluate(model: BiInfoGAN, test: dict, class_of: list[int] | None) -> tuple[dict, dict[int, int]]:
    """The metrics of reports/metrics/train/biinfogan.json and the category -> class map."""
    config = model.config
    codes = model.encode(test["x"])
    layout = config.layout()
    metrics = {}
    mapping: dict[int, int] = {}
    if "y" in test and np.all(test["y"] >= 0):
        categories = codes[:, layout["c1"]].argmax(axis=1)
        metrics["test_accuracy"], mapping = category_accuracy(test["y"], categories, class_of)
        metrics["mapping"] = {str(k): v for k, v in sorted(mapping.items())}
        metrics["mapping_source"] = "encodings" if class_of is not None else "hungarian"
    reconstructed = model.decode(codes)  # E's raw outputs into G, as the original's figure
    metrics["reconstruction_l1"] = float(np.mean(np.abs(reconstructed - test["x"])))
    if config.n_continuous:
        categories = codes[:, layout["c1"]].argmax(axis=1)
        metrics["continuous_correlation"] = code_correlations(codes[:, layout["continuous"]], test["x"],
                                                              config.continuous_names(), categories)
    return metrics, mapping
