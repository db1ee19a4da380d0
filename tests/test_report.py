import json

from latentlab.report import collect_metrics, summary_markdown


def test_summary_has_one_table_per_group_and_a_row_per_model(tmp_path):
    (tmp_path / "fid").mkdir()
    (tmp_path / "fid" / "vae.json").write_text(json.dumps({"fid": 12.34567, "feature_space": "classifier"}))
    (tmp_path / "fid" / "exon.json").write_text(json.dumps({"fid": 3.0}))
    (tmp_path / "classifier.json").write_text(json.dumps({"test_accuracy": 0.98}))
    table = collect_metrics(tmp_path)
    assert table == {
        "classifier": {"classifier": {"test_accuracy": 0.98}},
        "fid": {"exon": {"fid": 3.0}, "vae": {"fid": 12.34567, "feature_space": "classifier"}},
    }
    text = summary_markdown(table)
    assert "## fid" in text and "| model | feature_space | fid |" in text
    assert "| vae | classifier | 12.35 |" in text and "| exon |  | 3 |" in text
    only_vae = collect_metrics(tmp_path, models=["vae"])  # a removed model's file is left behind, not shown
    assert only_vae["fid"] == {"vae": table["fid"]["vae"]} and only_vae["classifier"] == table["classifier"]


def test_nested_metrics_become_dotted_columns_and_a_mapping_one_cell():
    table = {"train": {"biinfogan": {"test_accuracy": 0.9, "mapping": {"0": 6, "1": 5},
                                     "continuous_correlation": {"c2": {"width": 0.61, "slant": 0.1}}}}}
    text = summary_markdown(table)
    assert "| model | continuous_correlation.c2 | mapping | test_accuracy |" in text
    assert "| biinfogan | width:0.61 slant:0.1 | 0:6 1:5 | 0.9 |" in text
