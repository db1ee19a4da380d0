"""The pixel ranges of the families: the pipeline's images are in [0, 1]; tanh decoders
(EXoN, IIN) work in [-1, 1]. Each adapter converts at its boundary."""
from __future__ import annotations

import numpy as np


def to_symmetric_range(unit: np.ndarray) -> np.ndarray:
    """[0, 1] to [-1, 1]."""
    return unit * np.float32(2.0) - np.float32(1.0)


def to_unit_range(symmetric: np.ndarray) -> np.ndarray:
    """[-1, 1] back to [0, 1]."""
    return (symmetric + np.float32(1.0)) / np.float32(2.0)
