"""IIN's and D-IIN's figures, each drawn from a trained model into a folder it is given.

IIN (train_iin): samples.png (decode(T^-1(eps))), autoencoder_samples.png (decode(eps), the
autoencoder's own prior), reconstructions.png (test images beside the autoencoder's), and
interpolation.png (straight lines in T space between test images).
D-IIN (evaluate_diin): swap_grid.png (rows give the digit factor, columns the colour and residual),
traversal_<factor>.png (one factor moved from one image's value to another's, the rest fixed),
samples.png, reconstructions.png, interpolation.png.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...io import save_figure
from ...plots.images import image_grid

GRID, STEPS = 8, 8


def _interpolations(model, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """GRID rows: STEPS points on the straight line in T space between two test images."""
    pick = rng.choice(len(images), (GRID, 2), replace=False)
    codes = model.encode(images[pick.ravel()]).reshape(GRID, 2, -1)
    t = np.linspace(0.0, 1.0, STEPS)[None, :, None]
    line = codes[:, :1] * (1.0 - t) + codes[:, 1:] * t
    return model.decode(line.reshape(GRID * STEPS, -1).astype(np.float32))


def _reconstructions(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """Originals and reconstructions in alternating columns."""
    pairs = np.stack([originals, reconstructions], axis=1)
    return pairs.reshape((-1,) + originals.shape[1:])


def write_autoencoder_figures(autoencoder, test_x: np.ndarray, folder: str | Path, seed: int) -> None:
    """The autoencoder alone (train_iin_ae): reconstructions.png and samples.png (decode(N(0, I)))."""
    from .images import network_input, to_data_size

    folder, rng = Path(folder), np.random.default_rng(seed)
    n, shape = GRID * GRID, test_x.shape[1:3]
    shown = test_x[rng.choice(len(test_x), n // 2, replace=False)]
    mean, _ = autoencoder.posterior(network_input(shown))
    save_figure(image_grid(_reconstructions(shown, to_data_size(autoencoder.decode(mean), shape)), GRID, GRID,
                           "test images | reconstructions"),
                folder / "reconstructions.png")
    eps = rng.standard_normal((n, autoencoder.config.z_dim)).astype(np.float32)
    save_figure(image_grid(to_data_size(autoencoder.decode(eps), shape), GRID, GRID,
                           "prior samples: decode(eps)"), folder / "samples.png")


def write_iin_figures(model, test_x: np.ndarray, folder: str | Path, seed: int) -> None:
    """`model`: a TrainedIIN; `test_x`: test images in [0, 1]."""
    folder = Path(folder)
    save_figure(image_grid(model.decode_z(model.normal(GRID * GRID, seed)), GRID, GRID,
                           "autoencoder's prior: decode(eps)"), folder / "autoencoder_samples.png")
    _samples_reconstructions_lines(model, test_x, folder, seed, "IIN")


def _samples_reconstructions_lines(model, images: np.ndarray, folder: Path, seed: int, name: str) -> None:
    """samples.png, reconstructions.png and interpolation.png of a TrainedIIN."""
    rng, n = np.random.default_rng(seed + 1), GRID * GRID
    save_figure(image_grid(model.sample(n, seed), GRID, GRID, f"{name} samples: decode(T^-1(eps))"),
                folder / "samples.png")
    shown = images[rng.choice(len(images), n // 2, replace=False)]
    save_figure(image_grid(_reconstructions(shown, model.decode_z(model.posterior_mean(shown))), GRID, GRID,
                           "test images | reconstructions"), folder / "reconstructions.png")
    save_figure(image_grid(_interpolations(model, images, rng), GRID, STEPS, "straight lines in T space"),
                folder / "interpolation.png")


def write_diin_figures(model, pairs_x: np.ndarray, labels: np.ndarray, folder: str | Path, seed: int,
                       factor_names: tuple[str, ...], measures: dict | None = None) -> None:
    """`model`: a TrainedIIN with a FactorNetwork; `pairs_x`: coloured test images in [0, 1];
    `measures`: diin.swap_metrics's, for the swap grid's caption (the swaps and the leak)."""
    from .diin import swap_factor

    folder, rng = Path(folder), np.random.default_rng(seed)
    # six images of six different digits for the swap grid
    first = [int(np.flatnonzero(labels == d)[0]) for d in np.unique(labels)[:6]]
    six = pairs_x[first]
    codes = model.encode(six)
    digit = factor_names.index("digit")
    grid = []
    for r in range(len(six)):  # row r: the digit factor of image r; column c: the rest of image c
        grid.append(swap_factor(model.flow, codes, np.repeat(codes[r: r + 1], len(six), axis=0), digit))
    decoded = model.decode(np.concatenate(grid))
    header = np.concatenate([np.ones_like(six[:1]), six])
    body = np.concatenate([np.concatenate([six[r: r + 1], decoded[r * 6: r * 6 + 6]]) for r in range(6)])
    caption = "digit of the left, the rest of the top"
    if measures:
        caption += (f"\nswaps named as the donor's digit: {measures['digit_swap_accuracy']:.2f}"
                    f"\ndigit read off colour, residual: {measures['digit_in_other_factors']:.2f}"
                    f"\ncolour read off digit, residual: R² {measures['colour_in_other_factors']:.2f}")
    save_figure(image_grid(np.concatenate([header, body]), 7, 7, caption),
                folder / "swap_grid.png")
    sources = rng.choice(len(pairs_x), (GRID, 2), replace=False)
    ends = model.encode(pairs_x[sources.ravel()]).reshape(GRID, 2, -1)
    for g, name in enumerate(factor_names):
        rows = []
        for a, b in ends:
            steps = np.repeat(a[None], STEPS, axis=0)
            start, stop = model.flow.factor_slice(g)
            t = np.linspace(0.0, 1.0, STEPS)[:, None]
            steps[:, start:stop] = a[start:stop] * (1 - t) + b[start:stop] * t
            rows.append(steps)
        save_figure(image_grid(model.decode(np.concatenate(rows).astype(np.float32)), GRID, STEPS,
                               f"the {name} factor moved, the rest fixed"),
                    folder / f"traversal_{name}.png")
    _samples_reconstructions_lines(model, pairs_x, folder, seed, "D-IIN")
