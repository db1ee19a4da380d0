"""End-to-end smoke run of the real dvc.yaml, with tiny params, in a temporary copy of the repo with
every family (the fault tests use a smaller copy: tests/pipeline_copy.py)."""
import json
import re
import sys

import pytest
import yaml
from pipeline_copy import _dvc, _run, _stages_run

from latentlab.models.biinfogan.config import BiInfoGANConfig

pytestmark = pytest.mark.e2e

MODELS = ("vae", "vae_wide", "exon", "biinfogan", "iin")
PER_MODEL = ("embed", "evaluate_accuracy", "evaluate_fid", "dbscan_votemi")
STAGES = {
    "check_params", "download", "preprocess", "export_images", "train_vae", "train_vae_wide", "train_exon", "train_biinfogan",
    "train_classifier", "plots", "train_iin_ae", "train_iin", "train_diin_ae", "train_diin", "evaluate_diin",
    "pre_design@4", "pre_design@16", "pre_design_figure", "exon_beta@5", "exon_beta@50", "path_latent_recon",
} | {f"{stage}@{model}" for stage in PER_MODEL for model in MODELS}


@pytest.fixture(scope="module")
def repo(tiny_repo):
    return tiny_repo


def test_repro_runs_every_stage_and_writes_outputs(repo):
    copy, first_repro = repo
    assert _stages_run(first_repro.stdout) == STAGES
    metrics = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    assert set(metrics) == {"test_elbo_nats", "test_bce_nats", "test_kl_nats"}
    assert set(json.loads((copy / "reports/timing/vae.json").read_text())) == {"train_seconds"}
    assert metrics["test_elbo_nats"] < 0
    for path in [
        "data/raw/mnist_5k.csv.gz",
        "data/processed/train.npz",
        "data/processed/labeled.npz",
        "data/processed/colorful_test.npz",
        "models/vae/encoder.keras",
        "reports/live/vae/metrics.json",
        "reports/live/vae/plots/metrics/train/loss.tsv",
        "reports/live/vae/plots/metrics/eval/loss.tsv",
        "reports/figures/vae/PRR_input.png",
        "reports/figures/vae/PRR_reconstruction.png",
        "reports/figures/vae/PMLR.png",
        "reports/pmlr/vae/PMLR_map_epoch_02.pdf",
        "reports/pmlr/vae/PMLR_map_epoch_02.csv",
        "data/embeddings/vae/test.npz",
        "data/embeddings/vae/test.csv",
        "models/classifier/classifier.keras",
        "data/selection/vae/selection.xlsx",
        "reports/figures/selection/vae_picks.png",
        "reports/figures/selection/vae_dbscan_clusters.png",
        "reports/summary.md",
        "models/exon/classifier.keras",
        "reports/figures/exon/latent.png",
        "reports/figures/exon/vnat.png",
        "reports/figures/exon/blur.png",
        "reports/figures/pre_design/pre_design.png",
        "reports/figures/path_latent_recon/path_latent_recon.png",
        "reports/figures/path_latent_recon/beta_path.png",
        "reports/metrics/beta_path.json",
        "data/exon_beta/beta_0.1.npz",  # train_exon's point of the path
        "reports/figures/exon/interpolation_same_class.png",
        "data/embeddings/exon/test.npz",
        "data/selection/exon/selection.xlsx",
        "models/biinfogan/generator.keras",
        "reports/live/biinfogan/plots/metrics/train/ge_loss.tsv",
        "reports/live/biinfogan/plots/metrics/eval/accuracy.tsv",
        "data/embeddings/biinfogan/test.npz",
        "data/selection/biinfogan/selection.xlsx",
    ] + [f"reports/figures/biinfogan/{name}.png" for name in (
        "categorical_grid", "continuous_c2", "continuous_c3", "continuous_c2_extremes", "continuous_c3_extremes",
        "reconstructions", "most_confident", "wrongly_classified")] + [
        "models/iin/encoder.keras", "models/iin/flow.keras", "models/diin/flow.keras", "data/embeddings/iin/test.npz",
        "reports/figures/iin_ae/samples.png", "reports/figures/diin_ae/reconstructions.png", "reports/live/diin/plots/metrics/train/loss.tsv",
    ] + [f"reports/figures/iin/{name}.png" for name in ("samples", "autoencoder_samples", "reconstructions", "interpolation")
         ] + [f"reports/figures/diin/{name}.png" for name in (
        "swap_grid", "traversal_digit", "traversal_colour", "traversal_residual", "samples", "reconstructions",
        "interpolation")]:
        assert (copy / path).is_file(), path
    header = (copy / "data/embeddings/vae/test.csv").read_text().splitlines()[0]
    assert header == "z1,z2,label"
    wide = (copy / "data/embeddings/vae_wide/test.csv").read_text().splitlines()[0]
    assert wide == "z1,z2,z3,label"  # vae_wide's dim_z replaced vae's
    assert "Data and pipelines are up to date" in _dvc("status", cwd=copy).stdout


