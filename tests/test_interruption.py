"""Ctrl-C ends a stage with one line and exit 130 and keeps no output, also when a library
swallows the KeyboardInterrupt or wraps it in an error of its own."""
import subprocess
import sys
import textwrap

import pytest
from latentlab.interruption import sigint_as_in_a_terminal

STAGE = textwrap.dedent("""
    import os, signal, sys
    from latentlab.cli import run_stage
    from latentlab.io import atomic_dir

    def ctrl_c_in_a_library(how):
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except BaseException as caught:
            if how == "wrapped":
                raise RuntimeError("a library's own error") from caught
            # how == "swallowed": the library goes on as if nothing happened

    def main():
        with atomic_dir(sys.argv[2]) as folder:
            (folder / "model.txt").write_text("half")
            ctrl_c_in_a_library(sys.argv[1])
            (folder / "more.txt").write_text("the library went on")

    run_stage(main)
""")


@pytest.mark.parametrize("how", ["swallowed", "wrapped"])
def test_a_lost_ctrl_c_still_ends_the_stage_and_keeps_nothing(tmp_path, how):
    script = tmp_path / "train_x.py"
    script.write_text(STAGE)
    result = subprocess.run([sys.executable, str(script), how, str(tmp_path / "model")], capture_output=True, text=True,
                            preexec_fn=sigint_as_in_a_terminal)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == ["train_x: interrupted; nothing of this run was kept"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train_x.py"]  # no model, no leftover


SETUP = textwrap.dedent("""
    import contextlib, os, shutil, signal, sys
    from pathlib import Path
    from latentlab.cli import run_stage
    from latentlab.io import atomic_dir, enter_outputs

    @contextlib.contextmanager
    def old_curves_aside(folder):  # as live_folder: the old output waits beside, back on failure
        aside = folder.with_name("aside")
        os.replace(folder, aside)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between the move and the clean-up's registration
        try:
            yield folder
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(aside, folder)
            raise

    def main():
        with contextlib.ExitStack() as stack:
            model, curves = enter_outputs(stack, atomic_dir(sys.argv[1] + "/model"),
                                          old_curves_aside(Path(sys.argv[1]) / "curves"))
            (curves / "new.tsv").write_text("this run")

    run_stage(main)
""")


def test_ctrl_c_while_outputs_are_set_up_puts_every_old_output_back(tmp_path):
    script = tmp_path / "train_y.py"
    script.write_text(SETUP)
    (tmp_path / "curves").mkdir()
    (tmp_path / "curves/old.tsv").write_text("the last run")
    result = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                            preexec_fn=sigint_as_in_a_terminal)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == ["train_y: interrupted; nothing of this run was kept"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curves", "train_y.py"]
    assert [p.name for p in (tmp_path / "curves").iterdir()] == ["old.tsv"]


LIBRARY = textwrap.dedent("""
    import os, signal, time

    def work(log, how):  # stands for TensorFlow: Ctrl-C arrives while its Python code runs
        os.kill(os.getpid(), signal.SIGINT)
        log.append("library went on")
        if how == "fails":
            raise RuntimeError("the library's own error, before any call back into the stage")
        if how == "never returns":
            start = time.monotonic()
            while time.monotonic() < start + 20:
                _spin()
        log.append("library finished")

    def _spin():
        pass
""")

OWN_CODE = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[2])
    import library
    from latentlab.cli import run_stage

    def note(log, line):
        log.append(line)

    def main():
        log = []
        try:
            library.work(log, sys.argv[1])
            log.append("back in the stage")  # a builtin's call: not our own code yet
            note(log, "our helper ran")  # the first call into our own code: Ctrl-C raises here
        finally:
            print(" | ".join(log))

    run_stage(main)
""")


@pytest.mark.parametrize("how, ran", [
    ("goes on", "library went on | library finished | back in the stage"),
    ("fails", "library went on"),
    ("never returns", "library went on"),  # after interruption.GRACE seconds: raised in the library's loop
])
def test_ctrl_c_inside_a_library_raises_in_our_own_code(tmp_path, how, ran):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/library.py").write_text(LIBRARY)
    (tmp_path / "stage").mkdir()
    (tmp_path / "stage/train_z.py").write_text(OWN_CODE)
    result = subprocess.run([sys.executable, str(tmp_path / "stage/train_z.py"), how, str(tmp_path / "site")],
                            capture_output=True, text=True, preexec_fn=sigint_as_in_a_terminal, timeout=60)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip().splitlines() == ["train_z: interrupted; nothing of this run was kept"]
    assert result.stdout.strip() == ran
