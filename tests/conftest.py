import os
import shutil
import sys
from pathlib import Path

import pytest

# Lets tests import the helpers beside them (dataset_files, pipeline_copy) however pytest is started.
sys.path.insert(0, str(Path(__file__).parent))


# Under `make test` (pytest-xdist, two workers) a unit of work is a module, so its module fixtures
# are built once, except that the modules on one reproduced copy make one unit: the worker that
# built the copy runs all of them. The two copies' units go first, one to each worker, while the
# other worker's copy is built. (xdist's own `--dist loadgroup` does not group under pytest 9:
# it renames items through an attribute pytest 9 no longer reads.)
COPIES = {"test_pipeline_e2e.py": "tiny_full", "test_faults.py": "tiny_small", "test_remote.py": "tiny_small"}
FIRST = ("tiny_full", "tiny_small")


def _unit(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return COPIES.get(Path(module).name, module)


def pytest_collection_modifyitems(config, items):
    def rank(item):
        unit = _unit(item.nodeid)
        return FIRST.index(unit) if unit in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: within a unit, the file's order


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: plain `pytest` runs without it
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleAndCopy(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return ByModuleAndCopy(config, log)


@pytest.fixture(scope="session")
def tiny_repo(tmp_path_factory):
    """(folder, its first `dvc repro`, a CompletedProcess): the project with tiny params, reproduced once
    and shared by the end-to-end tests (each puts back what it changes)."""
    from pipeline_copy import make_tiny_copy

    copy = tmp_path_factory.mktemp("repo")
    output = make_tiny_copy(copy)
    keep = os.environ.get("LATENTLAB_SMOKE_METRICS")
    if keep:  # .ci/run diffs these against the committed metrics
        shutil.copytree(copy / "reports/metrics", keep, dirs_exist_ok=True)
    return copy, output


@pytest.fixture(scope="session")
def small_repo(tmp_path_factory):
    """The same for the small copy (pipeline_copy.SMALL_STAGES, model vae): the fault and remote tests."""
    from pipeline_copy import make_tiny_copy

    copy = tmp_path_factory.mktemp("small")
    return copy, make_tiny_copy(copy, small=True)