def test_downstream_metrics_have_their_keys(repo):
    copy, _ = repo
    read = lambda name: json.loads((copy / "reports/metrics" / name).read_text())  # noqa: E731
    assert set(read("classifier.json")) == {"test_accuracy"}
    fid = read("fid/vae.json")
    assert fid["n_samples"] == 200 and fid["fid"] > fid["fid_floor"] >= 0
    assert {"probe_accuracy", "knn_accuracy", "cluster_accuracy"} <= set(read("accuracy/vae.json"))
    votemi = read("votemi/vae.json")
    assert votemi["n_selected"] == 20
    assert read("votemi/vae_wide.json")["eps"] == 3.0 and votemi["eps"] != 3.0  # eps_per_model by model name
    assert {"n_clusters", "noise_fraction", "accuracy_votemi", "accuracy_votemi_seed", "accuracy_random",
            "accuracy_kmedoids", "accuracy_typiclust", "accuracy_probcover", "probcover_radius"} <= set(votemi)
    exon = read("train/exon.json")
    assert set(exon) == {"test_accuracy", "conditional_accuracy", "conditional_accuracy_ceiling", "code_in_component",
                         "kl", "neg_ssim"}
    assert "classifier_accuracy" in read("accuracy/exon.json")
    assert "classifier_accuracy" not in read("accuracy/vae.json")
    gan = read("train/biinfogan.json")
    assert set(gan) == {"test_accuracy", "mapping", "mapping_source", "reconstruction_l1", "continuous_correlation"}
    assert sorted(gan["mapping"].values()) == sorted(set(gan["mapping"].values())) and gan["mapping_source"] == "hungarian"
    params = yaml.safe_load((copy / "params.yaml").read_text())
    config = BiInfoGANConfig.from_params(params["biinfogan"], (28, 28, 1), params["seed"])
    assert set(gan["continuous_correlation"]) == set(config.continuous_names())
    assert set(read("accuracy/biinfogan.json")["class_mapping"]) <= {str(k) for k in range(10)}
    iin = read("train/iin.json")
    assert set(iin) == {"autoencoder_test_l1", "autoencoder_test_kl", "test_nll_per_dim"}
    assert set(read("train/iin_ae.json")) == {"test_l1", "test_kl", "output_log_scale"}
    iin_fid = read("fid/iin.json")
    for name in ("autoencoder_reconstructions", "autoencoder_prior_samples"):
        assert iin_fid[f"fid_{name}"] > 0 and set(iin_fid[f"prdc_{name}"]) == {"precision", "recall", "density", "coverage"}
    assert "fid_autoencoder_reconstructions" not in fid and 0 <= fid["coverage"] <= 1  # PRDC for every model
    diin = read("diin.json")
    assert {"digit_swap_accuracy", "colour_swap_error", "factor_probe_accuracy", "digit_in_other_factors",
            "colour_in_other_factors", "autoencoder_test_l1",
            "test_nll_per_dim"} <= set(diin) and set(diin["factor_probe_accuracy"]) == {"digit", "colour", "residual"}
    assert set(diin["factor_probe_colour_r2"]) == {"digit", "colour", "residual"}
    assert 0 <= diin["digit_swap_accuracy"] <= 1 and diin["n_pairs"] == 1000
    summary = (copy / "reports/summary.md").read_text()
    assert "## votemi" in summary and "| vae |" in summary and "| biinfogan |" in summary


