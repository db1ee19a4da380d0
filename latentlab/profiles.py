"""Profiles: named sets of params (profiles/<name>.yaml, shaped as params.yaml) applied over
params.yaml as one DVC experiment. `paper` holds the authors' settings of every model family.

    python -m latentlab.profiles paper [dvc exp run arguments ...]   # runs the experiment
    python -m latentlab.profiles paper --dry-run                      # prints the command only
    python -m latentlab.profiles paper --departures                   # defaults that differ, as Markdown

The profile is merged over params.yaml and validated (the schema of latentlab/params.py) before
DVC starts, so a wrong key or value stops with one line and nothing runs. Pure Python.
"""
from __future__ import annotations

import argparse
import copy
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from .dotted import flatten
from .params import ParamsError, read_yaml, validate

PROFILES = Path("profiles")


def load_profile(name: str, folder: str | Path = PROFILES) -> dict:
    path = Path(folder) / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in Path(folder).glob("*.yaml"))
        raise ParamsError(f"profile {name!r}: no {path} (profiles here: {', '.join(known) or 'none'})")
    profile = read_yaml(path.read_text())
    if not isinstance(profile, dict) or not profile:
        raise ParamsError(f"{path}: expected params sections (e.g. `biinfogan:` with keys), got {type(profile).__name__}")
    return profile


def merged(params: dict, profile: dict) -> dict:
    """params.yaml with the profile's values in place, validated. Every profile key must exist
    in params.yaml: a profile cannot add keys the stages do not read."""
    known = flatten(params)
    result = copy.deepcopy(params)
    for dotted, value in flatten(profile).items():
        if dotted not in known:
            raise ParamsError(f"profile key {dotted}: not a params.yaml key")
        section = result
        *parents, leaf = dotted.split(".")
        for part in parents:
            section = section[part]
        section[leaf] = value
    return validate(result)


def yaml_value(value: Any) -> str:
    """A value as `dvc exp run -S` reads it (YAML 1.2): true, null, 0.0001, [22, 22, 20]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    return str(value)


def set_arguments(params: dict, profile: dict) -> list[str]:
    """`-S key=value` for each profile key whose value differs from params.yaml's."""
    return [argument for dotted, _, value in departures(params, profile)
            for argument in ("-S", f"{dotted}={yaml_value(value)}")]


def departures(params: dict, profile: dict) -> list[tuple[str, Any, Any]]:
    """(key, params.yaml's value, the profile's) for every profile key the defaults depart from."""
    current = flatten(params)
    return [(k, current[k], v) for k, v in flatten(profile).items() if current.get(k) != v]


def departures_table(params: dict, profile: dict, name: str) -> str:
    rows = [f"| key | default | `{name}` |", "|---|---|---|"]
    rows += [f"| `{k}` | {yaml_value(d)} | {yaml_value(p)} |" for k, d, p in departures(params, profile)]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m latentlab.profiles", description=__doc__.split("\n\n")[0],
        epilog="Arguments after the profile go to `dvc exp run` (e.g. -S data.dataset=mnist --name paper-mnist).")
    parser.add_argument("profile", help="a file of profiles/ without .yaml, e.g. paper")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--folder", default=str(PROFILES), help="where the profiles are")
    parser.add_argument("--dry-run", action="store_true", help="print the dvc command, run nothing")
    parser.add_argument("--departures", action="store_true", help="print the defaults that depart from the profile")
    args, extra = parser.parse_known_args(argv)
    try:
        params = read_yaml(Path(args.params).read_text())
        profile = load_profile(args.profile, args.folder)
        merged(params, profile)
    except (ParamsError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.departures:
        print(departures_table(params, profile, args.profile))
        return 0
    command = ["dvc", "exp", "run", *set_arguments(params, profile), *extra]
    print(shlex.join(command), flush=True)
    if args.dry_run:
        return 0
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
