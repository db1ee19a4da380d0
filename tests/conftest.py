import os
import shutil
import sys
from pathlib import Path

import pytest

# Lets tests import the helpers beside them (dataset_files, pipeline_copy) however pytest is started.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def tiny_repo(tmp_path_factory):
    """(folder, output of its first `dvc repro`): the project with tiny params, reproduced once
    and shared by the end-to-end and fault tests (each puts back what it changes)."""
    from pipeline_copy import make_tiny_copy

    copy = tmp_path_factory.mktemp("repo")
    output = make_tiny_copy(copy)
    keep = os.environ.get("LATENTLAB_SMOKE_METRICS")
    if keep:  # .ci/run diffs these against the committed metrics
        shutil.copytree(copy / "reports/metrics", keep, dirs_exist_ok=True)
    return copy, output
