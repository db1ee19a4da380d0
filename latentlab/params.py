"""The params.yaml schema, its validation, and the checks of params against the data.

`load_params` reads params.yaml as YAML 1.2 reads numbers (so 1e-4 is a number, as DVC has it)
and checks every key: unknown and missing keys, types and ranges, each model family's own
sections (declared in its package, found through latentlab.models.family), and the values the
data cannot take (split sizes, labelled counts, knn_k, budgets, fid.n_samples). ParamsError
names the dotted key and the limit. Pure Python: importable without TensorFlow.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

DATASETS = ("mnist-embedded", "mnist", "fashion-mnist", "cifar10", "svhn", "celeba")
INCEPTION_FEATURES = 2048  # InceptionV3's average-pool features, for the optional Inception FID


class ParamsError(ValueError):
    """A params value that the pipeline cannot run with; the message names the key."""


@dataclass(frozen=True)
class Rule:
    expected: str
    accepts: Callable[[Any], bool]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (_is_int(v) or isinstance(v, float)) and math.isfinite(v)


def integer(minimum: int, maximum: int | None = None) -> Rule:
    upper = "" if maximum is None else f" and <= {maximum}"
    return Rule(
        f"an integer >= {minimum}{upper}",
        lambda v: _is_int(v) and v >= minimum and (maximum is None or v <= maximum),
    )


def number(minimum: float, maximum: float | None = None, *, open_min: bool = False) -> Rule:
    sign = ">" if open_min else ">="
    upper = "" if maximum is None else f" and <= {maximum}"
    return Rule(
        f"a number {sign} {minimum}{upper}",
        lambda v: _is_number(v)
        and (v > minimum if open_min else v >= minimum)
        and (maximum is None or v <= maximum),
    )


def fraction() -> Rule:
    return Rule("a number >= 0 and < 1", lambda v: _is_number(v) and 0 <= v < 1)


def choice(*options: str) -> Rule:
    return Rule("one of " + ", ".join(options), lambda v: v in options)


def boolean() -> Rule:
    return Rule("true or false", lambda v: isinstance(v, bool))


def eps_rule() -> Rule:
    return Rule('"auto" or a number > 0', lambda v: v == "auto" or (_is_number(v) and v > 0))


def eps_per_model() -> Rule:
    return Rule('a mapping of model names to "auto" or a number > 0',
                lambda v: isinstance(v, dict) and all(isinstance(k, str) and eps_rule().accepts(e) for k, e in v.items()))


def positive_numbers(unique: bool = False) -> Rule:
    """A non-empty list of numbers > 0; `unique` for lists that name runs (a foreach in dvc.yaml)."""
    def accepts(v):
        return (isinstance(v, list) and len(v) > 0 and all(_is_number(x) and x > 0 for x in v)
                and (not unique or len({float(x) for x in v}) == len(v)))

    return Rule("a non-empty list of numbers > 0" + (", each once" if unique else ""), accepts)


def optional_path() -> Rule:
    return Rule("null or a path", lambda v: v is None or (isinstance(v, str) and v != ""))


# The sections every pipeline has; each model family adds its own (latentlab/models/<family>/config.py).
CORE_SCHEMA: dict[str, Any] = {
    "seed": integer(0),
    "runtime": {  # how training runs (latentlab/runtime.py), not what it computes
        "deterministic": boolean(),
        "threads": integer(0),
        "strategy": choice("default", "mirrored", "multi_worker"),
        "steps_per_execution": integer(1),
    },
    "data": {
        "dataset": choice(*DATASETS),
        "source": optional_path(),
        "test_fraction": number(0.0, 0.9, open_min=True),
        "n_labeled": integer(1),
        "colorful_test_pairs": integer(0),
    },
    "classifier": {
        "width": integer(1),
        "feature_dim": integer(2),
        "dropout": fraction(),
        "learning_rate": number(0.0, open_min=True),
        "batch_size": integer(1),
        "epochs": integer(1),
    },
    "fid": {
        "n_samples": integer(2),
        "inception_weights": optional_path(),
        "prdc_k": integer(1),
    },
    "probe": {
        "knn_k": integer(1),
    },
    "votemi": {
        "eps": eps_rule(),
        "min_samples": integer(2),
        "budget": integer(1),
        "candidates": integer(2),
        "mi_bins": integer(2, 64),
        "normalized_mi": boolean(),
        "eps_per_model": eps_per_model(),
        "random_repeats": integer(1),
        "rule": choice("seed", "ours"),
    },
}


def full_schema() -> dict[str, Any]:
    """CORE_SCHEMA with every model family's sections, in params.yaml's order of sections."""
    from .models.family import all_families

    schema = dict(CORE_SCHEMA)
    for family in all_families():
        for section, rules in family.params.items():
            if section in schema:
                raise RuntimeError(f"params section {section!r} is claimed twice (family {family.name})")
            schema[section] = rules
    return schema


def validate(params: Any, schema: dict[str, Any] | None = None, prefix: str = "") -> dict:
    """Check `params` against `schema` (default: the full schema) completely; return it
    unchanged or raise ParamsError."""
    schema = full_schema() if schema is None else schema
    where = prefix.rstrip(".") or "params"
    if not isinstance(params, dict):
        raise ParamsError(f"{where}: expected a mapping of keys, got {type(params).__name__}")
    for key in params:
        if key not in schema:
            known = ", ".join(schema)
            raise ParamsError(f"{prefix}{key}: unknown key (known here: {known})")
    for key, rule in schema.items():
        name = f"{prefix}{key}"
        if key not in params:
            raise ParamsError(f"{name}: missing (expected {_describe(rule)})")
        value = params[key]
        if isinstance(rule, dict):
            validate(value, rule, f"{name}.")
        elif not rule.accepts(value):
            raise ParamsError(f"{name}: expected {rule.expected}, got {value!r}")
    return params


def _describe(rule: Rule | dict) -> str:
    return "a section" if isinstance(rule, dict) else rule.expected


# ----- YAML 1.2 scalars -----


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2's core schema, as DVC reads params.yaml: 1e-4 and .5 are numbers,
    010 is ten, 0o10 eight; yes/no/on/off and 1:30 stay strings."""


_Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+0123456789."),
):
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"), list(_first))


def _yaml12_int(loader, node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # a leading 0 is decimal in YAML 1.2


def _yaml12_float(loader, node) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith("inf"):
        return -math.inf if text.startswith("-") else math.inf
    return math.nan if text == ".nan" else float(text)


_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _yaml12_int)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _yaml12_float)


def read_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 (a SafeLoader subclass)


# ----- the pipeline's models (dvc.yaml's `models`) -----


def pipeline_models(pipeline: str | Path = "dvc.yaml") -> dict[str, str]:
    """dvc.yaml's `vars: models` mapping (model name -> family); {} when there is no dvc.yaml."""
    path = Path(pipeline)
    if not path.is_file():
        return {}
    declared = yaml.safe_load(path.read_text()).get("vars", [])
    return next((v["models"] for v in declared if isinstance(v, dict) and "models" in v), {})


def models_from_arguments(arguments: list[str]) -> dict[str, str]:
    """dvc.yaml's `models` as its stage commands pass them: `${models}` unpacks to
    `--vae vae --vae_wide vae ...` (so a change to the mapping changes the command, and DVC
    reruns the stage; dvc.yaml itself cannot be a dependency)."""
    if len(arguments) % 2 or not all(a.startswith("--") for a in arguments[::2]):
        raise ParamsError(f"dvc.yaml models: expected --<model> <family> pairs, got {' '.join(arguments)!r}")
    return {name[2:]: family for name, family in zip(arguments[::2], arguments[1::2])}


def check_model_names(mapping: dict, key: str, pipeline: str | Path = "dvc.yaml") -> None:
    """Refuse keys of `mapping` that name no model of the pipeline's `models` (a typo would
    otherwise fall back to the default silently). Skipped when there is no dvc.yaml here."""
    if Path(pipeline).is_file():
        check_model_names_in(mapping, key, pipeline_models(pipeline))


# ----- params against the data -----


