"""The params.yaml schema and its validation.

Stages call `load_params` before doing any work: an unknown key, a wrong type or an impossible
value raises ParamsError naming the dotted key and what was expected, so nothing is half-written.
Pure Python: importable without TensorFlow.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

DATASETS = ("mnist-embedded", "mnist", "fashion-mnist", "cifar10", "svhn", "celeba")
VAE_MODES = ("vae", "ae", "no_encoder")
VAE_NOISE = ("none", "salt_pepper", "gaussian")


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


def choice(*options: str) -> Rule:
    return Rule("one of " + ", ".join(options), lambda v: v in options)


def eps_rule() -> Rule:
    return Rule('"auto" or a number > 0', lambda v: v == "auto" or (_is_number(v) and v > 0))


def eps_per_model() -> Rule:
    return Rule('a mapping of model names to "auto" or a number > 0',
                lambda v: isinstance(v, dict) and all(isinstance(k, str) and eps_rule().accepts(e) for k, e in v.items()))


def positive_numbers() -> Rule:
    return Rule("a non-empty list of numbers > 0",
                lambda v: isinstance(v, list) and len(v) > 0 and all(_is_number(x) and x > 0 for x in v))


def optional_path() -> Rule:
    return Rule("null or a path", lambda v: v is None or (isinstance(v, str) and v != ""))


SCHEMA: dict[str, Any] = {
    "seed": integer(0),
    "data": {
        "dataset": choice(*DATASETS),
        "source": optional_path(),
        "test_fraction": number(0.0, 0.9, open_min=True),
        "n_labeled": integer(1),
        "colorful_test_pairs": integer(0),
    },
    "vae": {
        "mode": choice(*VAE_MODES),
        "dim_z": integer(1),
        "n_hidden": integer(1),
        "dropout": Rule("a number >= 0 and < 1", lambda v: _is_number(v) and 0 <= v < 1),
        "beta": number(0.0),
        "noise": choice(*VAE_NOISE),
        "noise_factor": number(0.0),
        "learning_rate": number(0.0, open_min=True),
        "batch_size": integer(1),
        "epochs": integer(1),
        "elbo_samples": integer(1),
        "prr_grid": integer(1, 50),
        "manifold_grid": integer(2, 50),
        "z_range": number(0.0, open_min=True),
    },
    "vae_wide": {  # replaces these keys of `vae` for the second VAE
        "dim_z": integer(1),
        "epochs": integer(1),
    },
    "exon": {
        "latent_dim": integer(2),
        "sigma": number(0.0, open_min=True),
        "dist": number(0.0, open_min=True),
        "sigma1": number(0.0, open_min=True),
        "sigma2": number(0.0, open_min=True),
        "beta": number(0.0),
        "lambda1": number(0.0),
        "rampup_epochs": integer(0),
        "learning_rate": number(0.0, open_min=True),
        "weight_decay": number(0.0),
        "batch_size": integer(1),
        "labeled_batch_size": integer(1),
        "epochs": integer(1),
        "ema_decay": Rule("a number >= 0 and < 1", lambda v: _is_number(v) and 0 <= v < 1),
        "mixup_alpha_labeled": number(0.0, open_min=True),
        "mixup_alpha_unlabeled": number(0.0, open_min=True),
    },
    "path_latent_recon": {
        "betas": positive_numbers(),
        "epochs": integer(1),
    },
    "pre_design": {
        "radii": positive_numbers(),
        "n_labeled": integer(2),
        "beta": number(0.0),
        "epochs": integer(1),
        "points": integer(2),
        "x_range": number(0.0, open_min=True),
    },
    "classifier": {
        "width": integer(1),
        "feature_dim": integer(2),
        "dropout": Rule("a number >= 0 and < 1", lambda v: _is_number(v) and 0 <= v < 1),
        "learning_rate": number(0.0, open_min=True),
        "batch_size": integer(1),
        "epochs": integer(1),
    },
    "fid": {
        "n_samples": integer(2),
        "inception_weights": optional_path(),
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
        "normalized_mi": Rule("true or false", lambda v: isinstance(v, bool)),
        "eps_per_model": eps_per_model(),
        "random_repeats": integer(1),
    },
}


def validate(params: Any, schema: dict[str, Any] = SCHEMA, prefix: str = "") -> dict:
    """Check `params` against `schema` completely; return it unchanged or raise ParamsError."""
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


def check_model_names(mapping: dict, key: str, pipeline: str | Path = "dvc.yaml") -> None:
    """Refuse keys of `mapping` that name no model of the pipeline's `models` (a typo would
    otherwise fall back to the default silently). Skipped when there is no dvc.yaml here."""
    path = Path(pipeline)
    if not path.is_file():
        return
    declared = yaml.safe_load(path.read_text()).get("vars", [])
    models = next((v["models"] for v in declared if isinstance(v, dict) and "models" in v), {})
    for name in mapping:
        if name not in models:
            raise ParamsError(f"{key}: {name!r} is not a model of {path.name} (models: {', '.join(models)})")


def load_params(path: str | Path = "params.yaml") -> dict:
    """Read and validate the whole params file (every stage checks all of it before working)."""
    try:
        params = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError:
        raise ParamsError(f"{path}: no such params file") from None
    except yaml.YAMLError as error:
        raise ParamsError(f"{path}: not valid YAML ({error})") from None
    return validate(params)
