"""reports/index.html: the claims table, then every figure under reports/figures and the training
curves, linked by relative names; plain HTML and inline CSS, nothing fetched. No TensorFlow."""
from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote

def images_in(folder: str | Path, page_folder: str | Path) -> list[tuple[str, str]]:
    """[(link relative to the page, caption)] for every PNG under `folder`, sorted; hidden names (a
    killed stage's .<name>.tmp) left out."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    images = [p for p in sorted(folder.rglob("*.png")) if not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    return [(_link(image, page_folder), image.relative_to(folder).as_posix()) for image in images]


def figure_groups(root: str | Path, page_folder: str | Path, skip: tuple[str, ...] = ()) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(folder, images_in(folder))] for each folder of `root` but `skip` that holds a PNG, sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in skip)
    return [(folder.name, images) for folder in folders if (images := images_in(folder, page_folder))]


def _link(path: Path, page_folder: str | Path) -> str:
    """A relative link (the page and its figures move together: a DVC remote, a CI artefact)."""
    return quote(Path(os.path.relpath(path, page_folder)).as_posix())


def page_sections(page_folder: str | Path, figures: str | Path, curves: str | Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The page's sections: one per folder of `figures` (`curves` left out when it is one of them),
    then the training curves, each image linked relative to `page_folder`."""
    figures, curves = Path(figures), Path(curves)
    inside = curves.resolve().parent == figures.resolve()
    groups = figure_groups(figures, page_folder, skip=(curves.name,) if inside else ())
    return [(f"{figures.name}/{folder}", images) for folder, images in groups] + [
        ("training curves", images_in(curves, page_folder))]


PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table.claims { border-collapse: collapse; font-size: 0.9em; }
table.claims th, table.claims td { border: 1px solid #ccc; padding: 4px 7px; vertical-align: top; text-align: left; }
table.claims th { background: #f2f2f2; }
table.claims td:nth-child(3), table.claims td:nth-child(4) { text-align: right; white-space: nowrap; }
td.yes { background: #d7f0d7; font-weight: bold; } td.no { background: #f6d5d5; font-weight: bold; }
td.na { background: #eee; color: #666; }
ol.sources { font-size: 0.8em; color: #444; list-style: none; padding-left: 0; }
ol.sources li::before { content: "[" counter(list-item) "] "; }
nav a { margin-right: 0.9em; white-space: nowrap; }
figure { display: inline-block; margin: 6px; vertical-align: top; }
figure img { max-width: 460px; max-height: 460px; border: 1px solid #ddd; }
figcaption { font-size: 0.8em; color: #444; }
"""


def page_html(claims_table: str, sections: list[tuple[str, list[tuple[str, str]]]], summary_link: str | None = None) -> str:
    """The page: `claims_table` (latentlab.claims.claims_html) first, then a section per
    (heading, [(image link, caption)]); plain HTML and inline CSS, nothing fetched."""
    escape = html.escape
    anchors = [f"section-{i}" for i in range(len(sections))]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<title>latentlab: claims, figures and curves</title>", f"<style>{PAGE_STYLE}</style>", "</head>", "<body>",
           "<h1>latentlab: each paper's claim beside ours, every figure and training curve</h1>",
           "<p>Written by the <code>plots</code> stage from reports/metrics/, claims.yaml (the papers' numbers and "
           "their sources) and noise.yaml (our spread over seeds and machines, where benched); a claim holds when "
           "our number passes its test." + (f' Every metric: <a href="{escape(summary_link)}">summary.md</a>.'
                                             if summary_link else "") + "</p>",
           '<h2 id="claims">Claims: each paper beside ours</h2>', claims_table.rstrip(),
           "<nav>" + "\n".join(f'<a href="#{a}">{escape(h)}</a>' for a, (h, _) in zip(anchors, sections)) + "</nav>"]
    for anchor, (heading, images) in zip(anchors, sections):
        out.append(f'<h2 id="{anchor}">{escape(heading)}</h2>')
        out += [f'<figure><a href="{escape(src)}"><img src="{escape(src)}" alt="{escape(caption)}"></a>'
                f"<figcaption>{escape(caption)}</figcaption></figure>" for src, caption in images]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
