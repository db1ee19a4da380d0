"""What every stage script shares: quiet TensorFlow start-up, and one line with a non-zero exit
for every expected failure (bad params, bad data or model files, a diverged training, Ctrl-C).
Set LATENTLAB_TRACEBACK=1 to get the full traceback instead."""
from __future__ import annotations

import os
import sys
from typing import Callable

from .seeding import quiet_tensorflow  # noqa: E402

quiet_tensorflow()  # before TensorFlow is imported anywhere

from .data.formats import DataError  # noqa: E402
from .interruption import install as remember_ctrl_c  # noqa: E402
from .interruption import interrupted, refuse_if_interrupted, waiting_for_own_code  # noqa: E402
from .io import NotFinite  # noqa: E402
from .models.common.contract import ModelFileError, TrainingDiverged  # noqa: E402
from .models.family import UnknownFamily  # noqa: E402
from .params import ParamsError  # noqa: E402
from .runtime import RuntimeUnavailable  # noqa: E402

# (exception, prefix of the line, exit code)
EXPECTED = (
    (ParamsError, "params.yaml", 2),
    (RuntimeUnavailable, "params.yaml", 2),
    (DataError, "data", 2),
    (ModelFileError, "model", 2),
    (UnknownFamily, "dvc.yaml models", 2),
    (TrainingDiverged, "training", 1),
    (NotFinite, "metric not finite", 1),
)


def _end_interrupted(stage: str) -> None:
    if os.environ.get("LATENTLAB_TRACEBACK"):
        raise
    print(f"{stage}: interrupted; nothing of this run was kept", file=sys.stderr)
    sys.exit(130)


def run_stage(main: Callable[[], None]) -> None:
    stage = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    remember_ctrl_c()
    try:
        main()
        refuse_if_interrupted()  # a Ctrl-C still waiting for our own code (latentlab.interruption) ends here
    except BaseException as error:
        if sys.gettrace() is waiting_for_own_code:  # first: it would fire in the next call below
            sys.settrace(None)
        if isinstance(error, KeyboardInterrupt) or (isinstance(error, Exception) and interrupted()):
            _end_interrupted(stage)  # interrupted(): a library turned Ctrl-C into its own error
        for kind, prefix, code in EXPECTED:
            if isinstance(error, kind):
                if os.environ.get("LATENTLAB_TRACEBACK"):
                    raise
                print(f"{prefix}: {error}" if kind is not NotFinite else f"{stage}: {prefix}: {error}", file=sys.stderr)
                sys.exit(code)
        raise
