"""Class accuracy of latent codes: linear and kNN probes, and Hungarian-matched clustering."""
from __future__ import annotations

import numpy as np


def hungarian_mapping(labels: np.ndarray, assignments: np.ndarray) -> dict[int, int]:
    """The one-to-one map from assignment ids to labels that gets the most examples right."""
    from scipy.optimize import linear_sum_assignment

    label_ids, label_index = np.unique(labels, return_inverse=True)
    cluster_ids, cluster_index = np.unique(assignments, return_inverse=True)
    counts = np.zeros((len(cluster_ids), len(label_ids)), dtype=np.int64)
    np.add.at(counts, (cluster_index, label_index), 1)
    rows, cols = linear_sum_assignment(-counts)
    return {int(cluster_ids[r]): int(label_ids[c]) for r, c in zip(rows, cols)}


def hungarian_accuracy(labels: np.ndarray, assignments: np.ndarray) -> float:
    """Accuracy under hungarian_mapping; ids left unmatched (more ids than labels) count wrong."""
    mapping = hungarian_mapping(labels, assignments)
    predicted = np.array([mapping.get(int(a), -1) for a in assignments])
    return float(np.mean(predicted == labels))


def linear_probe_accuracy(train_z, train_y, test_z, test_y, seed: int = 0) -> float:
    """Logistic regression on standardised codes, fitted on (train_z, train_y), scored on test."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))
    probe.fit(train_z, train_y)
    return float(probe.score(test_z, test_y))


def knn_accuracy(train_z, train_y, test_z, test_y, k: int = 5) -> float:
    from sklearn.neighbors import KNeighborsClassifier

    if k > len(train_y):  # never clamp silently: k = n votes the majority class for every point
        raise ValueError(f"knn: k = {k} is more than the {len(train_y)} training codes")
    return float(KNeighborsClassifier(n_neighbors=k).fit(train_z, train_y).score(test_z, test_y))


def class_output_accuracy(predicted: np.ndarray, labels: np.ndarray, class_ids: str) -> dict:
    """A model's own class output scored against `labels`: `classifier_accuracy` directly when its
    ids are labels; when they are clusters (ids in an order of the model's choosing), after the
    Hungarian matching of ids to labels, with the `class_mapping` used (id -> label)."""
    if class_ids == "labels":
        return {"classifier_accuracy": float(np.mean(predicted == labels))}
    if class_ids == "clusters":
        mapping = hungarian_mapping(labels, predicted)
        return {"classifier_accuracy": hungarian_accuracy(labels, predicted),
                "class_mapping": {str(k): v for k, v in sorted(mapping.items())}}
    raise ValueError(f"class_ids must be 'labels' or 'clusters', not {class_ids!r}")


def kmeans_cluster_accuracy(z: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """k-means with k = number of classes on `z`, Hungarian-matched to `labels`."""
    from sklearn.cluster import KMeans

    k = len(np.unique(labels))
    clusters = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(z)
    return hungarian_accuracy(labels, clusters)
