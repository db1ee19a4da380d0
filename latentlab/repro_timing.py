"""`dvc repro` with a stopwatch: runs it, passes its output through, and writes the wall time of
every stage that ran (from its "Running stage" line to the next stage's, so DVC's hashing and
caching of its outputs count too) to reports/timing/repro.json and a table to
reports/timing/repro.md. Stages that did not run keep the seconds of their last run, so the table
always covers the whole pipeline; stages no longer in it (`dvc stage list`) leave the table;
`last_run` says how long this `dvc repro` took and what it ran.

    python -m latentlab.repro_timing [dvc repro arguments]      # what `make repro` runs
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

RUNNING = re.compile(r"^Running stage '([^']+)'")
FOLDER = Path("reports/timing")


def stage_seconds(lines_with_times: list[tuple[float, str]], end: float) -> dict[str, float]:
    """{stage: seconds} from (monotonic time, line) pairs of dvc repro's output."""
    starts = [(t, m.group(1)) for t, line in lines_with_times if (m := RUNNING.match(line))]
    bounds = [t for t, _ in starts[1:]] + [end]
    return {stage: round(stop - start, 1) for (start, stage), stop in zip(starts, bounds)}


def table(record: dict) -> str:
    stages = record["stages"]
    total = sum(stages.values())
    last = record.get("last_run", {})
    rows = ["| stage | seconds | share |", "|---|---:|---:|"]
    for stage, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        rows.append(f"| {stage} | {seconds:.0f} | {seconds / total:.1%} |" if total else f"| {stage} | {seconds:.0f} | |")
    rows.append(f"| **all stages** | **{total:.0f}** ({total / 60:.1f} min) | |")
    note = (f"Last `dvc repro`: {last.get('wall_seconds', 0):.0f} s wall, {last.get('stages_run', 0)} stages run, "
            f"exit {last.get('exit_code')}." if last else "")
    return "# Seconds per stage (each stage's last run; python -m latentlab.repro_timing)\n\n" + "\n".join(rows) + (
        "\n\n" + note if note else "") + "\n"


def pipeline_stages() -> set[str] | None:
    """Every stage of the pipeline, foreach items included (None if dvc cannot list them)."""
    listed = subprocess.run([sys.executable, "-m", "dvc", "stage", "list", "--all", "--name-only"],
                            capture_output=True, text=True)
    return set(listed.stdout.split()) if listed.returncode == 0 else None


def main(argv: list[str]) -> int:
    started = time.monotonic()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, "-m", "dvc", "repro", *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1, env=env)
    seen = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        seen.append((time.monotonic(), line))
    code = process.wait()
    end = time.monotonic()
    ran = stage_seconds(seen, end)
    if ran:
        path = FOLDER / "repro.json"
        record = json.loads(path.read_text()) if path.exists() else {"stages": {}}
        record["stages"].update(ran)
        if (current := pipeline_stages()) is not None:
            record["stages"] = {stage: s for stage, s in record["stages"].items() if stage in current}
        record["last_run"] = {"wall_seconds": round(end - started, 1), "stages_run": len(ran), "exit_code": code}
        FOLDER.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        (FOLDER / "repro.md").write_text(table(record))
        print(f"repro_timing: {len(ran)} stages in {end - started:.0f} s; table in {FOLDER / 'repro.md'}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
