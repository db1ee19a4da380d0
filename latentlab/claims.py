"""The papers' central claims (claims.yaml) held against a run's metrics: one row per claim with the
paper's number and its source, ours, our spread where noise.yaml has a band, and whether it holds.
Pure Python (no TensorFlow), so a report or a test reads it in milliseconds."""
from __future__ import annotations

import fnmatch
import html
import math
import operator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from .dotted import flatten

METRICS_DIR = PurePosixPath("reports/metrics")  # claims name metrics files as dvc does: under this folder
OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
MISSING = "—"  # a cell with nothing to show: no metric, no band


class ClaimsError(ValueError):
    """A malformed claims.yaml entry, or a claim whose metric is not a number; the message names both."""


@dataclass(frozen=True)
class MetricRef:
    """One number of a run: `key` (dotted, `*` for any part) in metrics `file` (as dvc names it);
    with a `*`, `take` (max or min) chooses among the matches."""
    file: str
    key: str
    take: str | None = None


@dataclass(frozen=True)
class Claim:
    system: str
    claim: str
    paper: float | None
    source: str
    ours: MetricRef
    op: str
    than: float | tuple[MetricRef, ...]  # a number, or metrics ours must beat every present one of
    target_from: str | None = None


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the reports show it; `ours` is None when its metric is missing (holds 'n/a')."""
    system: str
    claim: str
    paper: float | None
    source: str
    ours: float | None
    spread: str
    spread_source: str | None
    test: str
    test_from: str | None  # where the target comes from (an issue's Done when)
    holds: str


# -- claims.yaml ------------------------------------------------------------------------------------

def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Entry:
    """Reads one entry, every complaint naming the file, the entry and the key."""

    def __init__(self, path, index: int, raw):
        self.where = f"{path}: claims[{index}]"
        if isinstance(raw, dict) and isinstance(raw.get("system"), str):
            self.where += f" ({raw['system']})"
        if not isinstance(raw, dict):
            self.fail("", f"an entry is a mapping of system, claim, paper, source, ours, holds_if; got {raw!r}")
        self.raw = raw

    def fail(self, key: str, problem: str):
        raise ClaimsError(f"{self.where}: {key + ': ' if key else ''}{problem}")

    def keys(self, mapping: dict, name: str, required: set[str], optional: set[str] = frozenset()) -> None:
        if not isinstance(mapping, dict):
            self.fail(name, f"a mapping of {', '.join(sorted(required | optional))}; got {mapping!r}")
        prefix = f"{name}." if name else ""
        for key in sorted(required - set(mapping)):
            self.fail(prefix + key, "missing")
        for key in sorted(set(mapping) - required - set(optional)):
            self.fail(prefix + key, f"unknown key (known: {', '.join(sorted(required | optional))})")

    def text(self, mapping: dict, key: str, name: str) -> str:
        value = mapping[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"a non-empty string; got {value!r}")
        return value

    def metric(self, raw, name: str, same_file: str | None = None) -> MetricRef:
        """{file, key[, take]}; `file` may be left out where `same_file` stands in for it."""
        self.keys(raw, name, {"key"} | ({"file"} if same_file is None else set()), {"file", "take"})
        file = self.text(raw, "file", f"{name}.file") if "file" in raw else same_file
        path = PurePosixPath(file)
        if path.suffix != ".json" or path.is_absolute() or METRICS_DIR not in path.parents:
            self.fail(f"{name}.file", f"a metrics JSON file under {METRICS_DIR}/, as dvc.yaml names it; got {file!r}")
        key = self.text(raw, "key", f"{name}.key")
        take = raw.get("take")
        if "*" in key and take not in ("max", "min"):
            self.fail(f"{name}.take", f"max or min: the key {key!r} has a * and may match several numbers; got {take!r}")
        if "*" not in key and take is not None:
            self.fail(f"{name}.take", "only with a * in the key")
        return MetricRef(file, key, take)

    def claim(self) -> Claim:
        raw = self.raw
        self.keys(raw, "", {"system", "claim", "paper", "source", "ours", "holds_if"})
        paper = raw["paper"]
        if paper is not None and not _is_number(paper):
            self.fail("paper", f"a number, or null where the paper gives none; got {paper!r}")
        ours = self.metric(raw["ours"], "ours")
        rule = raw["holds_if"]
        self.keys(rule, "holds_if", {"op", "than"}, {"from"})
        if rule["op"] not in OPERATORS:
            self.fail("holds_if.op", f"one of {', '.join(OPERATORS)}; got {rule['op']!r}")
        than = rule["than"]
        if _is_number(than):
            target = float(than)
        elif isinstance(than, dict):
            target = (self.metric(than, "holds_if.than", same_file=ours.file),)
        elif isinstance(than, list) and than:
            target = tuple(self.metric(m, f"holds_if.than[{i}]", same_file=ours.file) for i, m in enumerate(than))
        else:
            self.fail("holds_if.than", f"a number, a metric {{key}} or {{file, key}}, or a list of metrics; got {than!r}")
        target_from = rule.get("from")
        if target_from is not None and not isinstance(target_from, str):
            self.fail("holds_if.from", f"a string; got {target_from!r}")
        return Claim(self.text(raw, "system", "system"), self.text(raw, "claim", "claim"),
                     None if paper is None else float(paper), self.text(raw, "source", "source"),
                     ours, rule["op"], target, target_from)


def load_claims(path: str | Path = "claims.yaml") -> list[Claim]:
    """Every claim of claims.yaml; a malformed one raises ClaimsError naming its entry and key."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except OSError as error:
        raise ClaimsError(f"{path}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise ClaimsError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(raw, dict) or set(raw) != {"claims"} or not isinstance(raw["claims"], list):
        raise ClaimsError(f"{path}: one top-level key, claims: a list of entries")
    return [_Entry(path, i, entry).claim() for i, entry in enumerate(raw["claims"])]


# -- evaluation -------------------------------------------------------------------------------------

def _file_metrics(table: dict[str, dict[str, dict]], file: str) -> dict | None:
    """One file's metrics from collect_metrics's {group: {name: metrics}}; None when absent (or left
    out there: a model not in the pipeline)."""
    relative = PurePosixPath(file).relative_to(METRICS_DIR)
    group = relative.parts[0] if len(relative.parts) > 1 else relative.stem
    return table.get(group, {}).get(relative.stem)


def _value(table, ref: MetricRef, claim: Claim) -> tuple[float, str] | None:
    """(number, the dotted key it came from), or None when the file or key is missing."""
    metrics = _file_metrics(table, ref.file)
    if metrics is None:
        return None
    flat = flatten(metrics)
    matches = {key: flat[key] for key in flat if fnmatch.fnmatchcase(key, ref.key)}
    for key, value in matches.items():
        if not _is_number(value):
            raise ClaimsError(f"claim {claim.system!r} ({claim.claim}): {ref.file}: {key} is {value!r}, not a number")
    if not matches:
        return None
    pick = max if ref.take == "max" else min
    key = pick(matches, key=matches.get) if len(matches) > 1 else next(iter(matches))
    return float(matches[key]), key


def _number(value: float) -> str:
    return f"{value:.4g}"


def _name(ref: MetricRef, ours: MetricRef) -> str:
    """A compared metric as the table names it: its key, with its file when not ours'."""
    if ref.file == ours.file:
        return ref.key
    return f"{PurePosixPath(ref.file).relative_to(METRICS_DIR)} {ref.key}"


def spread_text(band) -> str:
    """A noise band (latentlab.noise.Band) as one cell: 'sd 0.003 (3 seeds); machines 0.005', a
    relative machine move as 'machines 12%'."""
    if band is None:
        return MISSING
    parts = []
    if band.seed_sd is not None:
        parts.append(f"sd {band.seed_sd:.2g} ({band.seeds} seeds)")
    if band.run_seed_sd is not None:
        parts.append(f"sd {band.run_seed_sd:.2g} ({band.runs} whole runs)")
    if band.machine is not None:
        parts.append(f"machines {abs(band.machine):.2g}")
    if band.machine_relative is not None:  # a FID's machine move, a share of its value
        parts.append(f"machines {band.machine_relative:.0%}")
    return "; ".join(parts) or MISSING


def _test(claim: Claim, ours: float | None, table) -> tuple[str, str]:
    """(the test as the table shows it, holds). Against metrics: those present count (a model not in
    the pipeline has no file), and the strictest of them is shown; none present reads n/a."""
    compare = OPERATORS[claim.op]

    def decide(targets: list[float]) -> str:
        return "n/a" if ours is None else ("yes" if all(compare(ours, t) for t in targets) else "no")

    if isinstance(claim.than, float):
        return f"{claim.op} {_number(claim.than)}", decide([claim.than])
    others = [(ref, _value(table, ref, claim)) for ref in claim.than]
    present = [(ref, found[0]) for ref, found in others if found is not None]
    absent = [_name(ref, claim.ours) for ref, found in others if found is None]
    if not present:
        return f"{claim.op} {', '.join(absent)} (missing)", "n/a"
    strictest = max if claim.op in (">", ">=") else min
    ref, value = strictest(present, key=lambda pair: pair[1])
    test = f"{claim.op} {_number(value)} ({_name(ref, claim.ours)})"
    if len(present) > 1:
        test += f", the {'highest' if strictest is max else 'lowest'} of {len(present)}"
    if absent:
        test += f"; {', '.join(absent)} missing"
    return test, decide([v for _, v in present])


def evaluate(claims: list[Claim], table: dict[str, dict[str, dict]], bands: dict | None = None) -> list[ClaimRow]:
    """One row per claim against `table` (latentlab.report.collect_metrics's reading of a metrics
    folder). `bands`: latentlab.noise.load_bands's {file: {dotted key: Band}}; a metric without one
    shows no spread. Holds is decided on our number alone; the spread is there to judge a near miss."""
    bands = bands or {}
    rows = []
    for claim in claims:
        found = _value(table, claim.ours, claim)
        ours, band = None, None
        if found is not None:
            ours, key = found
            file_bands = bands.get(claim.ours.file, {})
            band = file_bands.get(key) or file_bands.get(claim.ours.key)  # a * claim: the band of the key taken
        test, holds = _test(claim, ours, table)
        rows.append(ClaimRow(claim.system, claim.claim, claim.paper, claim.source, ours, spread_text(band),
                             band.source if band is not None else None, test, claim.target_from, holds))
    return rows


# -- rendering --------------------------------------------------------------------------------------

COLUMNS = ("system", "claim", "paper", "ours", "spread", "holds if", "holds")


def _sources(rows: list[ClaimRow]) -> dict[str, int]:
    """Each distinct source, numbered in order of first use: the table cites them as [n] below it."""
    numbers: dict[str, int] = {}
    for row in rows:
        numbers.setdefault(row.source, len(numbers) + 1)
    return numbers


def _cells(row: ClaimRow, number: int) -> list[str]:
    paper = MISSING if row.paper is None else f"{row.paper:g}"
    ours = MISSING if row.ours is None else _number(row.ours)
    return [row.system, row.claim, f"{paper} [{number}]", ours, row.spread, row.test, row.holds]


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")  # a | would end the cell


def claims_markdown(rows: list[ClaimRow]) -> str:
    """The claims as a markdown table, the sources numbered below it."""
    numbers = _sources(rows)
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|---:|---:|---|---|---|"]
    for row in rows:
        cells = _cells(row, numbers[row.source])
        cells[-1] = f"**{cells[-1]}**"
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    lines += [""] + [f"- [{n}] {source}" for source, n in numbers.items()]
    return "\n".join(lines) + "\n"


def _hover(text: str | None) -> str:
    return f' title="{html.escape(text)}"' if text else ""


def claims_html(rows: list[ClaimRow]) -> str:
    """The claims as an HTML table (holds: class yes, no or na for the page's colours; the spread's
    and the target's origins shown on hover), the sources numbered in a list below it."""
    numbers = _sources(rows)
    out = ['<table class="claims">', "<thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS) + "</tr></thead>",
           "<tbody>"]
    for row in rows:
        number = numbers[row.source]
        system, claim, paper, ours, spread, test, holds = (html.escape(cell) for cell in _cells(row, number))
        paper = paper.replace(f"[{number}]", f'<a href="#source-{number}">[{number}]</a>')
        holds_class = {"yes": "yes", "no": "no"}.get(row.holds, "na")
        out.append(f"<tr><td>{system}</td><td>{claim}</td><td>{paper}</td><td>{ours}</td>"
                   f"<td{_hover(row.spread_source)}>{spread}</td><td{_hover(row.test_from)}>{test}</td>"
                   f'<td class="{holds_class}">{holds}</td></tr>')
    out += ["</tbody>", "</table>", '<ol class="sources">']
    out += [f'<li id="source-{n}">{html.escape(source)}</li>' for source, n in numbers.items()]
    out.append("</ol>")
    return "\n".join(out) + "\n"
