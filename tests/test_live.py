"""Training curves through dvclive (latentlab/models/common/live.py)."""
import json

import pytest

pytest.importorskip("dvclive")
from latentlab.models.common.live import LiveCurves, live_folder, metric_name  # noqa: E402


def test_keras_log_keys_get_dvclives_split_prefixes():
    assert [metric_name(k) for k in ("loss", "val_loss", "test_accuracy", "d_loss")] == [
        "train/loss", "eval/loss", "eval/accuracy", "train/d_loss"]


def test_curves_are_one_row_per_epoch_at_the_iteration_step(tmp_path):
    curves = LiveCurves(tmp_path / "live", iterations_per_epoch=50)
    curves.on_train_begin()
    for epoch, loss in enumerate([3.0, 2.0, 1.5]):
        curves.on_epoch_end(epoch, {"loss": loss, "val_loss": loss + 1})
    curves.on_train_end()
    rows = (tmp_path / "live/plots/metrics/train/loss.tsv").read_text().splitlines()
    assert rows == ["step\tloss", "50\t3.0", "100\t2.0", "150\t1.5"]
    summary = json.loads((tmp_path / "live/metrics.json").read_text())
    assert summary["train"]["loss"] == 1.5 and summary["eval"]["loss"] == 2.5


def test_a_failed_run_puts_the_previous_curves_back_and_a_good_one_replaces_them(tmp_path):
    folder = tmp_path / "vae"
    folder.mkdir()
    (folder / "metrics.json").write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with live_folder(folder) as live:
            live.mkdir()
            (live / "metrics.json").write_text("half")
            raise KeyboardInterrupt
    assert (folder / "metrics.json").read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["vae"]
    with live_folder(folder) as live:
        live.mkdir()
        (live / "metrics.json").write_text("new")
    assert (folder / "metrics.json").read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["vae"]
