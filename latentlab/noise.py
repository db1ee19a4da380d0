"""Noise bands of headline metrics (noise.yaml): how far a metric moves between runs that differ only
by training seed or by machine, so a diff can say whether a change is beyond that. No TensorFlow."""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from pathlib import Path

import yaml

SEED_SDS = 3.0  # a change within 3 seed standard deviations (or the measured machine move) is noise
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

    @property
    def half_width(self) -> float:
        """The absolute part of the band: |change| up to this is within it whatever the value."""
        return max(SEED_SDS * (self.seed_sd or 0.0), SEED_SDS * (self.run_seed_sd or 0.0), abs(self.machine or 0.0))

    def limit(self, old_value: float) -> float:
        """|change| from old_value up to this is within the band: the absolute part or the relative
        machine move of old_value, whichever is wider."""
        return max(self.half_width, (self.machine_relative or 0.0) * abs(old_value))


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
