"""Saving a model family as its Keras parts plus the config that rebuilds the wrapper."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import keras


def save_parts(folder: str | Path, config, **parts: keras.Model) -> None:
    """<folder>/<name>.keras for each part and config.json for the (dataclass) config."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in parts.items():
        part.save(folder / f"{name}.keras")
    (folder / "config.json").write_text(json.dumps(asdict(config), indent=2) + "\n")


def load_parts(folder: str | Path, config_class, *names: str) -> tuple[object, dict[str, keras.Model]]:
    folder = Path(folder)
    raw = json.loads((folder / "config.json").read_text())
    raw["image_shape"] = tuple(raw["image_shape"])
    return config_class(**raw), {name: keras.saving.load_model(folder / f"{name}.keras") for name in names}
