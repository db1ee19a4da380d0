import numpy as np
import pytest

from latentlab.metrics.accuracy import (
    hungarian_accuracy,
    hungarian_mapping,
    kmeans_cluster_accuracy,
    knn_accuracy,
    linear_probe_accuracy,
)


def _blobs(n_per_class=60, n_classes=5, spread=0.1, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(n_classes, 3))
    labels = np.repeat(np.arange(n_classes), n_per_class)
    return centres[labels] + spread * rng.normal(size=(len(labels), 3)), labels


def test_hungarian_accuracy_of_a_permuted_labelling_is_one():
    labels = np.repeat(np.arange(10), 7)
    permutation = np.random.default_rng(0).permutation(10)
    assert hungarian_accuracy(labels, permutation[labels]) == 1.0
    assert hungarian_mapping(labels, permutation[labels]) == {int(permutation[k]): k for k in range(10)}


def test_hungarian_accuracy_of_unrelated_assignments_is_near_chance():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 5000)
    assert hungarian_accuracy(labels, rng.integers(0, 10, 5000)) < 0.15


def test_hungarian_counts_extra_clusters_as_wrong():
    labels = np.array([0, 0, 1, 1])
    assert hungarian_accuracy(labels, np.array([0, 1, 2, 3])) == 0.5


def test_probes_on_separable_data_are_near_one_and_on_noise_near_chance():
    z, y = _blobs()
    test_z, test_y = _blobs(seed=0)
    assert linear_probe_accuracy(z[::6], y[::6], test_z, test_y) > 0.98
    assert knn_accuracy(z, y, test_z, test_y) > 0.98
    assert kmeans_cluster_accuracy(z, y) == pytest.approx(1.0)
    rng = np.random.default_rng(5)
    noise = rng.normal(size=z.shape)
    assert linear_probe_accuracy(noise, y, rng.normal(size=z.shape), y) < 0.4


def test_class_output_is_scored_as_labels_or_as_matched_clusters():
    from latentlab.metrics.accuracy import class_output_accuracy

    labels = np.repeat(np.arange(4), 25)
    permuted = (labels + 1) % 4  # every id right, under another name: a GAN's categorical code
    assert class_output_accuracy(labels, labels, "labels") == {"classifier_accuracy": 1.0}
    assert class_output_accuracy(permuted, labels, "labels")["classifier_accuracy"] == 0.0
    clusters = class_output_accuracy(permuted, labels, "clusters")
    assert clusters["classifier_accuracy"] == 1.0
    assert clusters["class_mapping"] == {"0": 3, "1": 0, "2": 1, "3": 2}
    with pytest.raises(ValueError):
        class_output_accuracy(labels, labels, "probabilities")


def test_knn_refuses_k_larger_than_the_training_codes():
    from latentlab.metrics.accuracy import knn_accuracy

    z = np.zeros((5, 2))
    with pytest.raises(ValueError, match="k = 6 is more than the 5 training codes"):
        knn_accuracy(z, np.arange(5), z, np.arange(5), k=6)
