"""Training curves through dvclive: each Keras epoch's logs become dvclive metrics in the folder
dvc.yaml declares (plots/metrics/{train,eval}/<name>.tsv, one row per step, and metrics.json with
the last values). They are written as training goes, so `dvc exp show` and `dvc plots show`
follow a stage that is still running, a queued experiment's included."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

import keras


def metric_name(key: str) -> str:
    """dvclive's split prefix for a Keras log key: val_loss -> eval/loss, test_accuracy ->
    eval/accuracy, anything else -> train/<key>."""
    for prefix in ("val_", "test_"):
        if key.startswith(prefix):
            return "eval/" + key[len(prefix):]
    return "train/" + key


@contextlib.contextmanager
def live_folder(path: str | Path) -> Iterator[Path]:
    """The folder a stage's LiveCurves write into, in place (not a temporary one: it is meant to
    be read while training runs). The previous run's curves wait beside it (.<name>.previous.tmp)
    and come back if this run fails, as every other output of a failed stage stays the old one."""
    folder = Path(path)
    previous = folder.with_name(f".{folder.name}.previous.tmp")
    shutil.rmtree(previous, ignore_errors=True)  # left by a killed run
    if folder.exists():
        os.replace(folder, previous)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        if previous.exists():
            os.replace(previous, folder)
        raise
    shutil.rmtree(previous, ignore_errors=True)


class LiveCurves(keras.callbacks.Callback):
    """Logs every epoch's metrics to dvclive. `iterations_per_epoch` makes the step the training
    iteration (Bi-InfoGAN's Keras epoch is log_every iterations); by default the step is the epoch.
    Put it last among the callbacks: it logs what the others add to the epoch's logs."""

    def __init__(self, folder: str | Path, iterations_per_epoch: int | None = None):
        super().__init__()
        self.folder, self.every, self.live = Path(folder), iterations_per_epoch, None

    def on_train_begin(self, logs=None):
        from dvclive import Live

        # the stage's own dvc.yaml declares the plots, and dvc runs the experiment: dvclive
        # neither writes a dvc.yaml nor saves an experiment of its own
        self.live = Live(str(self.folder), save_dvc_exp=False, dvcyaml=False, report=None)

    def on_epoch_end(self, epoch, logs=None):
        self.live.step = (epoch + 1) * self.every if self.every else epoch
        for key, value in sorted((logs or {}).items()):
            self.live.log_metric(metric_name(key), float(value))
        self.live.make_summary()

    def on_train_end(self, logs=None):
        self.live.end()
