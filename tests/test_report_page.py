"""The claims table (latentlab/claims.py on metrics built here) and the HTML page the plots stage
writes, rendered in headless Chromium: every image loads, the claims table is there, a screenshot
is kept (LATENTLAB_SCREENSHOT, else the test's tmp folder). No TensorFlow."""
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
import yaml

from latentlab.claims import ClaimsError, claims_html, claims_markdown, evaluate, load_claims
from latentlab.noise import Band
from latentlab.page import page_html, page_sections
from latentlab.plots.curves import curves_figure, read_curves
from latentlab.report import collect_metrics, summary_markdown

ROOT = Path(__file__).resolve().parents[1]

CLAIMS = [
    {"system": "EXoN", "claim": "accuracy", "paper": 0.967, "source": "paper table 1",
     "ours": {"file": "reports/metrics/train/exon.json", "key": "test_accuracy"},
     "holds_if": {"op": ">=", "than": 0.95}},
    {"system": "IIN", "claim": "FID below its autoencoder's prior", "paper": None, "source": "no number",
     "ours": {"file": "reports/metrics/fid/iin.json", "key": "fid"},
     "holds_if": {"op": "<", "than": {"key": "fid_autoencoder_prior_samples"}}},
    {"system": "IIN", "claim": "FID below every other model's", "paper": None, "source": "no number",
     "ours": {"file": "reports/metrics/fid/iin.json", "key": "fid"},
     "holds_if": {"op": "<", "than": [{"file": "reports/metrics/fid/vae.json", "key": "fid"},
                                      {"file": "reports/metrics/fid/exon.json", "key": "fid"}]}},
    {"system": "D-IIN", "claim": "swaps the digit", "paper": None, "source": "no number",
     "ours": {"file": "reports/metrics/diin.json", "key": "digit_swap_accuracy"},
     "holds_if": {"op": ">=", "than": 0.9}},
    {"system": "EXoN", "claim": "every beta |keeps| the classifier", "paper": 0.9593, "source": "beta_path.csv",
     "ours": {"file": "reports/metrics/beta_path.json", "key": "beta_*.test_accuracy", "take": "min"},
     "holds_if": {"op": ">=", "than": 0.9}},
]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def _metrics(folder: Path) -> Path:
    """A metrics folder: EXoN's accuracy passes, IIN beats its prior but not the VAE, no D-IIN file."""
    _write_json(folder / "train/exon.json", {"test_accuracy": 0.96})
    _write_json(folder / "fid/iin.json", {"fid": 50.0, "fid_autoencoder_prior_samples": 200.0,
                                          "prdc_floor": {"recall": 0.9}})
    _write_json(folder / "fid/vae.json", {"fid": 40.0})
    _write_json(folder / "accuracy/vae.json", {"class_mapping": {"0": 3, "1": 2}, "knn_accuracy": 0.7})
    _write_json(folder / "beta_path.json", {"beta_0.1": {"test_accuracy": 0.95}, "beta_5": {"test_accuracy": 0.91},
                                            "conditional_accuracy_ceiling": 0.954})
    return folder


def _claims_file(path: Path, claims: list) -> Path:
    path.write_text(yaml.safe_dump({"claims": claims}, sort_keys=False))
    return path


@pytest.fixture
def rows(tmp_path):
    claims = load_claims(_claims_file(tmp_path / "claims.yaml", CLAIMS))
    bands = {"reports/metrics/train/exon.json": {"test_accuracy": Band(0.003, 3, None, "bench")},
             "reports/metrics/beta_path.json": {"beta_5.test_accuracy": Band(0.01, 2, 0.02, "bench")}}
    return evaluate(claims, collect_metrics(_metrics(tmp_path / "metrics")), bands)


def test_a_claim_holds_fails_or_is_na_when_its_metric_is_missing(rows):
    by_claim = {row.claim: row for row in rows}
    exon = by_claim["accuracy"]
    assert (exon.ours, exon.holds, exon.paper, exon.test, exon.spread) == (0.96, "yes", 0.967, ">= 0.95", "sd 0.003 (3 seeds)")
    prior = by_claim["FID below its autoencoder's prior"]
    assert prior.holds == "yes" and prior.test == "< 200 (fid_autoencoder_prior_samples)" and prior.spread == "—"
    # the VAE's 40 beats IIN's 50; EXoN's FID file is missing (not in the pipeline): left out of the list
    others = by_claim["FID below every other model's"]
    assert others.holds == "no" and others.test == "< 40 (fid/vae.json fid); fid/exon.json fid missing"
    missing = by_claim["swaps the digit"]
    assert (missing.ours, missing.holds, missing.spread) == (None, "n/a", "—")
    # a * takes the worst beta, and its band is that key's
    path = by_claim["every beta |keeps| the classifier"]
    assert (path.ours, path.holds, path.spread) == (0.91, "yes", "sd 0.01 (2 seeds); machines 0.02")


