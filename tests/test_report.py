import json

from latentlab.noise import Band
from latentlab.report import collect_metrics, metric_rows, summary_markdown


def test_collect_metrics_groups_files_and_leaves_out_removed_models(tmp_path):
    (tmp_path / "fid").mkdir()
    (tmp_path / "fid" / "vae.json").write_text(json.dumps({"fid": 12.34567, "feature_space": "classifier"}))
    (tmp_path / "fid" / "exon.json").write_text(json.dumps({"fid": 3.0}))
    (tmp_path / "classifier.json").write_text(json.dumps({"test_accuracy": 0.98}))
    table = collect_metrics(tmp_path)
    assert table == {
        "classifier": {"classifier": {"test_accuracy": 0.98}},
        "fid": {"exon": {"fid": 3.0}, "vae": {"fid": 12.34567, "feature_space": "classifier"}},
    }
    only_vae = collect_metrics(tmp_path, models=["vae"])  # a removed model's file is left behind, not shown
    assert only_vae["fid"] == {"vae": table["fid"]["vae"]} and only_vae["classifier"] == table["classifier"]


def test_summary_is_a_narrow_table_per_file_under_its_model_with_the_claims_first():
    table = {"fid": {"vae": {"fid": 12.34567}, "exon": {"fid": 3.0}}, "classifier": {"classifier": {"test_accuracy": 0.98}}}
    bands = {"reports/metrics/fid/vae.json": {"fid": Band(seed_sd=1.5, seeds=3, machine=None, source="a bench")}}
    text = summary_markdown("| claims table |", table, models=["vae", "exon"], bands=bands)
    assert text.index("| claims table |") < text.index("## vae") < text.index("## exon") < text.index("## classifier")
    vae = text[text.index("## vae"): text.index("## exon")]
    assert "`reports/metrics/fid/vae.json`" in vae and "| metric | value | spread |" in vae and "| fid | 12.35 |" in vae
    exon = text[text.index("## exon"): text.index("## classifier")]
    assert "| metric | value |\n" in exon and "| fid | 3 |" in exon  # no band: two columns


def test_nested_metrics_become_dotted_rows_and_a_class_mapping_one_cell():
    rows = dict(metric_rows({"test_accuracy": 0.9, "mapping": {"0": 6, "1": 5},
                             "continuous_correlation": {"c2": {"width": 0.61, "slant": 0.1}}}))
    assert rows == {"test_accuracy": 0.9, "mapping": "0:6 1:5",
                    "continuous_correlation.c2.width": 0.61, "continuous_correlation.c2.slant": 0.1}
