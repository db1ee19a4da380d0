"""Two measured factors of a digit image, so "c2 is width, c3 is rotation" becomes a correlation.
Pure NumPy.

stroke_width: ink mass per unit stroke length. A stroke of length L and width w has about 2L of
  outline, so its length is taken as half the outline of the thresholded digit (edges between ink
  and background pixels, 4-neighbours) and its width as ink mass / (outline / 2).
slant: the angle (radians) of the ink's principal axis from vertical, from the second central
  moments with y pointing up; positive when the top leans right.
"""
from __future__ import annotations

import numpy as np


def _grey(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, dtype=np.float64)
    return images.mean(axis=-1) if images.ndim == 4 else images


def stroke_width(images: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    ink = _grey(images)
    mask = np.pad(ink > threshold, ((0, 0), (1, 1), (1, 1)))
    outline = (np.sum(mask[:, 1:, :] != mask[:, :-1, :], axis=(1, 2))
               + np.sum(mask[:, :, 1:] != mask[:, :, :-1], axis=(1, 2)))
    return ink.sum(axis=(1, 2)) / np.maximum(outline / 2.0, 1.0)


def slant(images: np.ndarray) -> np.ndarray:
    ink = _grey(images)
    n, h, w = ink.shape
    rows, cols = np.mgrid[0:h, 0:w]
    x, y = cols.astype(np.float64), -rows.astype(np.float64)
    mass = np.maximum(ink.sum(axis=(1, 2)), 1e-12)
    mean_x = (ink * x).sum(axis=(1, 2)) / mass
    mean_y = (ink * y).sum(axis=(1, 2)) / mass
    dx, dy = x[None] - mean_x[:, None, None], y[None] - mean_y[:, None, None]
    mu20 = (ink * dx * dx).sum(axis=(1, 2))
    mu02 = (ink * dy * dy).sum(axis=(1, 2))
    mu11 = (ink * dx * dy).sum(axis=(1, 2))
    return 0.5 * np.arctan2(2.0 * mu11, mu02 - mu20)


def _abs_correlation(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(abs(np.corrcoef(a, b)[0, 1]))


def code_correlations(codes: np.ndarray, images: np.ndarray, names: list[str],
                      categories: np.ndarray | None = None) -> dict[str, dict[str, float]]:
    """|Pearson correlation| of each continuous code (the columns of `codes`, called `names`) with
    stroke width and slant over `images`. With `categories` (the model's own, no labels), also the
    mean over categories of the |correlation| within each (`width_within`, `slant_within`): a code
    may turn the strokes of a 1 and of a 7 in opposite directions, which pools to nothing."""
    factors = {"width": stroke_width(images), "slant": slant(images)}
    result = {}
    for j, name in enumerate(names):
        result[name] = {factor: round(_abs_correlation(codes[:, j], values), 4) for factor, values in factors.items()}
        if categories is not None:
            for factor, values in factors.items():
                within = [_abs_correlation(codes[categories == k, j], values[categories == k])
                          for k in np.unique(categories)]
                within = [r for r in within if np.isfinite(r)]
                result[name][f"{factor}_within"] = round(float(np.mean(within)), 4) if within else 0.0
    return result
