"""Noise bands of headline metrics (noise.yaml): how far a metric moves between runs that differ only
by training seed or by machine, so a diff can say whether a change is beyond that. No TensorFlow."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from numbers import Real
from pathlib import Path

import yaml

# Two-sided, per metric: when nothing but the seed changed, a metric's change lands beyond its band 1
# time in 100 (on average over what the sd estimate could have been). noise.yaml's 60 entries hold
# about 45 distinct numbers (fid_floor is in five files), so a diff shows about 0.45 beyond on
# average, and any at all in up to about 36% of diffs (1 - 0.99^45; fewer, as a model's metrics move
# together).
CONFIDENCE = 0.99
FIELDS = ("seed_sd", "seeds", "run_seed_sd", "runs", "machine", "machine_relative", "source")


class BandError(ValueError):
    """A malformed noise.yaml entry; the message names the file, the metrics file and the key."""


@dataclass(frozen=True)
class Band:
    """One metric's measured spread. seed_sd: standard deviation over `seeds` training seeds (None
    when not benched); machine: the largest move seen between two machines with the same params and
    seed (None when not measured); machine_relative: the same move as a fraction of the value, for
    metrics whose absolute move does not carry over from one value to another (a classifier-feature
    FID moves with the classifier by a share of itself); source: the command (or README section)
    that measured them; run_seed_sd: standard deviation over `runs` whole default runs that differ
    only in params.yaml's `seed` (bench/run_seeds.py: every stage retrained, the classifier and the
    latents included, which a stage's seed bench holds fixed)."""
    seed_sd: float | None
    seeds: int
    machine: float | None
    source: str
    machine_relative: float | None = None
    run_seed_sd: float | None = None
    runs: int = 0

    def parts(self, old_value: float) -> list[tuple[float, str]]:
        """(half width, what it is) of each measured part of the band at old_value: each sd times
        sd_factor of its count, the machine move, the relative machine move of old_value."""
        parts = []
        for sd, count, what in ((self.seed_sd, self.seeds, "seeds"), (self.run_seed_sd, self.runs, "whole runs")):
            if sd is not None:
                factor = sd_factor(count)
                parts.append((factor * sd, f"{factor:.3g} sd of {count} {what}"))
        if self.machine is not None:
            parts.append((abs(self.machine), "machine"))
        if self.machine_relative is not None:
            parts.append((self.machine_relative * abs(old_value), f"machine, {self.machine_relative:.1%} of old"))
        return parts

    def limit(self, old_value: float) -> float:
        """|change| from old_value up to this is within the band: its widest part."""
        return max((width for width, _ in self.parts(old_value)), default=0.0)


@lru_cache(maxsize=None)
def sd_factor(count: int) -> float:
    """How many sds, measured over `count` runs, the change between two runs of the same settings
    stays within, CONFIDENCE of the time: a prediction interval. The change of two runs has sd
    sqrt(2) sigma, and sigma is only estimated, from count - 1 degrees of freedom, so the factor is
    Student's t quantile times sqrt(2): 14.0 at 3 runs, 8.3 at 4, 6.5 at 5, 4.6 at 10, 3.9 at 30,
    3.7 at 100 (the normal's 3.64 in the limit). A fixed 3 sd of 3 runs called 2 or 3 of some 58
    metrics beyond in a fourth seed's run (issue 23's seed 3)."""
    if count < 2:
        raise ValueError(f"an sd needs at least 2 runs, not {count}")
    from scipy.stats import t as student_t  # here, not at import: scipy.stats takes ~0.7 s, the plots stage needs no band

    return float(student_t.ppf(0.5 + CONFIDENCE / 2, count - 1)) * math.sqrt(2)


def _number(value, name: str, where: str) -> float | None:
    # bool is an int to Python, but `seed_sd: yes` is a typo, not a spread
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
        raise BandError(f"{where}: {name} must be a number >= 0 or null, not {value!r}")
    return float(value)


def _band(entry, where: str) -> Band:
    if not isinstance(entry, dict):
        raise BandError(f"{where}: expected a mapping of {', '.join(FIELDS)}, not {entry!r}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise BandError(f"{where}: unknown field {', '.join(map(str, unknown))}; the fields are {', '.join(FIELDS)}")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise BandError(f"{where}: source is required: the command that measured the band and where its numbers are")
    seed_sd = _number(entry.get("seed_sd"), "seed_sd", where)
    machine = _number(entry.get("machine"), "machine", where)
    machine_relative = _number(entry.get("machine_relative"), "machine_relative", where)
    seeds = _count(entry, "seeds", seed_sd, "seed_sd", where)
    run_seed_sd = _number(entry.get("run_seed_sd"), "run_seed_sd", where)
    runs = _count(entry, "runs", run_seed_sd, "run_seed_sd", where)
    if seed_sd is None and run_seed_sd is None and machine is None and machine_relative is None:
        raise BandError(f"{where}: no measured spread (seed_sd, run_seed_sd, machine or machine_relative); "
                        "a metric with no measurement gets no entry")
    return Band(seed_sd, seeds, machine, source.strip(), machine_relative, run_seed_sd, runs)


def _count(entry: dict, name: str, sd: float | None, sd_name: str, where: str) -> int:
    """The number of seeds (or runs) an sd is over: a whole number, at least 2 when there is an sd."""
    count = entry.get(name, 0)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise BandError(f"{where}: {name} must be a whole number >= 0, not {count!r}")
    if sd is not None and count < 2:  # one seed has no spread
        raise BandError(f"{where}: {sd_name} {sd:g} needs {name} >= 2 (the number it is over), not {count}")
    return count


def load_bands(path: str | Path = "noise.yaml") -> dict[str, dict[str, Band]]:
    """{metrics file (as dvc names it, e.g. reports/metrics/train/exon.json): {dotted key: Band}}.
    Raises BandError naming the entry when one is malformed."""
    raw = yaml.safe_load(Path(path).read_text()) or {}
    files = raw.get("bands") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        raise BandError(f"{path}: expected `bands:` mapping metrics files to {{dotted key: band}}")
    bands: dict[str, dict[str, Band]] = {}
    for file, keys in files.items():
        if not isinstance(keys, dict):
            raise BandError(f"{path}: {file}: expected a mapping of dotted metric keys to bands, not {keys!r}")
        for key, entry in keys.items():
            bands.setdefault(str(file), {})[str(key)] = _band(entry, f"{path}: {file}: {key}")
    return bands
