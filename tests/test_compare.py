"""The noise-band check (latentlab/compare.py, latentlab/noise.py, noise.yaml): a change inside its
band is within, outside it BEYOND, a metric nobody measured has no band, relative bands scale with
the old value; a malformed noise.yaml entry stops with a line naming it; the real noise.yaml names
only metrics the committed reports/metrics hold (a renamed metric breaks this test); --fail-beyond's
exit codes; --folders diffs two metrics folders as dvc would. No TensorFlow, no pipeline."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from latentlab import compare
from latentlab.compare import BEYOND, NO_BAND, WITHIN, diff_folders, flatten, judge, main
from latentlab.noise import CONFIDENCE, Band, BandError, load_bands, sd_factor

ROOT = Path(__file__).resolve().parents[1]
FILE = "reports/metrics/m.json"
BANDS = """\
bands:
  reports/metrics/m.json:
    acc: {seed_sd: 0.01, seeds: 3, machine: null, source: "bench A"}
    floor: {seed_sd: null, seeds: 0, machine: 0.005, source: "machine pair B"}
    fid.sample: {seed_sd: null, seeds: 0, machine: null, machine_relative: 0.25, source: "issue C"}
"""


def bands_file(tmp_path: Path, text: str = BANDS) -> Path:
    path = tmp_path / "noise.yaml"
    path.write_text(text)
    return path


def diff_of(changes: dict) -> dict:
    """{key: (old, new)} as `dvc metrics diff --json` gives it for FILE."""
    return {FILE: {key: {"old": old, "new": new, **({"diff": new - old} if None not in (old, new) else {})}
                   for key, (old, new) in changes.items()}}


def verdicts(tmp_path: Path, changes: dict, bands: str = BANDS) -> dict:
    return {row.metric: row.verdict for row in judge(diff_of(changes), load_bands(bands_file(tmp_path, bands)))}


def test_a_change_inside_its_band_is_within_and_outside_beyond(tmp_path):
    # acc: sd 0.01 of 3 seeds, 14.04 sd wide
    assert verdicts(tmp_path, {"acc": (0.50, 0.635)}) == {"acc": WITHIN}
    assert verdicts(tmp_path, {"acc": (0.50, 0.365)}) == {"acc": WITHIN}
    assert verdicts(tmp_path, {"acc": (0.50, 0.645)}) == {"acc": BEYOND}
    assert verdicts(tmp_path, {"acc": (0.50, 0.355)}) == {"acc": BEYOND}


@pytest.mark.parametrize("count, factor", [(2, 90.02), (3, 14.04), (5, 6.51), (30, 3.90), (10_000, 3.64)])
def test_the_sd_factor_is_the_two_run_prediction_interval(count, factor):
    # t(0.995, count - 1) x sqrt(2) from a t table: 63.657, 9.925, 4.604, 2.756, and the normal's 2.576
    assert sd_factor(count) == pytest.approx(factor, abs=0.01)


def test_one_run_has_no_sd_factor():
    with pytest.raises(ValueError, match="at least 2"):
        sd_factor(1)


def test_a_band_holds_a_new_pair_of_runs_as_often_as_it_says():
    # sd from 3 runs, then two more runs of the same settings: their change is beyond the band 1% of
    # the time; 3 sd of the 3 runs calls 16.8% of them beyond (P(|t with 2 dof| > 3 / sqrt(2)))
    runs = np.random.default_rng(0).normal(size=(200_000, 5))
    sd = runs[:, :3].std(axis=1, ddof=1)
    change = np.abs(runs[:, 3] - runs[:, 4])
    assert np.mean(change > sd_factor(3) * sd) == pytest.approx(1 - CONFIDENCE, abs=0.001)
    assert np.mean(change > 3 * sd) == pytest.approx(0.168, abs=0.005)


def test_the_measured_move_itself_is_within(tmp_path):
    # 0.98 - 0.975 is 0.0050000000000000044 in floats: still the move the band was measured from
    assert verdicts(tmp_path, {"floor": (0.98, 0.975)}) == {"floor": WITHIN}
    assert verdicts(tmp_path, {"floor": (0.975, 0.98)}) == {"floor": WITHIN}
    assert verdicts(tmp_path, {"floor": (0.98, 0.974)}) == {"floor": BEYOND}


def test_a_metric_without_a_band_says_so(tmp_path):
    rows = judge(diff_of({"other": (1, 3)}), load_bands(bands_file(tmp_path)))
    assert [(row.metric, row.change, row.band, row.verdict) for row in rows] == [("other", 2, "", NO_BAND)]


def test_a_relative_band_scales_with_the_old_value(tmp_path):
    band = Band(seed_sd=None, seeds=0, machine=None, source="s", machine_relative=0.25)
    assert band.limit(100.0) == 25.0 and band.limit(-8.0) == 2.0
    assert band.parts(100.0) == [(25.0, "machine, 25.0% of old")]
    assert verdicts(tmp_path, {"fid.sample": (100.0, 80.0)}) == {"fid.sample": WITHIN}
    assert verdicts(tmp_path, {"fid.sample": (100.0, 70.0)}) == {"fid.sample": BEYOND}
    assert verdicts(tmp_path, {"fid.sample": (8.0, 9.9)}) == {"fid.sample": WITHIN}
    assert verdicts(tmp_path, {"fid.sample": (8.0, 10.5)}) == {"fid.sample": BEYOND}


def test_the_band_is_the_widest_of_its_parts():
    both = Band(seed_sd=1.0, seeds=3, machine=2.0, source="s", machine_relative=0.1)
    assert both.limit(10.0) == pytest.approx(14.04, abs=0.01)  # 14.04 sd of 3 seeds
    assert both.limit(200.0) == 20.0  # 10% of 200
    width, text = compare.describe(both, 200.0)
    assert width == 20.0 and text == "±20 (machine, 10.0% of old)"
    assert compare.describe(both, 10.0)[1] == "±14 (14 sd of 3 seeds)"
    assert Band(seed_sd=None, seeds=0, machine=2.0, source="s").limit(10.0) == 2.0


def test_a_whole_run_band_widens_a_stage_seed_band(tmp_path):
    text = BANDS + '    elbo: {seed_sd: 0.01, seeds: 3, run_seed_sd: 0.1, runs: 3, source: "run_seeds.py"}\n'
    band = load_bands(bands_file(tmp_path, text))[FILE]["elbo"]
    assert (band.run_seed_sd, band.runs, band.limit(-150.0)) == (0.1, 3, pytest.approx(1.404, abs=0.001))
    assert compare.describe(band, -150.0)[1] == "±1.4 (14 sd of 3 whole runs)"
    assert verdicts(tmp_path, {"elbo": (-150.0, -151.3)}, text) == {"elbo": WITHIN}
    assert verdicts(tmp_path, {"elbo": (-150.0, -151.5)}, text) == {"elbo": BEYOND}


def test_a_banded_metric_missing_on_one_side_is_beyond(tmp_path):
    assert verdicts(tmp_path, {"acc": (None, 0.9)}) == {"acc": BEYOND}
    rows = judge(diff_of({"acc": (0.9, None)}), load_bands(bands_file(tmp_path)))
    assert rows[0].band == "(absent in new)"


def test_rows_beyond_come_first(tmp_path):
    rows = judge(diff_of({"acc": (0.9, 0.91), "zzz": (1, 2), "floor": (1.0, 2.0)}), load_bands(bands_file(tmp_path)))
    assert [row.verdict for row in rows] == [BEYOND, WITHIN, NO_BAND]


@pytest.mark.parametrize("entry, says", [
    ('{seed_sd: 0.01, seeds: 3, source: "b", sd: 1}', "unknown field sd"),
    ("{seed_sd: 0.01, seeds: 3}", "source is required"),
    ('{seed_sd: -0.01, seeds: 3, source: "b"}', "seed_sd must be a number >= 0"),
    ('{seed_sd: small, seeds: 3, source: "b"}', "seed_sd must be a number >= 0"),
    ('{machine: yes, source: "b"}', "machine must be a number >= 0"),
    ('{machine_relative: [0.2], source: "b"}', "machine_relative must be a number >= 0"),
    ('{seed_sd: 0.01, seeds: 1, source: "b"}', "needs seeds >= 2"),
    ('{seed_sd: 0.01, seeds: 2.5, source: "b"}', "seeds must be a whole number"),
    ('{run_seed_sd: 0.01, runs: 1, source: "b"}', "needs runs >= 2"),
    ('{run_seed_sd: -1, runs: 3, source: "b"}', "run_seed_sd must be a number >= 0"),
    ('{seed_sd: null, seeds: 0, machine: null, source: "b"}', "no measured spread"),
    ("0.01", "expected a mapping"),
])
def test_a_malformed_entry_stops_with_a_line_naming_it(tmp_path, entry, says):
    path = bands_file(tmp_path, f"bands:\n  {FILE}:\n    ok: {{seed_sd: 0.1, seeds: 3, source: b}}\n    broken.key: {entry}\n")
    with pytest.raises(BandError) as error:
        load_bands(path)
    assert f"{path}: {FILE}: broken.key: " in str(error.value) and says in str(error.value)


def test_a_file_without_bands_is_an_error(tmp_path):
    with pytest.raises(BandError, match="expected `bands:`"):
        load_bands(bands_file(tmp_path, "band:\n  x: 1\n"))


def test_malformed_bands_exit_2_with_one_line(tmp_path, capsys):
    diff = tmp_path / "diff.json"
    diff.write_text(json.dumps(diff_of({"acc": (0.9, 0.95)})))
    bad = bands_file(tmp_path, f"bands:\n  {FILE}:\n    acc: {{seed_sd: 0.01, seeds: 3}}\n")
    assert main(["--json", str(diff), "--bands", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{FILE}: acc: source is required" in err


def test_the_real_noise_yaml_names_metrics_the_committed_files_hold():
    bands = load_bands(ROOT / "noise.yaml")
    assert sum(map(len, bands.values())) >= 20
    for file, keys in bands.items():
        path = ROOT / file
        assert path.is_file(), f"noise.yaml names {file}, which reports/metrics does not hold"
        metrics = flatten(json.loads(path.read_text()))
        for key, band in keys.items():
            value = metrics.get(key)
            assert isinstance(value, (int, float)), f"noise.yaml: {file}: {key} is not a number in {file}"
            assert band.limit(value) > 0, f"noise.yaml: {file}: {key}: a band of width 0 calls every change beyond"
            assert "bench/" in band.source or "issue" in band.source or "README" in band.source, (
                f"noise.yaml: {file}: {key}: source names no command, issue or README section")


def test_fail_beyond_exit_codes(tmp_path, capsys):
    bands = bands_file(tmp_path)
    beyond, within = tmp_path / "beyond.json", tmp_path / "within.json"
    beyond.write_text(json.dumps(diff_of({"acc": (0.5, 0.7), "other": (1, 2)})))
    within.write_text(json.dumps(diff_of({"acc": (0.9, 0.91), "other": (1, 2)})))
    assert main(["--json", str(beyond), "--bands", str(bands)]) == 0  # marks, does not fail
    out = capsys.readouterr().out
    assert "| reports/metrics/m.json | acc | 0.5 | 0.7 | +0.2 | ±0.14 (14 sd of 3 seeds) | **BEYOND** |" in out
    assert "| reports/metrics/m.json | other | 1 | 2 | +1 |  | no band |" in out
    assert main(["--json", str(beyond), "--bands", str(bands), "--fail-beyond"]) == 1
    assert main(["--json", str(within), "--bands", str(bands), "--fail-beyond"]) == 0  # no band is no failure
    capsys.readouterr()
    assert main(["--json", str(within), "--bands", str(bands), "--only-banded"]) == 0
    out = capsys.readouterr().out
    assert "1 without a band (not listed)" in out and "| acc |" in out and "| other |" not in out


def test_a_diff_file_of_another_shape_exits_2(tmp_path, capsys):
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[1, 2]")
    assert main(["--json", str(wrong), "--bands", str(bands_file(tmp_path))]) == 2
    assert "not `dvc metrics diff --json`'s shape" in capsys.readouterr().err


def test_the_table_has_the_columns_asked(tmp_path):
    text = compare.table(judge(diff_of({"acc": (0.9, 0.91)}), load_bands(bands_file(tmp_path))))
    lines = text.splitlines()
    assert lines[0].startswith("0 changes beyond their noise band, 1 within, 0 without a band")
    assert lines[2] == "| file | metric | old | new | change | band | verdict |"
    assert compare.table([]) == "No metric changed.\n"


def write_folder(folder: Path, files: dict) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(data))
    return folder


OLD = {"m.json": {"acc": 0.5, "floor": 8.0, "same": 1, "fid": {"sample": 100.0, "list": [1, 2]}},
       "gone.json": {"x": 1}}
NEW = {"m.json": {"acc": 0.7, "floor": 8.004, "same": 1, "fid": {"sample": 80.0, "list": [1, 3]}, "added": 2},
       "sub/new.json": {"y": 0.5}}


def test_folders_are_diffed_as_dvc_diffs_them(tmp_path):
    dvc_diff = pytest.importorskip("dvc.utils.diff")
    old, new = write_folder(tmp_path / "a", OLD), write_folder(tmp_path / "b", NEW)
    ours = diff_folders(old, new)
    as_dvc = lambda files: {f"reports/metrics/{name}": {"data": dvc_diff.format_dict(data)} for name, data in files.items()}
    assert ours == dvc_diff.diff(as_dvc(OLD), as_dvc(NEW))
    assert ours["reports/metrics/m.json"]["fid.sample"] == {"old": 100.0, "new": 80.0, "diff": -20.0}
    assert "same" not in ours["reports/metrics/m.json"]  # unchanged: left out, as dvc does


def test_folders_on_the_command_line(tmp_path, capsys):
    old, new = write_folder(tmp_path / "a", OLD), write_folder(tmp_path / "b", NEW)
    assert main(["--folders", str(old), str(new), "--bands", str(bands_file(tmp_path)), "--fail-beyond"]) == 1
    rows = {line.split(" | ")[1]: line.split(" | ")[-1].rstrip(" |") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| reports/")}
    assert rows == {"acc": f"**{BEYOND}**", "floor": WITHIN, "fid.sample": WITHIN, "fid.list": NO_BAND,
                    "added": NO_BAND, "x": NO_BAND, "y": NO_BAND}
    assert main(["--folders", str(old), str(tmp_path / "nowhere"), "--bands", str(bands_file(tmp_path))]) == 2


def test_revisions_go_to_dvc_metrics_diff(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, json.dumps(diff_of({"acc": (0.9, 0.91)})), "")

    monkeypatch.setattr(compare.subprocess, "run", fake_run)
    assert main(["HEAD~1", "exp-1a2b3", "--bands", str(bands_file(tmp_path))]) == 0
    assert main(["--bands", str(bands_file(tmp_path))]) == 0
    assert [command[1:] for command in calls] == [["-m", "dvc", "metrics", "diff", "--json", "HEAD~1", "exp-1a2b3"],
                                                  ["-m", "dvc", "metrics", "diff", "--json"]]
    assert "| acc | 0.9 | 0.91 | +0.01 |" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["HEAD", "--json", "x.json"])


def test_compare_imports_no_tensorflow():
    code = "import sys, latentlab.compare; sys.exit('tensorflow' in sys.modules or 'keras' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_a_new_run_joins_the_whole_run_bands_its_source_lists():
    spec = importlib.util.spec_from_file_location("add_run_to_bands", ROOT / "bench/add_run_to_bands.py")
    add_run_to_bands = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(add_run_to_bands)
    text = ("bands:\n  reports/metrics/m.json:\n"
            "    acc: {seed_sd: 0.01, seeds: 3, run_seed_sd: 0.0100, runs: 3, source: \"bench A; whole runs: python "
            "bench/run_seeds.py --runs reports/metrics --seeds 1 2 (seeds 0 / 1 / 2, issue 23): 0.9 / 0.91 / 0.92\"}\n"
            "    floor:\n      machine: 0.005\n      source: \"machine pair B\"\n")
    new, changed = add_run_to_bands.add_run(text, {FILE: {"acc": 0.95, "floor": 8.0}}, seed=4)
    band = yaml.safe_load(new)["bands"][FILE]["acc"]
    # sd of 0.9, 0.91, 0.92, 0.95 is 0.02160..., rounded up in its third digit
    assert (band["run_seed_sd"], band["runs"]) == (0.0217, 4) and changed == [f"{FILE} acc: 4 runs, sd 0.0217"]
    assert band["source"].endswith("--seeds 1 2 4 (seeds 0 / 1 / 2 / 4, issue 23): 0.9 / 0.91 / 0.92 / 0.95")
    assert "floor:\n      machine: 0.005\n" in new  # an entry without whole runs is left as it was
    with pytest.raises(SystemExit, match="seed 4 is already one of its runs"):
        add_run_to_bands.add_run(new, {FILE: {"acc": 0.95}}, seed=4)