@dataclass(frozen=True)
class DataSize:
    """The sizes the params are checked against: known from the dataset before reading it."""

    n_train: int
    n_test: int
    train_per_class: tuple[int, ...]  # a lower bound for each class (equal bounds: one per class)
    n_classes: int
    channels: int

    @property
    def labeled(self) -> bool:
        return self.n_classes > 0


def data_size(data: dict) -> DataSize:
    from .data.sources import SHAPES

    shape = SHAPES[data["dataset"]]
    n_total, n_test = shape.n_train, shape.n_test
    if shape.split_file and not (data["source"] and (Path(data["source"]) / shape.split_file).is_file()):
        n_total, n_test = shape.n_total, None  # no official split without the file: split here
    if n_test is None:  # sklearn puts ceil(fraction * n) images in the test split
        n_test = math.ceil(data["test_fraction"] * n_total)
        n_train = n_total - n_test
        # stratified: each class gives its share of the test split, rounded up at worst
        fewest = max(shape.fewest_per_class - math.ceil(n_test * shape.fewest_per_class / n_total), 0)
    else:
        n_train, fewest = n_total, shape.fewest_per_class
    return DataSize(n_train, n_test, (fewest,) * shape.n_classes, shape.n_classes, shape.channels)


def check_against_data(params: dict, data: DataSize, models: dict[str, str] | None = None) -> None:
    """Raise ParamsError, naming the key and its limit, for values the data cannot take."""
    n_labeled = params["data"]["n_labeled"]
    if data.labeled:
        if n_labeled % data.n_classes:
            raise ParamsError(f"data.n_labeled: {n_labeled} cannot be balanced across {data.n_classes} classes "
                              f"(expected a multiple of {data.n_classes})")
        most = min(data.train_per_class) * data.n_classes
        if n_labeled > most:
            raise ParamsError(f"data.n_labeled: {n_labeled} is more than the training split can balance "
                              f"(at most {most}: {min(data.train_per_class)} per class)")
    smaller = "test" if data.n_test <= data.n_train else "training"
    limits = {
        "probe.knn_k": (params["probe"]["knn_k"], data.n_train, "training images"),
        "votemi.budget": (params["votemi"]["budget"], data.n_train, "training images"),
        "votemi.min_samples": (params["votemi"]["min_samples"], data.n_train, "training images"),
        "fid.n_samples": (params["fid"]["n_samples"], min(data.n_test, data.n_train), f"{smaller} images"),
    }
    for key, (value, limit, what) in limits.items():
        if value > limit:
            raise ParamsError(f"{key}: {value} is more than the {limit} {what}; at most {limit}")
    fid = params["fid"]
    features = {"classifier.feature_dim": params["classifier"]["feature_dim"]}
    if fid["inception_weights"] is not None:
        if not Path(fid["inception_weights"]).is_file():
            raise ParamsError(f"fid.inception_weights: no file at {fid['inception_weights']} (it is never downloaded)")
        features["fid.inception_weights (InceptionV3 pool features)"] = INCEPTION_FEATURES
    for source, dim in features.items():
        if fid["n_samples"] <= dim:
            raise ParamsError(f"fid.n_samples: {fid['n_samples']} samples cannot estimate a covariance of {dim} "
                              f"features ({source}); at least {dim + 1}")
    if models is not None:
        check_model_names_in(params["votemi"]["eps_per_model"], "votemi.eps_per_model", models)
    from .models.family import all_families

    for family in all_families():
        if family.check is not None:
            family.check(params, data)


def check_model_names_in(mapping: dict, key: str, models: dict[str, str]) -> None:
    for name in mapping:
        if name not in models:
            raise ParamsError(f"{key}: {name!r} is not a model of dvc.yaml (models: {', '.join(models)})")


def load_params(path: str | Path = "params.yaml") -> dict:
    """Read and validate the whole params file (every stage checks all of it before working)."""
    try:
        params = read_yaml(Path(path).read_text())
    except FileNotFoundError:
        raise ParamsError(f"{path}: no such params file") from None
    except yaml.YAMLError as error:
        raise ParamsError(f"{path}: not valid YAML ({error})") from None
    return validate(params)
