"""`make repro`'s stopwatch (latentlab/repro_timing.py): each stage's seconds run from its
"Running stage" line to the next one's, stages that did not run keep their last seconds, and a run
of a real (tiny) dvc.yaml writes the table."""
import json
import sys

from pipeline_copy import _run

from latentlab.repro_timing import stage_seconds, table

OUTPUT = [
    (0.0, "Stage 'download' didn't change, skipping\n"),
    (1.0, "Running stage 'train_vae':\n"),
    (2.0, "> python stages/train_vae.py\n"),
    (31.0, "Running stage 'embed@vae':\n"),
    (40.0, "Updating lock file 'dvc.lock'\n"),
]


def test_a_stage_lasts_until_the_next_one_starts_or_the_run_ends():
    assert stage_seconds(OUTPUT, end=45.5) == {"train_vae": 30.0, "embed@vae": 14.5}
    assert stage_seconds(OUTPUT[:1], end=3.0) == {}


def test_the_table_sorts_by_seconds_and_sums_them():
    text = table({"stages": {"embed@vae": 15.0, "train_vae": 45.0}, "last_run": {"wall_seconds": 61, "stages_run": 2,
                                                                              "exit_code": 0}})
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[1] == "| train_vae | 45 | 75.0% |" and rows[2] == "| embed@vae | 15 | 25.0% |"
    assert "**60** (1.0 min)" in rows[-1] and "61 s wall, 2 stages run, exit 0" in text


def test_a_repro_writes_every_stage_and_a_second_keeps_the_first_ones_seconds(tmp_path):
    (tmp_path / "dvc.yaml").write_text(
        "stages:\n"
        "  one:\n    cmd: python -c \"import time; time.sleep(0.5); open('a', 'w').write('a')\"\n    outs: [a]\n"
        "  two:\n    cmd: python -c \"open('b', 'w').write(open('a').read())\"\n    deps: [a]\n    outs: [b]\n")
    _run(["git", "init", "-q"], tmp_path)
    _run([sys.executable, "-m", "dvc", "init", "-q"], tmp_path)
    out = _run([sys.executable, "-m", "latentlab.repro_timing"], tmp_path).stdout
    assert "Running stage 'one'" in out  # dvc's output passes through
    first = json.loads((tmp_path / "reports/timing/repro.json").read_text())
    assert set(first["stages"]) == {"one", "two"} and first["stages"]["one"] >= 0.5
    assert first["last_run"]["stages_run"] == 2 and first["last_run"]["exit_code"] == 0
    _run([sys.executable, "-m", "latentlab.repro_timing", "--force", "--single-item", "two"], tmp_path)
    second = json.loads((tmp_path / "reports/timing/repro.json").read_text())
    assert second["stages"]["one"] == first["stages"]["one"] and second["last_run"]["stages_run"] == 1
    assert "| one |" in (tmp_path / "reports/timing/repro.md").read_text()
    (tmp_path / "dvc.yaml").write_text((tmp_path / "dvc.yaml").read_text().split("  two:")[0])  # two leaves
    _run([sys.executable, "-m", "latentlab.repro_timing", "--force", "one"], tmp_path)
    third = json.loads((tmp_path / "reports/timing/repro.json").read_text())
    assert set(third["stages"]) == {"one"} and "| two |" not in (tmp_path / "reports/timing/repro.md").read_text()
