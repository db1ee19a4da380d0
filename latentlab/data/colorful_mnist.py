"""ColorfulMNIST (the D-IIN dataset): digits in [-1, 1] multiplied by a random RGB colour, and
pairs that share exactly one factor: the digit (same label, other colour) or the colour (any
other image, same colour)."""
from __future__ import annotations

import numpy as np

from ..models.common.pixels import to_symmetric_range

FACTORS = ("digit", "colour")


def colorize(unit_images: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """(N, H, W, 1) images in [0, 1] and (N, 3) colours in [0, 1] to (N, H, W, 3) in [-1, 1]."""
    if unit_images.shape[-1] != 1:
        raise ValueError(f"ColorfulMNIST needs single-channel images, got shape {unit_images.shape}")
    return to_symmetric_range(unit_images) * colours[:, None, None, :].astype(np.float32)


def make_pairs(
    unit_images: np.ndarray, labels: np.ndarray, n_pairs: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """`n_pairs` coloured pairs; factor 0 = same digit, 1 = same colour (chosen half and half)."""
    factor = rng.integers(0, len(FACTORS), n_pairs)
    first = rng.integers(0, len(labels), n_pairs)
    second = rng.integers(0, len(labels), n_pairs)
    by_label = {label: np.flatnonzero(labels == label) for label in np.unique(labels)}
    for i in np.flatnonzero(factor == 0):  # same digit: another image with the first's label
        second[i] = rng.choice(by_label[labels[first[i]]])
    colour_first = rng.uniform(0.0, 1.0, (n_pairs, 3)).astype(np.float32)
    colour_second = np.where((factor == 1)[:, None], colour_first, rng.uniform(0.0, 1.0, (n_pairs, 3)))
    colour_second = colour_second.astype(np.float32)
    return {
        "x1": colorize(unit_images[first], colour_first),
        "x2": colorize(unit_images[second], colour_second),
        "factor": factor.astype(np.int64),
        "y1": labels[first],
        "y2": labels[second],
        "colour1": colour_first,
        "colour2": colour_second,
    }
