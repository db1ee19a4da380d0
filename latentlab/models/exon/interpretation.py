"""EXoN's interpretation measures: V-nat (the activated subspace of each class), the KL term,
and the diversity of prior samples."""
from __future__ import annotations

import math

import numpy as np

from .config import EXoNConfig
from .prior import prior_parameters


def vnat(log_variance: np.ndarray, labels: np.ndarray, prior_variances: np.ndarray) -> np.ndarray:
    """V[k, j] = log mean over class-k images of (prior variance_j / posterior variance_j of
    component k): how much component k's posterior has narrowed along dimension j. Dimensions
    with V > 1 form class k's activated subspace."""
    classes = prior_variances.shape[0]
    out = np.zeros(prior_variances.shape)
    for k in range(classes):
        rows = log_variance[labels == k, k, :]
        if len(rows):
            out[k] = np.log(np.mean(prior_variances[k] / np.exp(rows), axis=0))
    return out


def mean_kl(mean: np.ndarray, log_variance: np.ndarray, probabilities: np.ndarray, config: EXoNConfig) -> float:
    """Per-image KL(q(y|x) || uniform) + sum_k q_k KL(q(z|x,k) || prior_k), averaged (nats)."""
    means, variances = prior_parameters(config)
    variance = np.exp(log_variance)
    kl_z = 0.5 * np.sum(np.log(variances) - log_variance + (variance + (mean - means) ** 2) / variances - 1.0, axis=2)
    kl_y = np.sum(probabilities * (np.log(probabilities + 1e-8) + math.log(config.n_classes)), axis=1)
    return float(np.mean(kl_y + np.sum(probabilities * kl_z, axis=1)))


def negative_ssim(samples_by_class: list[np.ndarray]) -> float:
    """Diversity of generated images: minus the mean SSIM between distinct pairs of samples of one
    class (images in [0, 1], at least 7 x 7); higher is more diverse."""
    import tensorflow as tf

    scores = []
    for images in samples_by_class:
        first, second = np.triu_indices(len(images), k=1)
        pairs = tf.image.ssim(tf.constant(images[first], tf.float32), tf.constant(images[second], tf.float32), max_val=1.0)
        scores.append(float(np.mean(pairs.numpy())))
    return -float(np.mean(scores))
