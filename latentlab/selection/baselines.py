"""What Vote-MI must beat: the same budget drawn at random, or taken as k-medoids of the codes."""
from __future__ import annotations

import numpy as np


def random_selection(n: int, budget: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).choice(n, size=budget, replace=False))


def kmedoids_selection(z: np.ndarray, budget: int, seed: int, iterations: int = 20) -> np.ndarray:
    """k-medoids by alternating assignment and medoid update (Voronoi iteration), started from
    the points nearest the k-means centres. Returns the medoids' indices."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances

    centres = KMeans(n_clusters=budget, n_init=4, random_state=seed).fit(z).cluster_centers_
    medoids = np.unique(np.argmin(pairwise_distances(centres, z), axis=1))
    for _ in range(iterations):
        assignment = np.argmin(pairwise_distances(z, z[medoids]), axis=1)
        updated = medoids.copy()
        for k in range(len(medoids)):
            members = np.flatnonzero(assignment == k)
            if len(members):
                inner = pairwise_distances(z[members], z[members]).sum(axis=1)
                updated[k] = members[np.argmin(inner)]
        if np.array_equal(np.sort(updated), np.sort(medoids)):
            break
        medoids = np.unique(updated)
    return np.sort(medoids)


def selection_accuracy(train_images, train_labels, picks, test_images, test_labels, seed: int = 0) -> float:
    """Test accuracy of a logistic regression on the pixels of the picked, labelled images."""
    from sklearn.linear_model import LogisticRegression

    x = train_images[picks].reshape(len(picks), -1)
    classes = np.unique(train_labels[picks])
    if len(classes) == 1:  # a one-class selection can only ever predict that class
        return float(np.mean(test_labels == classes[0]))
    classifier = LogisticRegression(max_iter=2000, random_state=seed).fit(x, train_labels[picks])
    return float(classifier.score(test_images.reshape(len(test_images), -1), test_labels))
