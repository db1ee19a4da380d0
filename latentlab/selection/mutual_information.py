"""Mutual information between images, from the joint histogram of their grey levels."""
from __future__ import annotations

import numpy as np


def quantize(images: np.ndarray, bins: int) -> np.ndarray:
    """Images in [0, 1] to integer levels 0..bins-1, one row per image."""
    flat = np.asarray(images, dtype=np.float32).reshape(len(images), -1)
    return np.clip((flat * bins).astype(np.int64), 0, bins - 1)


def _one_hot(levels: np.ndarray, bins: int) -> np.ndarray:
    return np.eye(bins, dtype=np.float32)[levels]  # (n, pixels, bins)


def _entropy(marginal: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(marginal > 0, marginal * np.log(marginal), 0.0).sum(axis=-1)


def pairwise_mutual_information(
    a: np.ndarray, b: np.ndarray, bins: int, normalized: bool = False, chunk: int = 256
) -> np.ndarray:
    """MI in nats between every image of `a` and every image of `b` (same pixel count): (len(a), len(b)).

    normalized: MI / sqrt(H(a) H(b)) in [0, 1]. Raw MI grows with how much ink an image has, so
    it favours heavy digits (8, 0) over light ones (1, 7); the normalised score does not."""
    levels_b = _one_hot(quantize(b, bins), bins)
    marginal_b = levels_b.mean(axis=1)  # (m, bins)
    pixels = levels_b.shape[1]
    out = np.empty((len(a), len(b)), dtype=np.float64)
    for start in range(0, len(a), chunk):
        levels_a = _one_hot(quantize(a[start : start + chunk], bins), bins)
        joint = np.einsum("ipx,jpy->ijxy", levels_a, levels_b, optimize=True) / pixels
        marginal_a = levels_a.mean(axis=1)
        independent = marginal_a[:, None, :, None] * marginal_b[None, :, None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(joint > 0, joint * np.log(joint / independent), 0.0)
        mi = terms.sum(axis=(2, 3))
        if normalized:
            scale = np.sqrt(np.outer(_entropy(marginal_a), _entropy(marginal_b)))
            mi = np.divide(mi, scale, out=np.zeros_like(mi), where=scale > 0)
        out[start : start + chunk] = mi
    return out
