"""Add one more whole default run to noise.yaml's whole-run bands: for every entry whose `source`
lists the runs' values ("whole runs: python bench/run_seeds.py ... (seeds 0 / 1 / 2, ...): a / b /
c"), append this run's value of that metric, recompute `run_seed_sd` (the ddof-1 sd over all the
listed values, rounded up in its third significant digit, as noise.yaml's header asks) and `runs`,
and name the seed in the source. noise.yaml keeps every run's values, so no earlier run's folder is
needed. Edits the file's text in place, comments and anchors kept.
Run: python bench/add_run_to_bands.py FOLDER --seed N [--bands noise.yaml]
  (FOLDER: the run's reports/metrics, e.g. /tmp/run_seeds/seed4/reports/metrics from bench/run_seeds.py)
"""
from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from latentlab.compare import CompareError, is_number, read_folder  # noqa: E402  (no TensorFlow)

# "--seeds 1 2 (seeds 0 / 1 / 2, issue 23): 0.98 / 0.983 / 0.977" and its later forms
RUNS = re.compile(r"--seeds (?P<flags>[\d ]+?) \(seeds (?P<seeds>[\d /]+?)(?P<note>, [^)]*)\): (?P<values>[^\"]+)\"")


def round_up(sd: float) -> float:
    """sd rounded up in its third significant digit: the measured spread itself stays within."""
    if sd == 0:
        return 0.0
    step = 10 ** (math.floor(math.log10(sd)) - 2)
    return float(f"{math.ceil(sd / step - 1e-9) * step:.3g}")


def add_run(text: str, metrics: dict[str, dict], seed: int) -> tuple[str, list[str]]:
    """(noise.yaml's text with the run added, one line per entry changed)."""
    lines = text.splitlines(keepends=True)
    changed, file, i = [], None, 0
    while i < len(lines):
        header = re.match(r"^  (reports/\S+):", lines[i])
        if header:
            file = header.group(1)
        entry = re.match(r"^    ([\w.]+):", lines[i])
        end = i + 1
        while end < len(lines) and lines[end].startswith("      "):  # the entry's indented body
            end += 1
        block = "".join(lines[i:end])
        found = RUNS.search(block) if entry else None
        if found:
            key = entry.group(1)
            seeds = found["seeds"].split(" / ")
            if str(seed) in seeds:
                raise SystemExit(f"{file}: {key}: seed {seed} is already one of its runs ({found['seeds']})")
            value = metrics.get(file, {}).get(key)
            if not is_number(value):
                raise SystemExit(f"{file}: {key}: not a number in the run's metrics ({value!r})")
            values = [float(v) for v in found["values"].split(" / ")] + [float(value)]
            sd = round_up(statistics.stdev(values))
            new = (f"--seeds {found['flags']} {seed} (seeds {found['seeds']} / {seed}{found['note']}): "
                   f"{found['values']} / {float(value):.6g}\"")
            block = block[:found.start()] + new + block[found.end():]
            block = re.sub(r"run_seed_sd: [0-9.e-]+", f"run_seed_sd: {sd:g}", block, count=1)
            block = re.sub(r"runs: \d+", f"runs: {len(values)}", block, count=1)
            lines[i:end] = [block]
            changed.append(f"{file} {key}: {len(values)} runs, sd {sd:g}")
            end = i + 1
        i = end
    return "".join(lines), changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="the run's reports/metrics folder")
    parser.add_argument("--seed", type=int, required=True, help="the run's params.yaml seed")
    parser.add_argument("--bands", type=Path, default=ROOT / "noise.yaml")
    args = parser.parse_args()
    try:
        metrics = read_folder(args.folder)
    except CompareError as error:
        raise SystemExit(str(error)) from None
    text, changed = add_run(args.bands.read_text(), metrics, args.seed)
    if not changed:
        raise SystemExit(f"{args.bands}: no entry lists whole runs' values; nothing changed")
    args.bands.write_text(text)
    print("\n".join(changed))


if __name__ == "__main__":
    main()
