"""Training curves: dvclive's TSV files (<live>/<model>/plots/metrics/<split>/<metric>.tsv) read
and drawn small, one figure per training, for the page."""
from __future__ import annotations

import csv
import math
from pathlib import Path

def read_curves(live: str | Path) -> dict[str, dict[str, dict[str, tuple[list[float], list[float]]]]]:
    """{model: {metric: {split: (steps, values)}}} from <live>/<model>/plots/metrics/<split>/<metric>.tsv,
    dvclive's layout (a `step` column and one named as the metric)."""
    curves: dict = {}
    live = Path(live)
    if not live.is_dir():
        return curves
    for model_folder in sorted(p for p in live.iterdir() if p.is_dir() and not p.name.startswith(".")):
        metrics_folder = model_folder / "plots" / "metrics"
        if not metrics_folder.is_dir():
            continue
        for path in sorted(metrics_folder.rglob("*.tsv")):
            relative = path.relative_to(metrics_folder)
            if any(part.startswith(".") for part in relative.parts):
                continue
            with open(path, newline="") as file:
                rows = list(csv.reader(file, delimiter="\t"))
            if len(rows) < 2:
                continue
            header = rows[0]
            column = header.index(path.stem) if path.stem in header else len(header) - 1
            x = header.index("step") if "step" in header else None
            steps, values = [], []
            for i, row in enumerate(rows[1:]):
                try:
                    value = float(row[column])
                    step = float(row[x]) if x is not None else float(i)
                except (ValueError, IndexError):
                    continue
                if math.isfinite(value):
                    steps.append(step)
                    values.append(value)
            if values:
                split = relative.parent.as_posix() if relative.parent != Path(".") else ""
                curves.setdefault(model_folder.name, {}).setdefault(path.stem, {})[split] = (steps, values)
    return curves


def curves_figure(model: str, curves: dict[str, dict[str, tuple[list[float], list[float]]]]):
    """One small panel per metric, a line per split (train, eval), for the page."""
    from matplotlib.figure import Figure

    names = sorted(curves)
    columns = min(4, len(names))
    rows = -(-len(names) // columns)
    figure = Figure(figsize=(3.0 * columns, 2.2 * rows + 0.4))
    for i, name in enumerate(names):
        axes = figure.add_subplot(rows, columns, i + 1)
        for split, (steps, values) in sorted(curves[name].items()):
            axes.plot(steps, values, linewidth=1, label=split or name)
        splits = sorted(curves[name])
        axes.set_title(name if len(splits) > 1 or not splits[0] else f"{name} ({splits[0]})", fontsize=9)
        axes.tick_params(labelsize=7)
        axes.set_xlabel("step", fontsize=7)
        if len(curves[name]) > 1:
            axes.legend(fontsize=7)
    figure.suptitle(f"{model}: training curves (dvclive)", fontsize=10)
    figure.tight_layout()
    return figure
