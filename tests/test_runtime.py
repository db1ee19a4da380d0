"""params.yaml's `runtime` section: every family's real training step under MirroredStrategy on
two logical CPU devices against the default strategy, under XLA (a GPU's choice when determinism
is off), and the thread and steps-per-execution settings. Each runs in a process of its own (tests/family_steps.py): logical devices and
thread pools can be set only before TensorFlow starts."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from latentlab.models.family import family_names

HERE = Path(__file__).parent


def steps(*args: str) -> dict:
    result = subprocess.run([sys.executable, str(HERE / "family_steps.py"), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {(row["strategy"], row["family"]): row for row in rows}


@pytest.fixture(scope="module")
def mirrored():
    return steps("--strategies", "default", "mirrored", "--cpus", "2", "--sgd")


@pytest.mark.parametrize("family", family_names())
def test_one_step_under_mirrored_strategy_is_close_to_the_default(mirrored, family):
    default, mirror = mirrored["default", family], mirrored["mirrored", family]
    assert mirror["replicas"] == 2 and default["replicas"] == 1
    assert mirror["loss_before"] == pytest.approx(default["loss_before"], rel=1e-6)  # the same initial weights
    assert mirror["loss_after"] != mirror["loss_before"]  # a step was taken
    # close, not equal: each replica draws its own noise (sampling, dropout, mixup) for its half
    assert mirror["loss_after"] == pytest.approx(default["loss_after"], rel=0.05)


def test_replicas_gradients_add_up_to_the_global_batchs(mirrored):
    """An SGD step of a noise-free autoencoder: equal weights only if each replica's mean loss is
    scaled by 1 / replicas (runtime.replica_share); without it they differ by ~0.5 here."""
    default, mirror = mirrored["default", "sgd_autoencoder"], mirrored["mirrored", "sgd_autoencoder"]
    for a, b in zip(default["weights"], mirror["weights"]):
        np.testing.assert_allclose(np.array(b), np.array(a), atol=1e-5)


def test_every_family_trains_under_xla_as_on_a_gpu_when_determinism_is_off(mirrored):
    rows = steps("--deterministic", "0", "--xla", "1")
    for family in family_names():
        row = rows["default", family]
        assert np.isfinite(row["loss_after"]) and row["loss_after"] != row["loss_before"]
    # the reference: the same step compiled by TensorFlow, deterministic (the default strategy's row)
    assert rows["default", "vae"]["loss_after"] == pytest.approx(mirrored["default", "vae"]["loss_after"], rel=0.02)


def test_threads_setting_reaches_tensorflow():
    code = ("import tensorflow as tf; from latentlab.runtime import start; "
            "start({'seed': 0, 'runtime': {'deterministic': True, 'threads': 1, 'strategy': 'default', "
            "'steps_per_execution': 1}}); "
            "print(tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["1", "1"], result.stderr[-2000:]


def test_steps_per_execution_changes_no_number():
    """Why runtime.steps_per_execution is not a stage dependency: the same steps, in calls of 1 or 32."""
    pytest.importorskip("keras")
    import keras

    from latentlab.models.common.training import shuffled_batches
    from latentlab.models.vae.config import VAEConfig
    from latentlab.models.vae.model import VAE
    from latentlab.seeding import make_deterministic

    x = np.random.default_rng(0).random((300, 8, 8, 1)).astype(np.float32)
    runs = []
    for steps in (1, 32):
        make_deterministic(0)
        model = VAE(VAEConfig(image_shape=(8, 8, 1), dim_z=2, n_hidden=16, dropout=0.1, seed=0))
        model.compile(optimizer=keras.optimizers.Adam(1e-2), steps_per_execution=steps, jit_compile=False)
        history = model.fit(shuffled_batches(x, 32, 0), epochs=2, shuffle=False, verbose=0)  # shuffled already
        runs.append((model.get_weights(), history.history["loss"]))
    assert runs[0][1] == runs[1][1]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][0], runs[1][0]))


def test_steps_per_execution_changes_no_number_on_an_endless_dataset():
    """EXoN's fit: endless batches, an epoch of 7 steps, so 7 per execution (compile_options_for)."""
    pytest.importorskip("keras")
    from latentlab.models.exon.config import EXoNConfig
    from latentlab.models.exon.training import fit_exon
    from latentlab.runtime import Runtime
    from latentlab.seeding import make_deterministic

    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (64, 16, 16, 1)).astype(np.float32), np.repeat(np.arange(4), 16)
    settings = {"learning_rate": 3e-3, "weight_decay": 5e-4, "labeled_batch_size": 4, "batch_size": 8,
                "lr_decay_start": 1, "lr_milestones": [1], "lr_gamma": 0.5, "eval_ema": 0.0}
    runs = []
    for steps in (1, 32):
        make_deterministic(0)
        runtime = Runtime(strategy=__import__("tensorflow").distribute.get_strategy(), deterministic=True,
                          steps_per_execution=steps)
        config = EXoNConfig(image_shape=(16, 16, 1), n_classes=4, lambda1=10.0, seed=0)
        model = fit_exon(config, settings, x, np.arange(0, 64, 4), y, epochs=2, seed=0, runtime=runtime)
        runs.append([w.copy() for w in model.get_weights()])
    assert all(np.array_equal(a, b) for a, b in zip(*runs))


