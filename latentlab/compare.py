"""Metric changes against their noise bands (noise.yaml, latentlab/noise.py): one markdown row per
changed metric with its old and new value, the change, the band and a verdict: `within` (the change
is no larger than seeds or machines move it), `BEYOND` (larger: a real change) or `no band` (nobody
measured that metric's noise). Pure Python, no TensorFlow; run it in the project's root.

    python -m latentlab.compare [A [B]]           # dvc metrics diff --json A B: git revisions or
                                                  #   experiment names (A: HEAD, B: the workspace)
    python -m latentlab.compare --folders A B     # two reports/metrics-shaped folders (two runs,
                                                  #   e.g. on two machines), diffed here without dvc
    python -m latentlab.compare --json diff.json  # a saved `dvc metrics diff --json`
    ... [--bands noise.yaml] [--fail-beyond]      # exit 1 when a change is beyond its band
        [--only-banded]                           # leave out the rows without a band

Exit 0 whatever the verdicts unless --fail-beyond; 2 on an error (one line on stderr).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .dotted import flatten
from .noise import Band, BandError, load_bands

METRICS_FOLDER = "reports/metrics"  # how dvc names a file of a --folders folder: this prefix + its path
WITHIN, BEYOND, NO_BAND = "within", "BEYOND", "no band"
# a change equal to a band's measured move is within it, whatever float subtraction's last bits say
TOLERANCE = 1e-9  # relative to the values compared


class CompareError(Exception):
    """An input that cannot be compared (a folder, a JSON file or a dvc call); one line."""


@dataclass(frozen=True)
class Row:
    file: str
    metric: str
    old: object
    new: object
    change: float | None  # new - old when both are numbers
    band: str  # what the band is, e.g. "±0.14 (14 sd of 3 seeds)"; "" when there is none
    verdict: str


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_folder(folder: str | Path) -> dict[str, dict[str, object]]:
    """{file as dvc names it (reports/metrics/...): flattened metrics} for every JSON file in folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CompareError(f"{folder}: not a folder of metrics")
    files = {}
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            raise CompareError(f"{path}: not a readable JSON metrics file ({error})") from None
        if isinstance(data, dict):
            files[f"{METRICS_FOLDER}/{path.relative_to(folder).as_posix()}"] = {
                key: str(value) if isinstance(value, list) else value for key, value in flatten(data).items()}
    return files


def diff_folders(old_folder: str | Path, new_folder: str | Path) -> dict[str, dict[str, dict]]:
    """The changed metrics of two folders in `dvc metrics diff --json`'s shape: {file: {dotted key:
    {"old", "new", "diff" (numbers only)}}}, a value missing on one side as None."""
    old_files, new_files = read_folder(old_folder), read_folder(new_folder)
    diff: dict[str, dict[str, dict]] = {}
    for file in sorted(old_files.keys() | new_files.keys()):
        old, new = old_files.get(file, {}), new_files.get(file, {})
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            if a == b:  # as dvc: unchanged metrics are left out
                continue
            entry = {"old": a, "new": b}
            if is_number(a) and is_number(b):
                entry["diff"] = b - a
            diff.setdefault(file, {})[key] = entry
    return diff


def dvc_diff(a_rev: str | None, b_rev: str | None) -> dict[str, dict[str, dict]]:
    """`dvc metrics diff --json A B` (dvc's defaults for what is not given: HEAD, the workspace)."""
    command = [sys.executable, "-m", "dvc", "metrics", "diff", "--json", *[r for r in (a_rev, b_rev) if r]]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.stderr.strip():  # e.g. a revision whose metrics dvc could not load: say so, go on
        print(result.stderr.strip(), file=sys.stderr)
    if result.returncode != 0:
        raise CompareError(f"`{' '.join(command[2:])}` failed (exit {result.returncode})")
    return json.loads(result.stdout or "{}")


def read_diff_json(path: str | Path) -> dict[str, dict[str, dict]]:
    try:
        diff = json.loads(Path(path).read_text() or "{}")
    except (OSError, json.JSONDecodeError) as error:
        raise CompareError(f"{path}: not a readable `dvc metrics diff --json` file ({error})") from None
    shaped = isinstance(diff, dict) and all(
        isinstance(keys, dict) and all(isinstance(entry, dict) for entry in keys.values()) for keys in diff.values())
    if not shaped:
        raise CompareError(f"{path}: not `dvc metrics diff --json`'s shape, {{file: {{key: {{old, new, diff}}}}}}")
    return diff


def describe(band: Band, old: float) -> tuple[float, str]:
    """(half width of the band at `old`, the band as the table shows it: its width and what sets it)."""
    width, why = max(band.parts(old), key=lambda part: part[0], default=(0.0, "no spread"))  # the widest sets it
    return width, f"±{float(f'{width:.3g}'):g} ({why})"  # 3 significant digits: a band is rough


