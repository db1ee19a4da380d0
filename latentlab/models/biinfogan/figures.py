"""The original's figures, drawn from a trained model (each into a folder it is given):

categorical_grid.png     rows share z and the continuous codes, columns are the categories
continuous_<c>.png       each continuous code swept over [-r, r], one row per category
reconstructions.png      50 test images x beside G(E(x)), in alternating columns
most_confident.png       per category, the 10 test images E is most confident about
continuous_<c>_extremes.png  per category, the test images with the code's lowest / highest values
wrongly_classified.png   every misclassified test image, one row per class it was given

Categories are shown in the order of the classes they are mapped to, and labelled "category ->
class", so the rows read 0..9.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ...io import save_figure
from ...plots.images import image_grid, tile
from .model import BiInfoGAN, prior_latent

GRID = 10
RECONSTRUCTIONS = 50


def labelled_rows(images: np.ndarray, n_cols: int, row_labels: list[str], title: str,
                  col_labels: list[str] | None = None) -> Figure:
    """A grid with one label per row (and optionally per column)."""
    n_rows = len(row_labels)
    mosaic = np.clip(tile(images, n_rows, n_cols), 0.0, 1.0)
    h, w = images.shape[1:3]
    figure = Figure(figsize=(max(3.0, n_cols * 0.42 + 1.0), max(3.0, n_rows * 0.42 + 0.6)))
    axes = figure.add_subplot()
    if mosaic.shape[-1] == 1:
        axes.imshow(mosaic[..., 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        axes.imshow(mosaic, interpolation="nearest")
    axes.set_yticks([(r + 0.5) * h for r in range(n_rows)], row_labels, fontsize=7)
    if col_labels:
        axes.set_xticks([(c + 0.5) * w for c in range(n_cols)], col_labels, fontsize=7)
    else:
        axes.set_xticks([])
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    return figure


def category_order(class_of: dict[int, int], n_categories: int) -> list[int]:
    """Categories sorted by their mapped class; unmatched categories last."""
    return sorted(range(n_categories), key=lambda k: (class_of.get(k, n_categories + k), k))


def category_label(category: int, class_of: dict[int, int]) -> str:
    return f"{category} -> {class_of[category]}" if category in class_of else f"{category} -> ?"


def categorical_grid(model: BiInfoGAN, order: list[int], class_of: dict, seed: int) -> Figure:
    config = model.config
    c1 = config.layout()["c1"]
    base = prior_latent(config, GRID, np.random.default_rng(seed))
    latents = np.repeat(base, len(order), axis=0)
    latents[:, c1] = 0.0
    latents[np.arange(len(latents)), c1.start + np.tile(order, GRID)] = 1.0
    return labelled_rows(model.decode(latents), len(order), [f"draw {i + 1}" for i in range(GRID)],
                         "G(z, c1, continuous): rows share z and the continuous codes",
                         [category_label(k, class_of) for k in order])


def continuous_sweep(model: BiInfoGAN, code: int, order: list[int], class_of: dict, sweep: float, seed: int) -> Figure:
    """Code `code` (index among the continuous codes) swept; z and the other codes fixed."""
    config = model.config
    layout = config.layout()
    values = np.linspace(-sweep, sweep, GRID, dtype=np.float32)
    base = prior_latent(config, 1, np.random.default_rng(seed))[0]
    latents = np.repeat(base[None], len(order) * GRID, axis=0)
    latents[:, layout["c1"]] = 0.0
    for row, category in enumerate(order):
        block = slice(row * GRID, (row + 1) * GRID)
        latents[block, layout["c1"].start + category] = 1.0
        latents[block, layout["continuous"].start + code] = values
    name = config.continuous_names()[code]
    return labelled_rows(model.decode(latents), GRID, [category_label(k, class_of) for k in order],
                         f"{name} swept from {-sweep:g} to {sweep:g} (trained on [-1, 1])",
                         [f"{v:.2g}" for v in values])


def reconstruction_pairs(model: BiInfoGAN, x: np.ndarray) -> Figure:
    shown = x[:RECONSTRUCTIONS]
    pairs = np.stack([shown, model.reconstruct(shown)], axis=1).reshape(-1, *shown.shape[1:])
    return image_grid(pairs, RECONSTRUCTIONS * 2 // 20, 20, "x | G(E(x)), in alternating columns")


def most_confident(x: np.ndarray, probabilities: np.ndarray, order: list[int], class_of: dict) -> Figure:
    rows = []
    for category in order:
        mine = np.flatnonzero(probabilities.argmax(axis=1) == category)
        best = mine[np.argsort(-probabilities[mine, category], kind="stable")][:GRID]
        rows.append(_padded(x[best], GRID, x.shape[1:]))
    return labelled_rows(np.concatenate(rows), GRID, [category_label(k, class_of) for k in order],
                         "the 10 test images each category is most confident about")


def continuous_extremes(x: np.ndarray, categories: np.ndarray, code: np.ndarray, name: str,
                        order: list[int], class_of: dict) -> Figure:
    rows, labels = [], []
    for category in order:
        mine = np.flatnonzero(categories == category)
        ranked = mine[np.argsort(code[mine], kind="stable")]
        rows += [_padded(x[ranked[:GRID]], GRID, x.shape[1:]), _padded(x[ranked[::-1][:GRID]], GRID, x.shape[1:])]
        labels += [f"{category_label(category, class_of)} low", f"{category_label(category, class_of)} high"]
    return labelled_rows(np.concatenate(rows), GRID, labels, f"test images with the lowest / highest {name}, per category")


def wrongly_classified(x: np.ndarray, given: np.ndarray, labels: np.ndarray, n_classes: int) -> Figure:
    """Every test image whose mapped category is not its label, one row per class it was given
    (the seed's figure); the columns wrap at 20 per row."""
    width = 20
    rows, names = [], []
    for label in range(n_classes):
        wrong = np.flatnonzero((given == label) & (labels != label))
        n_rows = max(1, -(-len(wrong) // width))
        rows.append(_padded(x[wrong], n_rows * width, x.shape[1:]))
        names += [f"given {label} ({len(wrong)})"] + [""] * (n_rows - 1)
    total = int(np.sum(given != labels))
    return labelled_rows(np.concatenate(rows), width, names,
                         f"the {total} misclassified test images, by the class they were given")


def _padded(images: np.ndarray, n: int, shape) -> np.ndarray:
    blank = np.ones((n - len(images), *shape), dtype=np.float32)
    return np.concatenate([images.astype(np.float32), blank])


def write_figures(model: BiInfoGAN, test: dict, class_of: dict[int, int], folder: Path, sweep: float, seed: int) -> None:
    config = model.config
    layout = config.layout()
    codes = model.encode(test["x"])
    probabilities = codes[:, layout["c1"]]
    categories = probabilities.argmax(axis=1)
    order = category_order(class_of, config.categorical[0])
    save_figure(categorical_grid(model, order, class_of, seed), folder / "categorical_grid.png")
    for j, name in enumerate(config.continuous_names()):
        save_figure(continuous_sweep(model, j, order, class_of, sweep, seed), folder / f"continuous_{name}.png")
        code = codes[:, layout["continuous"].start + j]
        save_figure(continuous_extremes(test["x"], categories, code, name, order, class_of),
                    folder / f"continuous_{name}_extremes.png")
    save_figure(reconstruction_pairs(model, test["x"]), folder / "reconstructions.png")
    save_figure(most_confident(test["x"], probabilities, order, class_of), folder / "most_confident.png")
    if "y" in test and len(class_of):
        given = np.array([class_of.get(int(k), -1) for k in categories])
        n_classes = int(test["y"].max()) + 1
        save_figure(wrongly_classified(test["x"], given, test["y"], n_classes), folder / "wrongly_classified.png")
