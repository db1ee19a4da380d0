"""Images as PNG files named by their dataset index: the one export of the training images
(stages/export_images.py, data/images/train/), whose file names each model's selection names."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def image_file_name(dataset_index: int) -> str:
    return f"{int(dataset_index):06d}.png"


def write_png(image: np.ndarray, path: Path) -> None:
    """An image in [0, 1] as 8-bit PNG: the same pixels always give the same bytes."""
    from PIL import Image

    pixels = np.clip(np.rint(np.asarray(image) * 255.0), 0, 255).astype(np.uint8)
    Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).save(path, format="PNG")


def write_image_folder(images: np.ndarray, dataset_indices: np.ndarray, folder: Path) -> None:
    from ..progress import progress

    folder.mkdir(parents=True, exist_ok=True)
    for image, index in progress(zip(images, dataset_indices), total=len(images), desc="PNG", unit="img"):
        write_png(image, folder / image_file_name(index))