def test_a_model_left_out_of_the_pipeline_makes_its_claims_na(tmp_path):
    claims = load_claims(_claims_file(tmp_path / "claims.yaml", CLAIMS[1:2]))
    table = collect_metrics(_metrics(tmp_path / "metrics"), models=["vae"])  # iin's file is a leftover
    assert [row.holds for row in evaluate(claims, table)] == ["n/a"]


def test_the_tables_show_every_claim_and_number_their_sources(rows):
    markdown = claims_markdown(rows)
    lines = markdown.splitlines()
    assert lines[0] == "| system | claim | paper | ours | spread | holds if | holds |"
    assert "| EXoN | accuracy | 0.967 [1] | 0.96 | sd 0.003 (3 seeds) | >= 0.95 | **yes** |" in lines
    assert "| D-IIN | swaps the digit | — [2] | — | — | >= 0.9 | **n/a** |" in lines
    assert "every beta \\|keeps\\| the classifier" in markdown  # a | inside a cell is escaped
    assert "- [1] paper table 1" in lines and "- [3] beta_path.csv" in lines
    page = claims_html(rows)
    assert page.count("<tr>") == len(rows) + 1 and '<td class="no">no</td>' in page and '<td class="na">n/a</td>' in page


@pytest.mark.parametrize("change, message", [
    (lambda c: c["holds_if"].update(op="=>"), "claims[0] (EXoN): holds_if.op: one of >=, <=, >, <; got '=>'"),
    (lambda c: c.pop("source"), "claims[0] (EXoN): source: missing"),
    (lambda c: c.update(paper="96.7%"), "claims[0] (EXoN): paper: a number, or null"),
    (lambda c: c["ours"].update(key="beta_*.test_accuracy"), "claims[0] (EXoN): ours.take: max or min"),
    (lambda c: c["ours"].update(file="metrics/exon.json"), "claims[0] (EXoN): ours.file: a metrics JSON file under reports/metrics/"),
    (lambda c: c["holds_if"].update(than="0.95"), "claims[0] (EXoN): holds_if.than: a number, a metric"),
    (lambda c: c.update(colour="red"), "claims[0] (EXoN): colour: unknown key"),
])
def test_a_malformed_entry_is_refused_naming_the_entry_and_key(tmp_path, change, message):
    claim = json.loads(json.dumps(CLAIMS[0]))
    change(claim)
    with pytest.raises(ClaimsError, match=re.escape(message)):
        load_claims(_claims_file(tmp_path / "claims.yaml", [claim]))


def test_the_projects_claims_load_and_name_metrics_files_dvc_writes():
    claims = load_claims(ROOT / "claims.yaml")
    pipeline = (ROOT / "dvc.yaml").read_text()
    models = yaml.safe_load(pipeline)["vars"][0]["models"]
    files = {claim.ours.file for claim in claims} | {ref.file for claim in claims if isinstance(claim.than, tuple)
                                                    for ref in claim.than}
    for file in files:  # a per-model file is written by a foreach stage as .../${key}.json
        stem = Path(file).stem
        assert file in pipeline or (stem in models and file.replace(f"/{stem}.json", "/${key}.json") in pipeline), file
    assert {claim.system for claim in claims} == {"Bi-InfoGAN", "EXoN", "IIN", "D-IIN", "Vote-MI"}


