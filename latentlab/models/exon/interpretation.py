"""EXoN's interpretation measures: V-nat (the activated subspace of each class), the KL term,
and the diversity of prior samples."""
from __future__ import annotations

import math

import numpy as np

from .config import EXoNConfig
from .prior import prior_parameters, sample_prior


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


def nearest_component(z: np.ndarray, means: np.ndarray, variances: np.ndarray) -> np.ndarray:
    """For each code, the prior component with the highest density there (the nearest mean when
    the components share one isotropic variance, as on MNIST)."""
    diff = z[:, None, :] - means[None]
    return np.argmax(-0.5 * np.sum(diff**2 / variances + np.log(variances), axis=2), axis=1)


def code_in_component(z: np.ndarray, labels: np.ndarray, means: np.ndarray, variances: np.ndarray) -> float:
    """The fraction of codes lying in their label's prior component (EXoN's layout claim)."""
    return float(np.mean(nearest_component(z, means, variances) == labels))


def conditional_accuracy(judged: np.ndarray, components: np.ndarray) -> float:
    """The fraction of images decoded from prior component k that a classifier names k."""
    return float(np.mean(judged == components))


def conditional_accuracy_ceiling(config: EXoNConfig, n: int = 100_000, seed: int = 0, chunk: int = 10_000) -> float:
    """The most conditional_accuracy can be: the share of prior samples whose own component is
    also the most likely one there, since the components overlap (a perfect decoder and judge
    still name the nearer component). MNIST's circle, neighbours 8 apart with std 2: about 0.954."""
    z, components = sample_prior(config, n, seed)
    means, variances = prior_parameters(config)
    hits = sum(int(np.sum(nearest_component(z[i:i + chunk], means, variances) == components[i:i + chunk]))
               for i in range(0, n, chunk))
    return hits / n


def latent_grid(limit: float, points: int, latent_dim: int) -> np.ndarray:
    """points x points codes over [-limit, limit]^2 in the first two dims (rows from the top:
    z2 falling; columns: z1 rising), zeros elsewhere: the original's decoded grid."""
    axis = np.linspace(-limit, limit, points)
    z1, z2 = np.meshgrid(axis, axis[::-1])
    grid = np.zeros((points * points, latent_dim), np.float32)
    grid[:, 0], grid[:, 1] = z1.ravel(), z2.ravel()
    return grid


def grid_negative_ssim(images: np.ndarray, chunk: int = 64) -> float:
    """The original's diversity score: (1 - mean SSIM over all ordered pairs of the images,
    self-pairs included) / 2, on the decoder's raw outputs with max_val 1 (filter 11, sigma 1.5).
    It uses a 31 x 31 grid over [-15, 15]^2 (latent_grid(15, 31, ...))."""
    import tensorflow as tf

    images = tf.constant(images, tf.float32)
    n, total = len(images), 0.0
    for start in range(0, n, chunk):
        block = images[start:start + chunk]
        first = tf.repeat(block, n, axis=0)
        second = tf.tile(images, [len(block), 1, 1, 1])
        total += float(tf.reduce_sum(tf.image.ssim(first, second, max_val=1.0, filter_size=11, filter_sigma=1.5,
                                                   k1=0.01, k2=0.03)))
    return (1.0 - total / (n * n)) / 2.0