def judge(diff: dict[str, dict[str, dict]], bands: dict[str, dict[str, Band]]) -> list[Row]:
    """One row per changed metric of a `dvc metrics diff --json` result, with its verdict: those
    beyond their band first, then those within, then those without one (each by file and key)."""
    rows = []
    for file in sorted(diff):
        for metric in sorted(diff[file]):
            entry = diff[file][metric]
            old, new = entry.get("old"), entry.get("new")
            numbers = is_number(old) and is_number(new)
            change = new - old if numbers else None
            band = bands.get(file, {}).get(metric)
            if band is None:
                rows.append(Row(file, metric, old, new, change, "", NO_BAND))
            elif not numbers:  # a banded metric that appeared, vanished or is no number: not noise
                why = "absent in old" if old is None else "absent in new" if new is None else "not a number"
                rows.append(Row(file, metric, old, new, None, f"({why})", BEYOND))
            else:
                width, text = describe(band, old)
                within = abs(change) <= width + TOLERANCE * max(width, abs(old), abs(new))
                rows.append(Row(file, metric, old, new, change, text, WITHIN if within else BEYOND))
    order = (BEYOND, WITHIN, NO_BAND)
    return sorted(rows, key=lambda row: order.index(row.verdict))  # stable: file and key order kept


def _format(value, signed: bool = False) -> str:
    if value is None:
        return "—"
    if not is_number(value):
        return str(value)
    if isinstance(value, int):
        return f"{value:+d}" if signed else str(value)
    if value != 0 and abs(value) < 1e-4:
        return f"{value:+.2e}" if signed else f"{value:.2e}"
    text = f"{value:.5f}".rstrip("0").rstrip(".")  # dvc's default precision: 5 decimals
    text = "0" if text in ("-0", "") else text
    return f"+{text}" if signed and not text.startswith("-") and text != "0" else text


def _cell(value) -> str:
    return str(value).replace("|", "\\|")


def table(rows: list[Row], only_banded: bool = False) -> str:
    """The rows as a markdown table under one line that counts the verdicts; only_banded leaves
    out the rows without a band (still counted)."""
    count = {verdict: sum(row.verdict == verdict for row in rows) for verdict in (BEYOND, WITHIN, NO_BAND)}
    if not rows:
        return "No metric changed.\n"
    changes = "change" if count[BEYOND] == 1 else "changes"
    lines = [f"{count[BEYOND]} {changes} beyond their noise band, {count[WITHIN]} within, "
             f"{count[NO_BAND]} without a band{' (not listed)' if only_banded else ''} "
             "(noise.yaml; README, \"Noise bands\").", "",
             "| file | metric | old | new | change | band | verdict |", "|---|---|---:|---:|---:|---|---|"]
    for row in rows:
        if only_banded and row.verdict == NO_BAND:
            continue
        verdict = f"**{row.verdict}**" if row.verdict == BEYOND else row.verdict
        cells = (row.file, row.metric, _format(row.old), _format(row.new), _format(row.change, signed=True),
                 row.band, verdict)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m latentlab.compare",
        description="Mark each metric change as within or beyond its noise band (noise.yaml).")
    parser.add_argument("revisions", nargs="*", metavar="REV",
                        help="A [B]: git revisions or dvc experiment names "
                             "(dvc metrics diff's defaults: HEAD, the workspace)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--folders", nargs=2, metavar=("OLD", "NEW"),
                        help="two reports/metrics-shaped folders, diffed without dvc")
    source.add_argument("--json", metavar="FILE", help="a saved `dvc metrics diff --json` output")
    parser.add_argument("--bands", default="noise.yaml", help="the noise bands file (default: noise.yaml)")
    parser.add_argument("--fail-beyond", action="store_true", help="exit 1 when a change is beyond its band")
    parser.add_argument("--only-banded", action="store_true", help="list only the metrics that have a band")
    args = parser.parse_args(argv)
    if len(args.revisions) > 2:
        parser.error("at most two revisions: A [B]")
    if args.revisions and (args.folders or args.json):
        parser.error("revisions, --folders and --json are three ways to give the diff: use one")
    try:
        bands = load_bands(args.bands)
        if args.folders:
            diff = diff_folders(*args.folders)
        elif args.json:
            diff = read_diff_json(args.json)
        else:
            diff = dvc_diff(*(args.revisions + [None, None])[:2])
    except (BandError, CompareError, OSError) as error:
        print(f"compare: {error}", file=sys.stderr)
        return 2
    rows = judge(diff, bands)
    print(table(rows, args.only_banded), end="")
    return 1 if args.fail_beyond and any(row.verdict == BEYOND for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
