"""The `paper` profile holds the authors' settings (checked value by value against SPEC.md's
numbers), and `python -m latentlab.profiles` turns a profile into a `dvc exp run` whose -S
arguments DVC applies to exactly those values."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from latentlab.params import ParamsError, read_yaml
from latentlab.profiles import departures, flatten, load_profile, main, merged, set_arguments, yaml_value

ROOT = Path(__file__).resolve().parents[1]

# Every value of profiles/paper.yaml with where it comes from: ../shared/SPEC.md section, or the
# seed's command / the original's config where SPEC names the setting but not the number.
SPEC_NUMBERS = {
    # 1. VAE (seed 004's manifold command: --dim_z 2 --num_epochs 60; Adam 1e-3, batch 128)
    "vae.mode": "vae", "vae.dim_z": 2, "vae.n_hidden": 500, "vae.dropout": 0.1, "vae.beta": 1.0,
    "vae.learning_rate": 1e-3, "vae.batch_size": 128, "vae.epochs": 60,
    # 2. EXoN, MNIST-100
    "exon.latent_dim": 2, "exon.sigma": 4.0, "exon.beta": 0.1, "exon.lambda1": 6000.0, "exon.rampup_epochs": 10,
    "exon.rampup_steps": 0, "exon.eval_ema": 0.0,
    "exon.learning_rate": 3e-3, "exon.weight_decay": 5e-4, "exon.batch_size": 128, "exon.labeled_batch_size": 32,
    "exon.epochs": 100, "exon.lr_decay_start": 10, "exon.mixup_alpha_labeled": 0.1,
    "exon.mixup_alpha_unlabeled": 2.0, "exon.head_init": "zero", "exon.pseudo_labels": "buffer",
    "exon.unlabeled_loss": "cross_entropy", "exon.mixup_weights": "batch",
    "exon.augmentation": "original",
    "path_latent_recon.betas": [0.5, 5, 50],
    "pre_design.radii": [4, 8, 12, 16], "pre_design.n_labeled": 20, "pre_design.batch_size": 64,
    "pre_design.labeled_batch_size": 10, "pre_design.beta": 5.0, "pre_design.epochs": 20,
    "pre_design.points": 11, "pre_design.x_range": 10.0,
    # 3. Bidirectional InfoGAN, MNIST
    "biinfogan.n_z": 16, "biinfogan.categorical": [10], "biinfogan.n_continuous": 2, "biinfogan.width": 1,
    "biinfogan.noise": True, "biinfogan.init": "original", "biinfogan.d_batch": "separate",
    "biinfogan.e_batch": "separate", "biinfogan.info_weight_categorical": 1.0,
    "biinfogan.info_weight_continuous": 1.0, "biinfogan.learning_rate_d": 1e-4, "biinfogan.learning_rate_ge": 5e-4,
    "biinfogan.final_lr_fraction": 0.2, "biinfogan.beta1": 0.5, "biinfogan.bn_momentum": 0.999,
    "biinfogan.batch_size": 128, "biinfogan.iterations": 30000, "biinfogan.log_every": 1000,
    "biinfogan.sweep_range": 2.0,
    # 5. IIN, MNIST (decay_start: CompVis/iin configs/mnist_ae.yaml, mnist_iin.yaml, cmnist_diin.yaml)
    "iin_ae.z_dim": 64, "iin_ae.width": 1, "iin_ae.kl_weight": 1.0, "iin_ae.base_learning_rate": 4.5e-6,
    "iin_ae.beta1": 0.5, "iin_ae.beta2": 0.9, "iin_ae.batch_size": 25, "iin_ae.epochs": 50,
    "iin_ae.decay_start": 100001, "iin_ae.disc_start": 25001, "iin_ae.disc_filters": 64, "iin_ae.disc_layers": 3,
    "iin_ae.disc_lr_factor": 1.0, "diin_ae.epochs": 50,
    "iin.n_blocks": 12, "iin.hidden_dim": 512, "iin.hidden_depth": 2, "iin.init": "original",
    "iin.base_learning_rate": 4.5e-6, "iin.beta1": 0.5, "iin.beta2": 0.9, "iin.batch_size": 25, "iin.epochs": 50,
    "iin.decay_start": 100001,
    "diin.factor_sizes": [22, 22, 20], "diin.rho": 0.975, "diin.n_blocks": 12, "diin.hidden_dim": 512, "diin.base_learning_rate": 4.5e-6,
    "diin.epochs": 50, "diin.decay_start": 100001, "diin.pair_sets": None,
    # 4. Vote-MI (the seed's DBSCAN min_samples 25; its steps are the `seed` rule)
    "votemi.min_samples": 25, "votemi.rule": "seed",
}


@pytest.fixture(scope="module")
def params():
    return read_yaml((ROOT / "params.yaml").read_text())


@pytest.fixture(scope="module")
def paper():
    return load_profile("paper", ROOT / "profiles")


def test_paper_profile_is_spec(paper):
    profile = flatten(paper)
    assert sorted(profile) == sorted(SPEC_NUMBERS), "a key in one of the profile and the SPEC table only"
    wrong = {k: (v, SPEC_NUMBERS[k]) for k, v in profile.items()
             if v != SPEC_NUMBERS[k] or isinstance(v, bool) != isinstance(SPEC_NUMBERS[k], bool)}
    assert wrong == {}, f"profile value vs SPEC: {wrong}"


def test_paper_profile_applies_as_dvc_does(params, paper, tmp_path):
    """The -S arguments, applied by DVC's own override code to a copy of params.yaml, give the
    profile's values and leave every other key as it was; the result passes the schema."""
    from dvc.utils.hydra import apply_overrides

    arguments = set_arguments(params, paper)
    assert arguments[::2] == ["-S"] * (len(arguments) // 2)
    copy = tmp_path / "params.yaml"
    shutil.copy(ROOT / "params.yaml", copy)
    apply_overrides(copy, arguments[1::2])
    applied = read_yaml(copy.read_text())
    assert applied == merged(params, paper)
    assert {k: flatten(applied)[k] for k in flatten(paper)} == flatten(paper)
    # only the departures are passed, and the Bi-InfoGAN default departs from the original's size
    assert len(arguments) // 2 == len(departures(params, paper))
    assert "biinfogan.width=1" in arguments


def test_profile_errors_name_the_key(params, tmp_path):
    (tmp_path / "typo.yaml").write_text("biinfogan:\n  widht: 1\n")
    (tmp_path / "bad.yaml").write_text("biinfogan:\n  width: -1\n")
    with pytest.raises(ParamsError, match="biinfogan.widht: not a params.yaml key"):
        merged(params, load_profile("typo", tmp_path))
    with pytest.raises(ParamsError, match="biinfogan.width"):
        merged(params, load_profile("bad", tmp_path))
    with pytest.raises(ParamsError, match="profiles here: bad, typo"):
        load_profile("nope", tmp_path)


def test_command_line(tmp_path, capsys, monkeypatch):
    """--dry-run prints the dvc command; a bad profile exits 2 with one line and starts nothing."""
    import subprocess

    started = []
    monkeypatch.setattr(subprocess, "call", lambda command: started.append(command) or 0)
    params = str(ROOT / "params.yaml")
    assert main(["paper", "--params", params, "--folder", str(ROOT / "profiles"), "--dry-run", "--name", "p"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("dvc exp run -S ") and "-S iin.hidden_dim=512" in printed and printed.endswith("--name p")
    (tmp_path / "bad.yaml").write_text("iin:\n  epochs: zero\n")
    assert main(["bad", "--params", params, "--folder", str(tmp_path)]) == 2
    assert "iin.epochs" in capsys.readouterr().err
    assert main(["paper", "--params", params, "--folder", str(ROOT / "profiles")]) == 0
    assert started and started[0][:3] == ["dvc", "exp", "run"]
    assert main(["paper", "--params", params, "--folder", str(ROOT / "profiles"), "--departures"]) == 0
    assert "| `biinfogan.iterations` |" in capsys.readouterr().out


def test_readme_lists_every_departure_from_the_paper_profile(params, paper):
    """README's table of departures (after the `<!-- departures: paper -->` marker) has one row per
    key whose default differs from the paper profile, with both values as they are."""
    text = (ROOT / "README.md").read_text()
    assert "<!-- departures: paper -->" in text
    table = text.split("<!-- departures: paper -->", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = (cells[1], cells[2])
    expected = {k: (yaml_value(d), yaml_value(p)) for k, d, p in departures(params, paper)}
    assert rows == expected
