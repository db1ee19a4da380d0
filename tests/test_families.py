"""Every model family against the one contract (a new family is covered by its package alone),
and the import rules that make dvc.yaml's folder dependencies complete."""
import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from latentlab.models.family import UnknownFamily, family_names, get_family

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "latentlab"
# Shared plumbing that stages leave out of their deps on purpose (dvc.yaml's header says why).
# Package __init__ files without code (plots' sets matplotlib's file-only backend) count as plumbing.
PLUMBING = {"latentlab", "latentlab.cli", "latentlab.io", "latentlab.params", "latentlab.progress",
            "latentlab.seeding", "latentlab.runtime", "latentlab.data.formats", "latentlab.data", "latentlab.models", "latentlab.metrics",
            "latentlab.plots", "latentlab.selection"}
FAMILIES = family_names()


def _module_file(module: str) -> Path | None:
    path = ROOT / Path(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[str]:
    """The latentlab modules a file imports, anywhere in it (function-level imports included)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    package = package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if _module_file(f"{base}.{alias.name}")}
    return {name for name in found if name.startswith("latentlab") and _module_file(name)}


def _closure(start: set[str]) -> set[str]:
    """Modules reached from `start`, not descending into the plumbing."""
    seen, todo = set(), list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if module not in PLUMBING:
            todo += _imports(_module_file(module)) - seen
    return seen


def _within(module: str, allowed: tuple[str, ...]) -> bool:
    return module in PLUMBING or any(module == a or module.startswith(a + ".") for a in allowed)


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_package_imports_only_itself_and_the_common_code(family):
    own, common = f"latentlab.models.{family}", "latentlab.models.common"
    for path in sorted((PACKAGE / "models" / family).glob("*.py")):
        for module in _imports(path):
            # the shared figures, metric code and ColorfulMNIST's pairs are allowed: a train stage
            # lists the files it uses
            assert _within(module, (own, common, "latentlab.plots", "latentlab.metrics",
                                    "latentlab.data.colorful_mnist")), f"{path.name} imports {module}"
    # What the downstream stages load (the adapter) needs neither the figures nor another family.
    adapter = _closure({f"{own}.adapter"})
    assert all(_within(m, (own, common)) for m in adapter), sorted(adapter)
    for path in sorted((PACKAGE / "models" / "common").glob("*.py")):
        assert all(_within(m, (common,)) for m in _imports(path)), path.name


def _stage_definitions():
    """(stage name, family or None, deps) for every stage of dvc.yaml, foreach resolved."""
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text())
    models = next(v["models"] for v in pipeline["vars"] if isinstance(v, dict) and "models" in v)
    for name, stage in pipeline["stages"].items():
        if "foreach" not in stage:
            yield name, stage["cmd"], stage.get("deps", [])
        elif stage["foreach"] == "${models}":
            for key, family in models.items():
                body = yaml.safe_dump(stage["do"]).replace("${item}", family).replace("${key}", key)
                do = yaml.safe_load(body)
                yield f"{name}@{key}", do["cmd"], do.get("deps", [])
        else:
            yield f"{name}@*", stage["do"]["cmd"], stage["do"].get("deps", [])


def test_every_stage_depends_on_the_code_it_runs():
    """The static import closure of each stage script is covered by its deps (files or folders),
    the plumbing aside; a per-model stage also loads its family's adapter by name."""
    uncovered = []
    for name, cmd, deps in _stage_definitions():
        script = re.search(r"python (stages/\S+\.py)", cmd).group(1)
        assert script in deps, f"{name}: its script is not a dep"
        start = _imports(ROOT / script)
        family = re.search(r"--family (\w+)", cmd)
        if family:
            start.add(f"latentlab.models.{family.group(1)}.adapter")
        for module in _closure(start) - PLUMBING:
            file = _module_file(module).relative_to(ROOT).as_posix()
            covered = any(file == dep or file.startswith(dep.rstrip("/") + "/") for dep in deps)
            if not covered:
                uncovered.append(f"{name}: runs {file} but does not depend on it")
        families = {d.split("/")[2] for d in deps if re.fullmatch(r"latentlab/models/[a-z_]+", d) and d != "latentlab/models/common"}
        assert len(families) <= 1, f"{name} depends on several families: {families}"
    assert not uncovered, "\n".join(uncovered)


def test_the_registry_finds_families_without_tensorflow():
    code = ("import sys; from latentlab.models.family import all_families; from latentlab.params import full_schema; "
            "names = [f.name for f in all_families()]; full_schema(); "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported'; print(names)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "'vae'" in result.stdout and "'exon'" in result.stdout
    with pytest.raises(UnknownFamily, match="no model family is called 'gan'"):
        get_family("gan")


# ----- the contract, with TensorFlow: one process for every family -----

SHAPE = (16, 16, 1)


@pytest.fixture(scope="module")
def data():
    pytest.importorskip("keras")
    from latentlab.seeding import make_deterministic

    make_deterministic(0)
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 16)
    # Four classes of blobs in different corners: learnable in a few steps.
    x = rng.random((64,) + SHAPE).astype(np.float32) * 0.2
    for i, label in enumerate(y):
        r, c = divmod(int(label), 2)
        x[i, r * 8 : r * 8 + 8, c * 8 : c * 8 + 8] += 0.8
    return np.clip(x, 0, 1), y


@pytest.mark.parametrize("family", FAMILIES)
def test_family_honours_the_contract(family, data, tmp_path):
    import importlib

    from latentlab.models.family import load_model

    x, y = data
    example = importlib.import_module(get_family(family).adapter).example(x, y, seed=0)
    before = [w.copy() for w in example.model.get_weights()]
    loss_before = example.loss()
    example.train(1)  # one real step changes the weights
    assert any(not np.array_equal(a, b) for a, b in zip(before, example.model.get_weights()))
    example.train(20)
    assert example.loss() < loss_before  # and training lowers the loss on fixed data

    example.save(tmp_path / "model")
    model = load_model(family, tmp_path / "model")
    codes = model.encode(x)
    assert codes.ndim == 2 and len(codes) == len(x) and np.isfinite(codes).all()
    np.testing.assert_allclose(model.encode(x), codes, rtol=1e-5, atol=1e-6)  # deterministic
    spread = codes.std(axis=0) + 1e-3
    kde_draws = codes[:10] + np.random.default_rng(1).standard_normal(codes[:10].shape) * spread
    for images in (model.decode(codes[:10]), model.decode(kde_draws.astype(np.float32)), model.sample(12, 3)):
        assert images.shape[1:] == SHAPE and images.min() >= 0.0 and images.max() <= 1.0
    np.testing.assert_array_equal(model.sample(12, 3), model.sample(12, 3))  # repeatable by seed
    assert not np.array_equal(model.sample(12, 3), model.sample(12, 4))
    assert model.class_ids == get_family(family).class_ids
    if model.classify is not None:
        ids = model.classify(x)
        assert ids.shape == (len(x),) and np.issubdtype(ids.dtype, np.integer)
