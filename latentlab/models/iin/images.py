"""The networks work on IN_SIZE x IN_SIZE images in [-1, 1]; the pipeline's are the data's size in
[0, 1]. These convert at the boundary (MNIST is resized 28 -> 32, as the original, not padded)."""
from __future__ import annotations

import numpy as np
from keras import ops

from .config import IN_SIZE
from .model import mid_dequantise


def to_network_size(unit_images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """(N, H, W, C) images in [0, 1] resized (bilinear, as the original's albumentations) to
    IN_SIZE x IN_SIZE and put back on the 256-level grid the dequantisation expects."""
    import tensorflow as tf

    if unit_images.shape[1:3] == (IN_SIZE, IN_SIZE):
        resized = unit_images
    else:
        resized = np.concatenate([tf.image.resize(unit_images[i: i + batch_size], (IN_SIZE, IN_SIZE)).numpy()
                                  for i in range(0, len(unit_images), batch_size)])
    return (np.round(np.clip(resized, 0.0, 1.0) * 255.0) / 255.0).astype(np.float32)


def to_data_size(symmetric_images: np.ndarray, shape: tuple[int, int], batch_size: int = 1000) -> np.ndarray:
    """The networks' [-1, 1] IN_SIZE images back to the data's size, in [0, 1]."""
    import tensorflow as tf

    unit = (np.asarray(symmetric_images, np.float32) + 1.0) / 2.0
    if tuple(shape) != unit.shape[1:3]:
        unit = np.concatenate([tf.image.resize(unit[i: i + batch_size], shape, method="area").numpy()
                               for i in range(0, len(unit), batch_size)])
    return np.clip(unit, 0.0, 1.0).astype(np.float32)


def network_input(unit_images: np.ndarray) -> np.ndarray:
    """Images in [0, 1] at any size to the encoder's input: IN_SIZE, [-1, 1], dequantised at u = 1/2."""
    return ops.convert_to_numpy(mid_dequantise(to_network_size(unit_images)))
