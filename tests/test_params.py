import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from latentlab.params import ParamsError, load_params, validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def params():
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def test_shipped_params_are_valid():
    load_params(ROOT / "params.yaml")


@pytest.mark.parametrize(
    "section, key, value, message",
    [
        ("vae", "dim_z", 0, "vae.dim_z: expected an integer >= 1, got 0"),
        ("vae", "beta", -0.5, "vae.beta: expected a number >= 0.0"),
        ("vae", "mode", "gan", "vae.mode: expected one of vae, ae, no_encoder"),
        ("vae", "noise", "blur", "vae.noise: expected one of none"),
        ("vae", "epochs", 2.5, "vae.epochs: expected an integer"),
        ("vae", "batch_size", True, "vae.batch_size: expected an integer"),
        ("vae", "dropout", 1.0, "vae.dropout: expected a number >= 0 and < 1"),
        ("data", "dataset", "imagenet", "data.dataset: expected one of mnist-embedded"),
        ("data", "n_labeled", 0, "data.n_labeled: expected an integer >= 1"),
        ("data", "test_fraction", 0, "data.test_fraction"),
        ("vae_wide", "dim_z", 0, "vae_wide.dim_z: expected an integer >= 1, got 0"),
        ("votemi", "eps", -1, 'votemi.eps: expected "auto" or a number > 0'),
        ("votemi", "eps_per_model", {"vae_wide": "wide"}, "votemi.eps_per_model: expected a mapping of model names"),
    ],
)
def test_bad_values_name_the_key(params, section, key, value, message):
    params[section][key] = value
    with pytest.raises(ParamsError) as error:
        validate(params)
    assert message in str(error.value)


def test_unknown_and_missing_keys(params):
    bad = copy.deepcopy(params)
    bad["vae"]["betta"] = 1.0
    with pytest.raises(ParamsError, match="vae.betta: unknown key"):
        validate(bad)
    bad = copy.deepcopy(params)
    del bad["data"]["n_labeled"]
    with pytest.raises(ParamsError, match="data.n_labeled: missing"):
        validate(bad)
    bad = copy.deepcopy(params)
    bad["extra"] = {}
    with pytest.raises(ParamsError, match="extra: unknown key"):
        validate(bad)


def test_integers_are_accepted_where_numbers_are_expected(params):
    params["vae"]["beta"] = 1  # `dvc exp run -S vae.beta=1` writes an int
    validate(params)


def test_stage_stops_before_any_work_with_one_line(tmp_path, params):
    params["data"]["dataset"] = "imagenet"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    result = subprocess.run(
        [sys.executable, str(ROOT / "stages/download.py"), "--params", "params.yaml", "--out", "raw"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "params.yaml: data.dataset: expected one of mnist-embedded, mnist, fashion-mnist, cifar10, svhn, celeba, got 'imagenet'"
    ]
    assert not (tmp_path / "raw").exists()


def test_model_names_are_checked_against_the_pipeline(tmp_path):
    from latentlab.params import check_model_names

    pipeline = tmp_path / "dvc.yaml"
    pipeline.write_text("vars:\n  - params.yaml\n  - models: {vae: vae, vae_wide: vae}\nstages: {}\n")
    check_model_names({"vae_wide": "auto"}, "votemi.eps_per_model", pipeline)
    with pytest.raises(ParamsError, match=r"votemi.eps_per_model: 'vae-wide' is not a model of dvc.yaml \(models: vae, vae_wide\)"):
        check_model_names({"vae-wide": "auto"}, "votemi.eps_per_model", pipeline)
    check_model_names({"anything": 1.0}, "votemi.eps_per_model", tmp_path / "missing.yaml")  # no pipeline here


def test_shipped_eps_per_model_names_shipped_models():
    from latentlab.params import check_model_names

    check_model_names(load_params(ROOT / "params.yaml")["votemi"]["eps_per_model"], "votemi.eps_per_model",
                      ROOT / "dvc.yaml")
