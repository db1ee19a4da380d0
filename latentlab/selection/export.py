"""Write a selection the way seed 002 hands it on: a folder of the selected images and a
spreadsheet whose rows are the selected images themselves. Seed 002's third part, the folder of
every training image, is written once for all models (export_images: data/images/train/); the
spreadsheet's `file_name` is a file's name there, and in the folder of the selected images."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..data.image_files import image_file_name
from ..io import atomic_path, rewrite_zip_reproducibly

COLUMNS = ("dataset_index", "position", "cluster", "true_label", "mi_vote", "file_name")


def write_selection_table(
    path: Path,
    positions: np.ndarray,
    dataset_indices: np.ndarray,
    z: np.ndarray,
    clusters: np.ndarray,
    labels: np.ndarray,
    votes: np.ndarray,
) -> None:
    """selection.xlsx: one row per selected image, every cell a plain value (never a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "votemi"
    latent_names = [f"z{i + 1}" for i in range(z.shape[1])]
    sheet.append(list(COLUMNS[:2]) + latent_names + list(COLUMNS[2:]))
    for p in positions:
        index = int(dataset_indices[p])
        row = [index, int(p)] + [float(v) for v in z[p]]
        vote = None if np.isnan(votes[p]) else float(votes[p])  # an empty cell: a group of one has no vote
        row += [int(clusters[p]), int(labels[p]), vote, image_file_name(index)]
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = cell.font.copy(bold=True)
    with atomic_path(path) as tmp:
        book.save(tmp)
    rewrite_zip_reproducibly(path, _fixed_document_dates)


# openpyxl stamps the save time into docProps/core.xml: one fixed date makes equal tables equal files.
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_document_dates(name: str, data: bytes) -> bytes:
    return _W3CDTF.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", data) if name == "docProps/core.xml" else data
