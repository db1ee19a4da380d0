"""EXoN's class-mixture prior: one Gaussian component per class (SPEC section 2)."""
from __future__ import annotations

import math

import numpy as np

from .config import EXoNConfig

LOG_2PI = math.log(2.0 * math.pi)


def prior_parameters(config: EXoNConfig) -> tuple[np.ndarray, np.ndarray]:
    """Component means and per-dimension variances, each (n_classes, latent_dim)."""
    k, d = config.n_classes, config.latent_dim
    layout = config.prior_layout or ("circle" if config.architecture == "mnist" else "one_hot")
    if layout == "x_axis":  # pre_design: -radius, +radius, ... evenly along the first axis
        means = np.zeros((k, d))
        means[:, 0] = np.linspace(-config.radius, config.radius, k)
        return means, np.full((k, d), config.sigma)
    if layout == "circle":
        # Means on a circle of radius 2 sqrt(sigma) / sin(pi / K), at angles (2k + 1) pi / K.
        radius = 2.0 * math.sqrt(config.sigma) / math.sin(math.pi / k)
        angles = (2.0 * np.arange(k) + 1.0) * math.pi / k
        means = np.zeros((k, d))
        means[:, 0], means[:, 1] = radius * np.cos(angles), radius * np.sin(angles)
        return means, np.full((k, d), config.sigma)
    means = np.zeros((k, d))
    means[np.arange(k), np.arange(k)] = config.dist
    variances = np.full((k, d), config.sigma2)
    variances[:, :k] = config.sigma1
    return means, variances


def prior_log_density(z: np.ndarray, means: np.ndarray, variances: np.ndarray) -> np.ndarray:
    """log p(z) under the equal-weight mixture, for each row of z."""
    diff = z[:, None, :] - means[None]
    component = -0.5 * np.sum(diff**2 / variances + np.log(variances) + LOG_2PI, axis=2)
    top = component.max(axis=1, keepdims=True)
    return (top + np.log(np.mean(np.exp(component - top), axis=1, keepdims=True)))[:, 0]


def sample_prior(config: EXoNConfig, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n latent points, 1/K from each prior component in turn, and their classes."""
    means, variances = prior_parameters(config)
    classes = np.arange(n) % config.n_classes
    rng = np.random.default_rng(seed)
    z = means[classes] + np.sqrt(variances[classes]) * rng.standard_normal((n, config.latent_dim))
    return z.astype(np.float32), classes
