"""How a training stage runs, apart from what it computes: params.yaml's `runtime` section.

- `deterministic` (default true): op determinism, so the same params on the same machine give the
  same bytes. False drops op determinism and, on a GPU, lets XLA compile the train steps (Keras
  turns XLA off under op determinism). Not on a CPU, where Keras's own "auto" never compiles
  either: XLA made the families slower on this CPU (bench/throughput.py's last columns);
  tests/test_runtime.py checks that every family's step compiles.
  Mixed precision is not offered: the families' loss code mixes float32 constants with network
  outputs, and every family fails under a mixed bfloat16 policy (tests/family_steps.py --policy).
- `threads`: TensorFlow's intra- and inter-op threads (0 = TensorFlow's choice, every core), so
  N jobs of `dvc queue start --jobs N` can share the cores instead of fighting over them.
- `steps_per_execution`: training steps per call into the compiled train function; Keras's
  per-step overhead is most of a small model's step (bench/throughput.py). It changes no number
  (tests/test_runtime.py), so, like `threads`, it is not a stage dependency.
- `strategy`: `default` (one device), `mirrored` (every GPU of this host, or every logical CPU
  device) or `multi_worker` (several hosts, each told the cluster by the TF_CONFIG variable).

`start()` is the first call of every training stage, before any TensorFlow work. TensorFlow is
imported only inside it, so this module is cheap to import.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .seeding import import_tensorflow, make_deterministic, quiet_tensorflow, use_onednn

STRATEGIES = ("default", "mirrored", "multi_worker")


class RuntimeUnavailable(RuntimeError):
    """The runtime params ask for what this machine cannot give (e.g. multi_worker without TF_CONFIG)."""


@dataclass(frozen=True)
class Runtime:
    strategy: Any  # a tf.distribute.Strategy
    deterministic: bool
    steps_per_execution: int = 1
    xla: bool = False

    @property
    def replicas(self) -> int:
        return int(self.strategy.num_replicas_in_sync)

    def scope(self):
        """Build and compile models inside this: their variables are placed by the strategy."""
        return self.strategy.scope()

    @property
    def compile_options(self) -> dict:
        """Keyword arguments for every `model.compile`."""
        return {"jit_compile": self.xla, "steps_per_execution": self.steps_per_execution}

    def compile_options_for(self, steps_per_epoch: int) -> dict:
        """compile_options for fit(steps_per_epoch=...) on an endless dataset. Keras then runs whole
        executions per epoch (an epoch of 31 steps at 32 per execution trains 32), so the steps per
        execution become the largest divisor of steps_per_epoch within the setting."""
        steps = max(d for d in range(1, min(self.steps_per_execution, steps_per_epoch) + 1) if steps_per_epoch % d == 0)
        return {**self.compile_options, "steps_per_execution": steps}


def current_runtime() -> Runtime:
    """The runtime of a process that did not call `start()` (tests, library callers): its
    current strategy and Keras's XLA default."""
    import tensorflow as tf

    return Runtime(strategy=tf.distribute.get_strategy(), deterministic=True)


def set_threads(threads: int) -> None:
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def make_strategy(name: str):
    import tensorflow as tf

    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in gpus] or [d.name for d in tf.config.list_logical_devices("CPU")]
        # One CPU device has nothing to mirror onto, but the strategy still runs (one replica).
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == "multi_worker":
        if not os.environ.get("TF_CONFIG"):
            raise RuntimeUnavailable(
                "runtime.strategy multi_worker needs the TF_CONFIG environment variable on every host "
                "(README, 'Bigger machines'); unset, this host would train alone")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise RuntimeUnavailable(f"runtime.strategy: unknown strategy {name!r} (known: {', '.join(STRATEGIES)})")


def start(params: dict, onednn: bool = False) -> Runtime:
    """Configure this process from params.yaml (its `seed` and `runtime` sections) and return
    the strategy to build models under. `onednn` turns oneDNN's CPU kernels on (the
    convolutional families)."""
    settings = params["runtime"]
    quiet_tensorflow()
    if onednn:
        use_onednn()
    import_tensorflow()  # oneDNN's start-up lines ignore TF_CPP_MIN_LOG_LEVEL: see there
    import keras

    set_threads(settings["threads"])  # before TensorFlow's thread pools start
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        # take GPU memory as needed, not all at once: queued jobs can then share one GPU
        tf.config.experimental.set_memory_growth(gpu, True)
    deterministic = bool(settings["deterministic"])
    if deterministic:
        make_deterministic(params["seed"])
    else:
        tf.get_logger().setLevel("ERROR")
        keras.utils.set_random_seed(params["seed"])
    return Runtime(strategy=make_strategy(settings["strategy"]), deterministic=deterministic,
                   steps_per_execution=settings["steps_per_execution"],
                   xla=not deterministic and bool(tf.config.list_physical_devices("GPU")))


def replica_share(loss):
    """A per-replica mean loss scaled so that the sum of the replicas' gradients (what the
    optimizer applies under tf.distribute) is the gradient of the global mean. Losses summed over
    the batch need no scaling: their per-replica sums already add up to the global sum."""
    import tensorflow as tf

    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return loss if replicas == 1 else loss / replicas
