"""Ctrl-C at random moments inside TensorFlow: Python's own KeyboardInterrupt against latentlab's.

Probe (the default): one process per handler builds and iterates small tf.data pipelines in a
loop and takes --interrupts signals, each a random 0.5-20 ms into a fresh loop, with either
Python's default handler (raise at the next bytecode, wherever it is) or latentlab.interruption's
(raise in our own code). Prints, per handler, the interrupts that ended in a clean
KeyboardInterrupt, other errors, tracebacks TensorFlow printed itself, and whether the loop hung
(no progress for 15 s: faulthandler ends it).
Stage (--stage-runs N): starts `stages/train_vae.py` (outputs in a temporary folder, the repo's own are never touched) N
times and sends SIGINT a random 0..--spread seconds after its temporary model folder appears: the
moment test_faults's Ctrl-C test picks, when fit() is building its input pipeline and tracing its
step inside TensorFlow. Prints, per run, the delay, the exit code and whether stderr was exactly
"train_vae: interrupted; nothing of this run was kept"; then the count of runs that were not.
Needs data/processed (a `dvc repro preprocess` or a default run).
Run: python bench/ctrl_c_race.py [--interrupts 300] [--stage-runs 20 --spread 1.5] [--seed 0]
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from latentlab.interruption import sigint_as_in_a_terminal  # no handler installed: only the child's preexec_fn

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ["train_vae: interrupted; nothing of this run was kept"]


def interrupt_once(delay: float, folder: Path) -> tuple[int, list[str]]:
    out = {name: folder / name for name in ("models/vae", "figures", "maps", "live")}
    args = [sys.executable, "stages/train_vae.py", "--data", "data/processed", "--model", str(out["models/vae"]),
            "--metrics", str(folder / "metrics.json"), "--timing", str(folder / "timing.json"),
            "--live", str(out["live"]), "--figures", str(out["figures"]), "--epoch-maps", str(out["maps"])]
    (folder / "models").mkdir(parents=True, exist_ok=True)
    leftover = folder / "models/.vae.tmp"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("LATENTLAB_TRACEBACK", None)
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               preexec_fn=sigint_as_in_a_terminal)
    while not leftover.exists() and process.poll() is None:
        time.sleep(0.002)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    return process.returncode, err.strip().splitlines()


def _pipelines() -> None:
    import numpy as np
    import tensorflow as tf

    x = np.zeros((64, 8), np.float32)
    for _ in tf.data.Dataset.from_tensor_slices(x).shuffle(64, seed=0).batch(16).prefetch(2).take(2):
        pass


def probe_child(handler: str, interrupts: int, seed: int) -> None:
    """Runs in its own process (this file is then `our own code` for latentlab.interruption)."""
    import faulthandler

    import tensorflow  # noqa: F401  imported before the clock starts

    from latentlab import interruption

    # SIGALRM from setitimer stands in for SIGINT, with the handler under test
    signal.signal(signal.SIGALRM, signal.default_int_handler if handler == "python" else interruption._on_sigint)
    rng = random.Random(seed)
    for _ in range(interrupts):
        faulthandler.dump_traceback_later(15, exit=True)  # a hung iterator: end the process, the parent reports it
        signal.setitimer(signal.ITIMER_REAL, rng.uniform(0.0005, 0.02))
        try:
            while True:
                _pipelines()
        except BaseException as error:  # noqa: B036  counting what arrives is the point
            print("ended", type(error).__name__, flush=True)
        interruption._interrupted = False
    faulthandler.cancel_dump_traceback_later()


def probe(interrupts: int, seed: int) -> None:
    print(f"{'handler':<10}  {'interrupts':>10}  {'clean':>5}  {'other errors':<14}  {'tracebacks':>10}  hung")
    for handler in ("python", "latentlab"):
        result = subprocess.run([sys.executable, __file__, "--child", handler, "--interrupts", str(interrupts),
                                 "--seed", str(seed)], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                capture_output=True, text=True)
        ended = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ended ")]
        others = sorted(set(ended) - {"KeyboardInterrupt"})
        other = ", ".join(f"{name} {ended.count(name)}" for name in others) or "-"
        hung = "Timeout" in result.stderr
        died = "" if hung or result.returncode == 0 else f"; the process died (exit {result.returncode})"
        print(f"{handler:<10}  {len(ended):>10}  {ended.count('KeyboardInterrupt'):>5}  {other:<14}  "
              f"{result.stderr.count('Traceback'):>10}  {'yes, after ' + str(len(ended)) if hung else 'no'}{died}",
              flush=True)


def stage_runs(runs: int, spread: float, seed: int) -> None:
    if not (ROOT / "data/processed/train.npz").exists():
        sys.exit("ctrl_c_race: data/processed/train.npz is missing; run `dvc repro preprocess` first")
    rng = random.Random(seed)
    bad = 0
    print(f"{'run':>3}  {'delay s':>7}  {'exit':>4}  one line")
    for run in range(runs):
        delay = rng.uniform(0.0, spread)
        with tempfile.TemporaryDirectory() as folder:
            code, lines = interrupt_once(delay, Path(folder))
        clean = code == 130 and lines == EXPECTED
        bad += not clean
        first = "" if clean else "   " + (next((line for line in lines if "Error" in line), lines[0] if lines else ""))[:90]
        print(f"{run:>3}  {delay:>7.3f}  {code:>4}  {'yes' if clean else 'NO'}{first}", flush=True)
    print(f"{bad} of {runs} runs ended in more than the one line")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interrupts", type=int, default=300, help="signals per handler in the probe")
    parser.add_argument("--stage-runs", type=int, default=0, help="also interrupt train_vae this many times")
    parser.add_argument("--spread", type=float, default=1.5, help="largest delay after the model folder appears (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", choices=("python", "latentlab"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return probe_child(args.child, args.interrupts, args.seed)
    probe(args.interrupts, args.seed)
    if args.stage_runs:
        stage_runs(args.stage_runs, args.spread, args.seed)


if __name__ == "__main__":
    main()