def test_an_endless_datasets_epoch_is_whole_executions():
    """Keras runs whole executions per epoch on an endless dataset: the steps per execution must
    divide the epoch's steps, or an epoch of 31 trains 32."""
    from latentlab.runtime import Runtime

    runtime = Runtime(strategy=None, deterministic=True, steps_per_execution=32)
    assert runtime.compile_options_for(31)["steps_per_execution"] == 31
    assert runtime.compile_options_for(100)["steps_per_execution"] == 25
    assert runtime.compile_options_for(37 * 2)["steps_per_execution"] == 2
    assert runtime.compile_options_for(7)["steps_per_execution"] == 7


def test_multi_worker_without_tf_config_is_refused_with_the_fix(monkeypatch):
    pytest.importorskip("tensorflow")
    from latentlab.runtime import RuntimeUnavailable, make_strategy

    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(RuntimeUnavailable, match="TF_CONFIG"):
        make_strategy("multi_worker")


ONEDNN_PROBE = """
import os, sys
from latentlab import seeding
seeding.quiet_tensorflow()
if sys.argv[1] == "on":
    seeding.use_onednn()
seeding.quiet_tensorflow()  # a later call (make_deterministic's) keeps the choice
print(os.environ.get("TF_ENABLE_ONEDNN_OPTS"))
"""


@pytest.mark.parametrize("inherited, stage, expected", [
    ({}, "off", "0"), ({}, "on", "1"),  # TensorFlow's CPU-dependent default never decides
    # a parent's choice (pytest's, a stage's) is made again in the child
    ({"TF_ENABLE_ONEDNN_OPTS": "1", "LATENTLAB_ONEDNN_CHOSEN": "1"}, "off", "0"),
    ({"TF_ENABLE_ONEDNN_OPTS": "0", "LATENTLAB_ONEDNN_CHOSEN": "1"}, "on", "1"),
    ({"TF_ENABLE_ONEDNN_OPTS": "0"}, "on", "0"), ({"TF_ENABLE_ONEDNN_OPTS": "1"}, "off", "1"),  # the user's wins
])
def test_onednn_is_chosen_per_process_and_the_users_setting_wins(inherited, stage, expected):
    env = {k: v for k, v in os.environ.items() if k not in ("TF_ENABLE_ONEDNN_OPTS", "LATENTLAB_ONEDNN_CHOSEN")}
    result = subprocess.run([sys.executable, "-c", ONEDNN_PROBE, stage], env={**env, **inherited},
                            capture_output=True, text=True, cwd=HERE.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_a_process_without_onednn_imports_tensorflow_silently_on_any_cpu():
    # with AVX-512 TensorFlow turns oneDNN on by itself and says so on stderr at any log level
    probe = "from latentlab import seeding; seeding.make_deterministic(0)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=HERE.parent)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def test_a_process_with_onednn_imports_tensorflow_silently_unless_asked_to_log():
    # oneDNN's start-up line (twice, each after absl's InitializeLog note) ignores TF_CPP_MIN_LOG_LEVEL;
    # seeding.import_tensorflow holds it to the level, and level 0 still shows every line
    probe = ("import sys; from latentlab import seeding; seeding.use_onednn(); seeding.make_deterministic(0); "
             "print('after', file=sys.stderr)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_ENABLE_ONEDNN_OPTS", "LATENTLAB_ONEDNN_CHOSEN", "TF_CPP_MIN_LOG_LEVEL")}
    quiet = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=HERE.parent)
    assert quiet.returncode == 0 and quiet.stderr == "after\n", quiet.stderr  # stderr works after the import
    shown = subprocess.run([sys.executable, "-c", probe], env={**env, "TF_CPP_MIN_LOG_LEVEL": "0"},
                           capture_output=True, text=True, cwd=HERE.parent)
    assert "oneDNN custom operations are on" in shown.stderr, shown.stderr