def test_selection_table_rows_are_the_selected_images(repo):
    from openpyxl import load_workbook

    from latentlab.io import load_npz

    copy, _ = repo
    train = load_npz(copy / "data/processed/train.npz")
    position_of = {int(index): p for p, index in enumerate(train["index"])}
    sheet = load_workbook(copy / "data/selection/vae/selection.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header, rows = rows[0], rows[1:]
    assert len(rows) == 20
    column = {name: header.index(name) for name in ("dataset_index", "true_label", "file_name")}
    selected = sorted((copy / "data/selection/vae/selected_image_folder").iterdir())
    assert sorted(row[column["file_name"]] for row in rows) == [p.name for p in selected]
    shared = copy / "data/images/train"  # export_images: every training image, once for all models
    for row in rows:
        index = row[column["dataset_index"]]
        assert row[column["true_label"]] == int(train["y"][position_of[index]])
        image = shared / row[column["file_name"]]
        assert image.read_bytes() == (copy / "data/selection/vae/selected_image_folder" / image.name).read_bytes()
    assert not any(isinstance(v, str) and v.startswith("=") for row in rows for v in row)


def test_the_training_images_are_exported_once_for_every_model(repo):
    from latentlab.data.image_files import image_file_name
    from latentlab.io import load_npz

    copy, _ = repo
    train = load_npz(copy / "data/processed/train.npz")
    shared = sorted(p.name for p in (copy / "data/images/train").iterdir())
    assert shared == sorted(image_file_name(index) for index in train["index"])
    for model in MODELS:  # a selection holds its picks and names the shared files: no copy of them all
        folder = copy / "data/selection" / model
        assert {p.name for p in folder.iterdir()} == {"selected_image_folder", "selection.xlsx", "picks.npz"}
        assert len(list((folder / "selected_image_folder").iterdir())) == 20


def test_training_curves_are_dvclive_folders_in_dvc_plots_and_metrics(repo):
    copy, _ = repo
    rows = (copy / "reports/live/vae/plots/metrics/eval/loss.tsv").read_text().splitlines()
    assert rows[0] == "step\tloss" and len(rows) == 1 + 2  # one row per epoch (tiny: 2)
    steps = [line.split("\t")[0] for line in
             (copy / "reports/live/biinfogan/plots/metrics/train/d_loss.tsv").read_text().splitlines()[1:]]
    assert steps == ["2", "4"]  # Bi-InfoGAN's step is the iteration (tiny: 4, logged every 2)
    for name in ("g_std", "sample_std"):  # G's pixel spread: training batch, inference-mode samples
        spread = (copy / f"reports/live/biinfogan/plots/metrics/train/{name}.tsv").read_text().splitlines()[1:]
        assert len(spread) == 2 and all(0 <= float(row.split("\t")[1]) < 0.5 for row in spread)
    shown = json.loads(_dvc("metrics", "show", "--json", cwd=copy).stdout)
    assert any("reports/live/vae/metrics.json" in str(files) for files in shown.values())
    plots = copy / "plots-out"
    _dvc("plots", "show", "-o", str(plots), cwd=copy)
    html = (plots / "index.html").read_text()
    assert "vae_loss" in html and "biinfogan_accuracy" in html and "biinfogan_samples" in html


def test_same_params_give_identical_metrics(repo):
    copy, _ = repo
    first = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    _dvc("repro", "--force", "--single-item", "train_vae", cwd=copy)
    second = json.loads((copy / "reports/metrics/train/vae.json").read_text())
    assert first == second  # wall time lives in reports/timing/, apart


@pytest.mark.parametrize(
    "section, key, value, stale",
    [
        # never the VAEs; the path's figure shows train_exon's model at its own beta
        ("exon", "beta", 0.5, {"check_params", "train_exon", "path_latent_recon"}),
        ("vae_wide", "dim_z", 4, {"check_params", "train_vae_wide"}),  # never the 2-D vae
        ("biinfogan", "n_continuous", 3, {"check_params", "train_biinfogan"}),
        # what its rerun then reruns downstream (only its own stages and plots): tests/test_dag.py
        ("biinfogan", "learning_rate_d", 0.0004, {"check_params", "train_biinfogan"}),
        ("biinfogan", "d_batch", "separate", {"check_params", "train_biinfogan"}),
        # a flow key never retrains an autoencoder; iin's keys are D-IIN's too, but for those diin replaces
        ("iin", "hidden_depth", 1, {"check_params", "train_iin", "train_diin"}),
        ("iin", "n_blocks", 3, {"check_params", "train_iin"}),
        ("diin", "n_blocks", 3, {"check_params", "train_diin"}),
        ("iin", "hidden_dim", 8, {"check_params", "train_iin"}),
        ("iin", "epochs", 2, {"check_params", "train_iin"}),
        ("diin", "hidden_dim", 8, {"check_params", "train_diin"}),
        ("diin", "rho", 0.9, {"check_params", "train_diin"}),
        ("iin_ae", "epochs", 2, {"check_params", "train_iin_ae"}),  # diin_ae has its own epochs
        # determinism changes the numbers of every training; the thread count is the machine's
        ("runtime", "deterministic", False, {"check_params", "train_vae", "train_vae_wide", "train_classifier",
                                             "train_exon", "exon_beta@5", "exon_beta@50", "pre_design@4",
                                             "pre_design@16", "train_biinfogan", "train_iin_ae", "train_iin",
                                             "train_diin_ae", "train_diin"}),
        ("runtime", "threads", 1, {"check_params"}),
    ],
)
def test_a_params_change_makes_only_its_stage_stale(repo, section, key, value, stale):
    copy, _ = repo
    _dvc("repro", cwd=copy)
    original = (copy / "params.yaml").read_text()
    params = yaml.safe_load(original)
    params[section][key] = value
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        assert set(json.loads(_dvc("status", "--json", cwd=copy).stdout)) == stale
    finally:
        (copy / "params.yaml").write_text(original)


def test_changing_beta_reruns_only_train_vae_and_downstream(repo):
    copy, _ = repo
    _dvc("repro", cwd=copy)  # up to date first, whatever the tests before did
    params = yaml.safe_load((copy / "params.yaml").read_text())
    params["vae"]["beta"] = 0.5
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    status = json.loads(_dvc("status", "--json", cwd=copy).stdout)
    assert set(status) == {"check_params", "train_vae", "train_vae_wide"}  # vae_wide inherits vae.beta
    output = _dvc("repro", cwd=copy).stdout
    vaes = ("vae", "vae_wide")
    assert _stages_run(output) == {"check_params", "train_vae", "train_vae_wide", "plots"} | {
        f"{stage}@{model}" for stage in PER_MODEL for model in vaes}
    assert "'download' didn't change" in output and "'preprocess' didn't change" in output


def test_bad_params_stop_repro_naming_the_key(repo):
    copy, _ = repo
    original = (copy / "params.yaml").read_text()
    params = yaml.safe_load(original)
    params["vae"]["dim_z"] = 0
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        result = _run([sys.executable, "-m", "dvc", "repro", "train_vae"], copy, check=False)
        assert result.returncode != 0
        assert "vae.dim_z: expected an integer >= 1, got 0" in result.stdout + result.stderr
    finally:
        (copy / "params.yaml").write_text(original)


# What TensorFlow, absl, oneDNN and Keras may print on stderr and no stage may show: absl's note,
# oneDNN's start-up line, any C++ log line in absl's format, Python warnings (Keras's on fit()).
START_UP_NOISE = re.compile(r"absl::InitializeLog|oneDNN custom operations|`shuffle=True` was passed"
                            r"|^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\]|\w+Warning: |^WARNING:(absl|tensorflow)")


def test_tensorflow_stages_print_no_start_up_noise(repo, tmp_path, monkeypatch):
    copy, first_repro = repo
    # every stage of the tiny pipeline's first repro (DVC passes each stage's stderr through)
    noise = [line for line in first_repro.stderr.splitlines() if START_UP_NOISE.search(line)]
    assert not noise, "\n".join(noise)
    _dvc("repro", cwd=copy)  # up to date first, whatever the tests before did
    result = _run([sys.executable, "stages/embed.py", "--family", "exon", "--model", "models/exon", "--data",
                   "data/processed", "--out", "data/embeddings/exon"], copy)
    assert result.stderr.strip() == "", result.stderr
    assert "Data and pipelines are up to date" in _dvc("status", cwd=copy).stdout  # and DVC's run's bytes
    # A oneDNN stage (runtime.start(params, onednn=True)) fitting a tf.data dataset, the smallest of
    # them, into a scratch folder; oneDNN and the log level are the stage's own choices, not the caller's.
    for name in ("TF_ENABLE_ONEDNN_OPTS", "LATENTLAB_ONEDNN_CHOSEN", "TF_CPP_MIN_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "iin"
    result = _run([sys.executable, "stages/train_iin.py", "--data", "data/processed", "--autoencoder", "models/iin_ae",
                   "--model", str(out / "model"), "--metrics", str(out / "metrics.json"), "--timing",
                   str(out / "timing.json"), "--live", str(out / "live"), "--figures", str(out / "figures")], copy)
    noise = [line for line in result.stderr.splitlines() if START_UP_NOISE.search(line)]
    assert not noise, "\n".join(noise)


def test_shrunk_sweeps_draw_only_the_runs_params_name(repo):
    """Last of the module: params.yaml is put back, but the outputs stay those of the shrunk sweeps."""
    from PIL import Image

    copy, _ = repo
    _dvc("repro", cwd=copy)
    original = (copy / "params.yaml").read_text()
    figure = copy / "reports/figures/path_latent_recon/path_latent_recon.png"
    three_rows = Image.open(figure).size[1]  # exon.beta's (train_exon's model), 5 and 50
    params = yaml.safe_load(original)
    params["path_latent_recon"]["betas"] = [5]
    params["pre_design"]["radii"] = [16]
    (copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    try:
        output = _dvc("repro", cwd=copy).stdout
        assert {"path_latent_recon", "pre_design_figure"} <= _stages_run(output)
        assert (copy / "data/exon_beta/beta_50.npz").exists()  # the old run is still there ...
        assert Image.open(figure).size[1] == pytest.approx(three_rows * 2 / 3, abs=2)  # ... and not drawn
        assert set(json.loads((copy / "reports/metrics/beta_path.json").read_text())) == {
            "conditional_accuracy_ceiling", "beta_0.1", "beta_5"}
    finally:
        (copy / "params.yaml").write_text(original)
