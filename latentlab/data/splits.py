"""Train/test splitting, the balanced labelled subset, and scaling to the models' ranges."""
from __future__ import annotations

import numpy as np

from ..params import ParamsError


def stratified_split(y: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted train and test indices, each class split in the same proportion (seeded)."""
    from sklearn.model_selection import train_test_split

    indices = np.arange(len(y))
    stratify = y if (y >= 0).all() else None  # unlabelled data: a plain random split
    train, test = train_test_split(indices, test_size=test_fraction, random_state=seed, stratify=stratify)
    return np.sort(train), np.sort(test)


def balanced_labeled_subset(y: np.ndarray, n_labeled: int, seed: int, key: str = "data.n_labeled") -> np.ndarray:
    """`n_labeled` sorted indices into `y`, the same number from each class, drawn with `seed`;
    errors name `key`, the params key that asked for them."""
    classes = np.unique(y[y >= 0])
    if len(classes) == 0:
        return np.empty(0, np.int64)  # nothing is labelled (CelebA): no labelled subset
    if n_labeled > len(y):
        raise ParamsError(f"{key}: {n_labeled} is larger than the train split ({len(y)} images)")
    if n_labeled % len(classes):
        raise ParamsError(
            f"{key}: {n_labeled} cannot be balanced across {len(classes)} classes "
            f"(expected a multiple of {len(classes)})"
        )
    per_class = n_labeled // len(classes)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in classes:
        members = np.flatnonzero(y == label)
        if len(members) < per_class:
            raise ParamsError(
                f"{key}: {n_labeled} needs {per_class} per class but class {label} "
                f"has {len(members)} training images"
            )
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def to_unit_range(images: np.ndarray) -> np.ndarray:
    """uint8 0..255 to float32 [0, 1], the range of the Bernoulli VAE."""
    return images.astype(np.float32) / np.float32(255.0)
