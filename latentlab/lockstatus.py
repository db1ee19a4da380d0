"""Does the committed dvc.lock match the committed code, params and commands? On a fresh clone
`dvc status` may report only outputs that are missing (DVC's data is not in git) and, for the same
reason, dependencies that are another stage's missing outputs. Anything else (a changed code file,
a params value, a command, a committed metric that is not the lock's) means the committed results
are not what the committed code produces: one line per such stage, exit 1.

    python -m latentlab.lockstatus          # in the project's root, with dvc installed
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import PurePosixPath

MISSING = {"deleted", "not in cache"}


def _made_by_stages(path: str, outputs: set[str]) -> bool:
    """An output, inside one, or a folder of outputs (data/exon_beta holds each beta's file)."""
    dep = PurePosixPath(path)
    return any(dep == out or out in dep.parents or dep in out.parents for out in map(PurePosixPath, outputs))


def stale_stages(status: dict, outputs: set[str]) -> list[str]:
    """One line per stage whose status is more than missing data. `status` is `dvc status
    --json`; `outputs` every output path of the pipeline (a missing dependency is fine when it is
    upstream stages' data, not in git)."""
    lines = []
    for stage, entries in status.items():
        changes = []
        for entry in entries:
            if entry == "changed command":
                changes.append("command changed")
            elif isinstance(entry, str):  # e.g. "always changed" or a state DVC adds later
                changes.append(entry)
            elif "changed deps" in entry:
                for path, state in entry["changed deps"].items():
                    if isinstance(state, dict):  # a params file: {key: new | modified | deleted}
                        changes += [f"params {key} {value}" for key, value in state.items()]
                    elif not (state == "deleted" and _made_by_stages(path, outputs)):
                        changes.append(f"{path} {state}")
            elif "changed outs" in entry:
                changes += [f"output {path} {state}" for path, state in entry["changed outs"].items()
                            if state not in MISSING]
            else:
                changes.append(json.dumps(entry))
        if changes:
            lines.append(f"{stage}: {', '.join(changes)}")
    return lines


def pipeline_outputs(lock: dict) -> set[str]:
    return {out["path"] for stage in lock.get("stages", {}).values() for out in stage.get("outs", [])}


def main() -> int:
    import yaml

    with open("dvc.lock") as file:
        outputs = pipeline_outputs(yaml.safe_load(file) or {})
    result = subprocess.run([sys.executable, "-m", "dvc", "status", "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"lock check: dvc status failed: {result.stderr.strip()}", file=sys.stderr)
        return 2
    lines = stale_stages(json.loads(result.stdout or "{}"), outputs)
    for line in lines:
        print(f"dvc.lock is stale: {line}", file=sys.stderr)
    if lines:
        print(f"lock check: {len(lines)} stages do not match the committed code and params; rerun them "
              "(`dvc repro`) and commit dvc.lock with their metrics", file=sys.stderr)
        return 1
    print("lock check: dvc.lock matches the code, params and commands (only DVC-cached outputs missing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