def test_the_summary_opens_with_the_claims_then_a_narrow_table_per_metrics_file(rows, tmp_path):
    table = collect_metrics(tmp_path / "metrics")
    bands = {"reports/metrics/fid/iin.json": {"fid": Band(3.0, 2, None, "bench", machine_relative=0.2)}}
    text = summary_markdown(claims_markdown(rows), table, ["vae", "iin"], bands)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Claims: each paper beside ours", "## Metrics per model"]
    assert headings[2:] == ["## vae", "## iin", "## exon", "## beta_path"]  # the pipeline's order, then the rest
    assert "| vae | accuracy, fid |" in text
    assert "| class_mapping | 0:3 1:2 |" in text  # a class mapping stays one cell
    assert "| prdc_floor.recall | 0.9 | — |" in text and "| fid | 50 | sd 3 (2 seeds); machines 20% |" in text
    assert "| beta_5.test_accuracy | 0.91 |" in text
    widest = max(line.count("|") for line in text.split("## Metrics per model")[1].splitlines())
    assert widest <= 4  # metric | value | spread


# -- the page in headless Chromium ------------------------------------------------------------------

def _png(path: Path, width: int, height: int, rgb=(200, 60, 60)) -> None:
    """A small solid PNG, written by hand: the page test needs no drawing library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        if os.environ.get("LATENTLAB_REQUIRE_CHROMIUM"):
            pytest.fail("LATENTLAB_REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)")
        pytest.skip("no /usr/bin/chromium (Debian's chromium package; .ci/run installs it)")
    return found


def _run_chromium(binary: str, profile: Path, *args: str) -> str:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
               "--hide-scrollbars", f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


# Added to a copy of the page only: on load, every image's natural width and the page's tables into the DOM.
LOAD_REPORT = """<pre id="load-report"></pre><script>
window.addEventListener("load", function () {
  var lines = [];
  document.querySelectorAll("img").forEach(function (img) { lines.push(img.naturalWidth + " " + img.getAttribute("src")); });
  document.querySelectorAll("table").forEach(function (t) { lines.push("table " + t.className + " " + t.rows.length); });
  document.getElementById("load-report").textContent = lines.join("\\n");
});
</script>"""


def test_the_page_shows_the_claims_and_loads_every_figure_and_curve(rows, tmp_path):
    chromium = _chromium()
    reports = tmp_path / "reports"
    for name, size in (("vae/PMLR.png", (60, 40)), ("vae/nested/latent.png", (30, 30)), ("exon/my figure#1.png", (50, 20)),
                       ("selection/vae_picks.png", (80, 40))):
        _png(reports / "figures" / name, *size)
    for leftover in (".selection.tmp/vae_picks.png", "vae/.nested.tmp/latent.png"):  # a killed stage's, never shown
        _png(reports / "figures" / leftover, 10, 10)
    live = reports / "live/vae/plots/metrics"
    for split in ("train", "eval"):
        (live / split).mkdir(parents=True)
        (live / split / "loss.tsv").write_text("step\tloss\n0\t3.0\n1\t2.0\n2\t1.5\n")
    (reports / "figures/curves").mkdir()
    from latentlab.io import save_figure

    for name, curves in read_curves(reports / "live").items():
        save_figure(curves_figure(name, curves), reports / "figures/curves" / f"{name}.png", dpi=40)
    page = reports / "index.html"
    page.write_text(page_html(claims_html(rows), page_sections(reports, reports / "figures", reports / "figures/curves"),
                              "summary.md"))
    html = page.read_text()
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) == 5 and "figures/exon/my%20figure%231.png" in sources and "figures/curves/vae.png" in sources
    assert html.index('class="claims"') < html.index("<img")  # the claims first

    probe = page.with_name("index.test.html")  # beside the page: the same relative links
    probe.write_text(html.replace("</body>", '<img src="figures/no-such.png">' + LOAD_REPORT + "</body>"))
    dom = _run_chromium(chromium, tmp_path / "profile", "--dump-dom", probe.as_uri())
    report = re.search(r'<pre id="load-report">(.*?)</pre>', dom, re.S)
    assert report and report.group(1).strip(), dom[-2000:]
    loaded = {}  # src: natural width
    for line in report.group(1).strip().splitlines():
        if not line.startswith("table "):
            width, src = line.split(" ", 1)
            loaded[src] = int(width)
    assert loaded.pop("figures/no-such.png") == 0  # the check can see a broken image
    assert set(loaded) == set(sources) and all(width > 0 for width in loaded.values()), loaded
    assert f"table claims {len(rows) + 1}" in report.group(1)
    assert "FID below every other model" in dom and "n/a" in dom

    screenshot = Path(os.environ.get("LATENTLAB_SCREENSHOT") or tmp_path / "page.png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    _run_chromium(chromium, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,2400", page.as_uri())
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 1000
