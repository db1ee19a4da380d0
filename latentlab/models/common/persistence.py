"""Saving a model family as its Keras parts plus the config that rebuilds the wrapper.

Keras stamps the save date into every .keras file (metadata.json and the zip entries), and
numbers the objects that layers share by their memory address (config.json's shared_object_id);
the date is fixed and the ids renumbered in order of appearance, so the same weights give the
same bytes and DVC sees no change downstream of a forced rerun. A missing or unreadable part
raises ModelFileError naming it."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import keras

from ...io import rewrite_zip_reproducibly
from .contract import ModelFileError

FIXED_SAVE_DATE = "1980-01-01@00:00:00"


def _renumber_shared_objects(node, numbers: dict) -> None:
    if isinstance(node, dict):
        if "shared_object_id" in node:
            node["shared_object_id"] = numbers.setdefault(node["shared_object_id"], len(numbers) + 1)
        for value in node.values():
            _renumber_shared_objects(value, numbers)
    elif isinstance(node, list):
        for value in node:
            _renumber_shared_objects(value, numbers)


def _without_run_specifics(name: str, data: bytes) -> bytes:
    if name == "metadata.json":
        metadata = json.loads(data)
        if "date_saved" in metadata:
            metadata["date_saved"] = FIXED_SAVE_DATE
        return json.dumps(metadata, indent=4).encode()
    if name == "config.json":
        config = json.loads(data)
        _renumber_shared_objects(config, {})
        return json.dumps(config).encode()
    return data


def save_keras(model: keras.Model, path: str | Path) -> None:
    """model.save(path), then the save date fixed: byte-identical for identical weights."""
    model.save(path)
    rewrite_zip_reproducibly(path, _without_run_specifics)


def load_keras(path: str | Path) -> keras.Model:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file (run the stage that trains it: dvc repro)")
    try:
        return keras.saving.load_model(path)
    except Exception as error:  # Keras reports a corrupt zip as "File not found" and worse
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelFileError(f"{path}: not a readable Keras model file ({reason[:160]}); "
                             "retrain it with `dvc repro --force <its train stage>` or `dvc checkout`") from None


def save_parts(folder: str | Path, config, config_file: str = "config.json", **parts: keras.Model) -> None:
    """<folder>/<name>.keras for each part and `config_file` for the (dataclass) config (a folder may
    hold several models, each with its own config file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, part in parts.items():
        save_keras(part, folder / f"{name}.keras")
    (folder / config_file).write_text(json.dumps(asdict(config), indent=2) + "\n")


def load_parts(folder: str | Path, config_class, *names: str,
               config_file: str = "config.json") -> tuple[object, dict[str, keras.Model]]:
    folder = Path(folder)
    config_file = folder / config_file
    try:
        raw = json.loads(config_file.read_text())
        if "image_shape" in raw:
            raw["image_shape"] = tuple(raw["image_shape"])
        config = config_class(**raw)
    except FileNotFoundError:
        raise ModelFileError(f"{config_file}: missing (is {folder} a trained model folder? run dvc repro)") from None
    except (ValueError, TypeError, KeyError) as error:
        raise ModelFileError(f"{config_file}: not the config of a {config_class.__name__} ({error})") from None
    return config, {name: load_keras(folder / f"{name}.keras") for name in names}
