"""The registry of model families: every package under latentlab/models/ except `common` is
one, found by name and imported without TensorFlow (its `__init__` holds only a `Family`).

dvc.yaml's `models` maps each model (its folder under models/) to a family name; stages call
`get_family(name)` for the metadata and `load_model(name, folder)` for the trained model.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from .common.contract import Family, LatentModel

PACKAGE_DIR = Path(__file__).parent
NOT_FAMILIES = {"common"}


class UnknownFamily(ValueError):
    """A family name that names no package under latentlab/models/."""


def family_names() -> list[str]:
    return sorted(
        p.name for p in PACKAGE_DIR.iterdir()
        if p.is_dir() and (p / "__init__.py").is_file() and p.name not in NOT_FAMILIES and not p.name.startswith("_")
    )


def get_family(name: str) -> Family:
    if name not in family_names():
        raise UnknownFamily(f"no model family is called {name!r} (families: {', '.join(family_names())})")
    family = importlib.import_module(f"{__package__}.{name}").FAMILY
    if family.name != name:
        raise UnknownFamily(f"latentlab/models/{name} declares itself as family {family.name!r}")
    return family


def all_families() -> list[Family]:
    return [get_family(name) for name in family_names()]


def load_model(name: str, folder: str | Path) -> LatentModel:
    """The trained model in `folder` as the downstream contract (imports TensorFlow)."""
    family = get_family(name)
    model = importlib.import_module(family.adapter).load(folder)
    if (model.classify is None) != (family.class_ids is None) or model.class_ids != family.class_ids:
        raise RuntimeError(f"family {name}: its adapter's class output disagrees with its Family declaration")
    return model
