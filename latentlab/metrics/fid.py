"""Frechet distance between two sets of feature vectors (FID when the features are Inception's).

The matrix square root goes through eigen-decompositions of symmetric matrices in float64, which
stays real and stable where scipy.linalg.sqrtm of the non-symmetric product can return complex
noise or fail on near-singular covariances.
"""
from __future__ import annotations

import numpy as np


class TooFewSamples(ValueError):
    """Fewer samples than feature dimensions: the covariance is singular and FID meaningless."""


def _symmetric_sqrt(matrix: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def trace_sqrt_product(cov_a: np.ndarray, cov_b: np.ndarray) -> float:
    """tr((A B)^(1/2)) = tr((A^(1/2) B A^(1/2))^(1/2)), both factors symmetric PSD."""
    root_a = _symmetric_sqrt(cov_a)
    inner = root_a @ cov_b @ root_a
    return float(np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2.0), 0.0, None))))


def gaussian_statistics(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    features = np.asarray(features, dtype=np.float64)
    n, dim = features.shape
    if n <= dim:
        raise TooFewSamples(f"{n} samples for {dim}-dimensional features: need more samples than dimensions")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def reference_images(test: np.ndarray, train: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The real images every model's samples are scored against: n test images (and n training
    images for the real-data floor), drawn once per seed, in order."""
    rng = np.random.default_rng(seed)
    return (test[np.sort(rng.choice(len(test), n, replace=False))],
            train[np.sort(rng.choice(len(train), n, replace=False))])


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)); 0 for identical sets."""
    if len(features_a) != len(features_b):
        raise ValueError(f"compare equal sample counts ({len(features_a)} vs {len(features_b)}): FID is biased by n")
    mu_a, cov_a = gaussian_statistics(features_a)
    mu_b, cov_b = gaussian_statistics(features_b)
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt_product(cov_a, cov_b)
    return float(max(distance, 0.0))


def prdc_scores(real_features: np.ndarray, fake_features: np.ndarray, nearest_k: int) -> dict[str, float]:
    """Precision, recall, density and coverage of `fake_features` against `real_features`
    (Naeem et al. 2020, k-nearest-neighbour balls), computed by the `prdc` package."""
    from prdc import compute_prdc

    if min(len(real_features), len(fake_features)) <= nearest_k:
        raise TooFewSamples(f"{min(len(real_features), len(fake_features))} samples for {nearest_k} nearest neighbours")
    scores = compute_prdc(real_features=np.asarray(real_features, np.float64),
                          fake_features=np.asarray(fake_features, np.float64), nearest_k=nearest_k)
    return {name: round(float(scores[name]), 4) for name in ("precision", "recall", "density", "coverage")}
