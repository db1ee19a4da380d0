import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
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


def test_params_are_read_as_yaml_12_reads_them():
    from latentlab.params import read_yaml

    values = read_yaml("a: 1e-4\nb: .5\nc: -.5e3\nd: 010\ne: 0o10\nf: yes\ng: 1:30\nh: 1.0\ni: true\nj: null\n")
    assert values == {"a": 1e-4, "b": 0.5, "c": -500.0, "d": 10, "e": 8, "f": "yes", "g": "1:30", "h": 1.0,
                      "i": True, "j": None}
    assert isinstance(values["d"], int) and isinstance(values["a"], float)


def test_data_sizes_are_those_the_split_will_have():
    from latentlab.data.splits import stratified_split
    from latentlab.params import data_size

    for fraction in (0.2, 0.123, 0.5):
        size = data_size({"dataset": "mnist-embedded", "test_fraction": fraction, "source": None})
        y = np.repeat(np.arange(10), 500)  # the embedded set: 500 of each digit
        train, test = stratified_split(y, fraction, 0)
        assert (size.n_train, size.n_test) == (len(train), len(test))
        assert min(size.train_per_class) <= np.bincount(y[train]).min()
        assert min(size.train_per_class) >= np.bincount(y[train]).min() - 1
    mnist = data_size({"dataset": "mnist", "test_fraction": 0.2, "source": None})
    assert (mnist.n_train, mnist.n_test, min(mnist.train_per_class)) == (60000, 10000, 5421)


def test_celeba_without_its_partition_file_is_split_here(tmp_path):
    from latentlab.params import data_size

    size = data_size({"dataset": "celeba", "test_fraction": 0.2, "source": str(tmp_path)})
    assert (size.n_train, size.n_test) == (202599 - 40520, 40520)
    (tmp_path / "list_eval_partition.txt").write_text("")
    assert data_size({"dataset": "celeba", "test_fraction": 0.2, "source": str(tmp_path)}).n_test == 19962


@pytest.mark.parametrize("section, key, value, message", [
    ("data", "n_labeled", 4000, None),  # every training image labelled: allowed
    ("data", "n_labeled", 4010, "data.n_labeled: 4010 is more than the training split can balance (at most 4000"),
    ("data", "n_labeled", 105, "data.n_labeled: 105 cannot be balanced across 10 classes"),
    ("probe", "knn_k", 4001, "probe.knn_k: 4001 is more than the 4000 training images; at most 4000"),
    ("votemi", "budget", 4001, "votemi.budget: 4001 is more than the 4000 training images"),
    ("fid", "n_samples", 1001, "fid.n_samples: 1001 is more than the 1000 test images; at most 1000"),
    ("fid", "n_samples", 100, "fid.n_samples: 100 samples cannot estimate a covariance of 128 features"),
    ("fid", "inception_weights", "/nonexistent.h5", "fid.inception_weights: no file at /nonexistent.h5"),
    ("exon", "labeled_batch_size", 101, "exon.labeled_batch_size: 101 is more than the 100 labelled images"),
    ("exon", "beta", 5, "path_latent_recon.betas: 5 is exon.beta, whose point of the path is train_exon's own model"),
    ("pre_design", "n_labeled", 3, "pre_design.n_labeled: 3 cannot be balanced across the digits 0 and 1"),
    ("pre_design", "n_labeled", 802, "pre_design.n_labeled: 802 needs 401 per digit"),
    ("exon", "batch_size", 32, "exon.batch_size: 32 is the whole batch (labelled + unlabelled)"),
    ("pre_design", "labeled_batch_size", 64, "pre_design.batch_size: 64 is the whole batch"),
    ("pre_design", "labeled_batch_size", 22, "pre_design.labeled_batch_size: 22 is more than the 20 labelled"),
])
def test_values_the_data_cannot_take_name_the_key_and_the_limit(params, section, key, value, message):
    from latentlab.params import check_against_data, data_size

    params[section][key] = value
    size = data_size(params["data"])
    if message is None:
        check_against_data(params, size)
        return
    with pytest.raises(ParamsError) as error:
        check_against_data(params, size)
    assert message in str(error.value)


def test_inception_fid_needs_more_samples_than_its_features(params, tmp_path):
    from latentlab.params import check_against_data, data_size

    (tmp_path / "inception.h5").write_bytes(b"")
    params["fid"]["inception_weights"] = str(tmp_path / "inception.h5")
    with pytest.raises(ParamsError, match="fid.n_samples: 1000 samples cannot estimate a covariance of 2048"):
        check_against_data(params, data_size(params["data"]))


def test_models_come_as_dvc_unpacks_them():
    from latentlab.params import models_from_arguments

    assert models_from_arguments(["--vae", "vae", "--vae_wide", "vae"]) == {"vae": "vae", "vae_wide": "vae"}
    with pytest.raises(ParamsError, match="expected --<model> <family> pairs"):
        models_from_arguments(["--vae"])
    with pytest.raises(ParamsError, match="expected --<model> <family> pairs"):
        models_from_arguments(["vae", "vae"])
