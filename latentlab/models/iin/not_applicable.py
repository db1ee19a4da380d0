"""D-IIN needs ColorfulMNIST, made from grey labelled digits. On any other dataset (CIFAR-10, SVHN,
CelebA) its three stages write a marker and empty metrics instead of failing, so that `dvc repro`
runs every other stage (the summary depends on every metrics file, diin.json included)."""
from __future__ import annotations

from pathlib import Path

from ...io import atomic_dir, write_json

MARKER = "not_applicable.txt"


def colorful_unavailable(x_shape: tuple, labels) -> str | None:
    """Why D-IIN cannot run on this data, or None if it can."""
    if x_shape[-1] != 1 or (labels < 0).any():
        return ("D-IIN needs ColorfulMNIST, made from grey labelled digits (mnist-embedded, mnist, "
                "fashion-mnist); this dataset has none, so its stages only write this note")
    return None


def reason_in(folder: str | Path) -> str | None:
    """The reason recorded by the stage before, if it could not run."""
    marker = Path(folder) / MARKER
    return marker.read_text().strip() if marker.is_file() else None


def write_not_applicable(reason: str, folders=(), json_files=(), live=None) -> None:
    for folder in folders:
        with atomic_dir(folder) as out:
            (out / MARKER).write_text(reason + "\n")
    for path in json_files:
        write_json(path, {})
    if live is not None:  # a curves folder with no curves: dvclive's metrics.json, empty
        Path(live).mkdir(parents=True, exist_ok=True)
        write_json(Path(live) / "metrics.json", {})
    print(reason)
