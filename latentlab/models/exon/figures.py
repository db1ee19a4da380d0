"""EXoN's figures: the latent space over its class-mixture prior, prior samples, interpolations,
V-nat and blur (train_exon), the beta path (path_latent_recon) and pre_design."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from ...io import save_figure
from ...plots.images import image_grid, tile
from ...plots.selection import to_plane
from .interpretation import vnat
from .prior import prior_parameters


def latent_with_prior(z: np.ndarray, labels: np.ndarray, means: np.ndarray, variances: np.ndarray) -> Figure:
    """Test codes coloured by label, each prior component's mean and 2-sigma circle (first two dims)."""
    points, (xlabel, ylabel) = to_plane(z) if z.shape[1] != 2 else (z, ("z1", "z2"))
    figure = Figure(figsize=(6.5, 6.0))
    axes = figure.add_subplot()
    scatter = axes.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=5, vmin=-0.5, vmax=9.5)
    figure.colorbar(scatter, ax=axes, ticks=range(10), label="label")
    if z.shape[1] == 2:
        for k, (mean, variance) in enumerate(zip(means, variances)):
            radius = 2.0 * np.sqrt(variance[:2])
            axes.add_patch(Ellipse(mean[:2], 2 * radius[0], 2 * radius[1], fill=False, lw=1.0, ls="--", color="black"))
            axes.annotate(str(k), mean[:2], ha="center", va="center", fontsize=10, weight="bold")
    axes.set_aspect("equal")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title("EXoN test codes and prior components (2 sigma)", fontsize=10)
    figure.tight_layout()
    return figure


def vnat_heatmap(values: np.ndarray) -> Figure:
    """V-nat per class (rows) and latent dimension (columns); V > 1 marks the activated subspace."""
    figure = Figure(figsize=(max(4.0, 0.25 * values.shape[1] + 2.5), 4.5))
    axes = figure.add_subplot()
    image = axes.imshow(values, aspect="auto", cmap="viridis")
    figure.colorbar(image, ax=axes, label="V-nat")
    active = (values > 1.0).sum(axis=1)
    axes.set_yticks(range(len(values)), [f"{k} ({n} active)" for k, n in enumerate(active)])
    axes.set_xlabel("latent dimension")
    axes.set_ylabel("class (activated dimensions)")
    axes.set_title("V-nat: log mean prior / posterior variance", fontsize=10)
    figure.tight_layout()
    return figure


def pre_design_rows(radii: list[float], xs: np.ndarray, images: np.ndarray) -> Figure:
    """Appendix A.2.2: for each radius (rows), images decoded along the x-axis (columns)."""
    rows, columns = images.shape[:2]
    figure = Figure(figsize=(1.0 * columns + 1.2, 1.0 * rows + 0.8))
    for r in range(rows):
        for c in range(columns):
            axes = figure.add_subplot(rows, columns, r * columns + c + 1)
            axes.imshow(images[r, c, ..., 0], cmap="gray", vmin=0, vmax=1)
            axes.set_xticks([])
            axes.set_yticks([])
            if c == 0:
                axes.set_ylabel(f"r = {radii[r]:g}", fontsize=9)
            if r == rows - 1:
                axes.set_xlabel(f"{xs[c]:g}", fontsize=8)
    figure.suptitle("decoded along the x-axis; prior components at (-r, 0) (digit 0) and (+r, 0) (digit 1)", fontsize=9)
    return figure


def path_latent_recon(runs: list[dict]) -> Figure:
    """One row per beta (the original's figure): the test codes by label, and the images decoded
    on a grid over the same square of the first two latent dimensions."""
    figure = Figure(figsize=(9.0, 4.2 * len(runs)))
    for row, run in enumerate(runs):
        limit, beta = float(run["grid_limit"]), float(run["beta"])
        points, (xlabel, ylabel) = to_plane(run["z"]) if run["z"].shape[1] != 2 else (run["z"], ("z1", "z2"))
        axes = figure.add_subplot(len(runs), 2, 2 * row + 1)
        axes.scatter(points[:, 0], points[:, 1], c=run["y"], cmap="tab10", s=3, vmin=-0.5, vmax=9.5)
        axes.set_xlim(-limit, limit)
        axes.set_ylim(-limit, limit)
        axes.set_aspect("equal")
        axes.set_title(f"beta = {beta:g}: test codes (accuracy {float(run['test_accuracy']):.3f})", fontsize=9)
        axes.set_xlabel(xlabel, fontsize=8)
        axes.set_ylabel(ylabel, fontsize=8)
        side = int(round(np.sqrt(len(run["grid"]))))
        grid = tile(run["grid"], side, side)
        axes = figure.add_subplot(len(runs), 2, 2 * row + 2)
        axes.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=1,
                    extent=(-limit, limit, -limit, limit))
        axes.set_title(f"beta = {beta:g}: decoded {side} x {side} grid", fontsize=9)
    figure.tight_layout()
    return figure


BETA_PATH_PANELS = {  # measure: what the panel's y-axis says
    "test_accuracy": "test accuracy", "conditional_accuracy": "conditional accuracy",
    "code_in_component": "codes in their component", "kl": "KL (nats)", "neg_ssim": "neg_ssim (diversity)",
    "fid": "FID of samples (classifier features)",
}


def beta_path(points: dict[float, dict], authors: dict[float, dict], ceiling: float) -> Figure:
    """Each measure of the beta path against beta, ours beside the authors' fully trained models
    where they report or show it; conditional accuracy with its ceiling (the prior's overlap)."""
    figure = Figure(figsize=(12.0, 6.5))
    betas = sorted(points)
    for i, (measure, label) in enumerate(BETA_PATH_PANELS.items()):
        axes = figure.add_subplot(2, 3, i + 1)
        axes.plot(betas, [points[b][measure] for b in betas], "o-", color="tab:blue", label="ours")
        theirs = sorted(b for b in authors if measure in authors[b])
        if theirs:
            axes.plot(theirs, [authors[b][measure] for b in theirs], "s--", color="tab:gray", label="authors")
        if measure == "conditional_accuracy":
            axes.axhline(ceiling, color="tab:red", lw=0.8, ls=":", label=f"ceiling {ceiling:.3f}")
        axes.set_xscale("log")
        axes.set_xlabel("beta")
        axes.set_title(label, fontsize=10)
        axes.legend(fontsize=8)
    figure.suptitle("EXoN's beta path: one model per beta (train_exon's at its own beta)", fontsize=11)
    figure.tight_layout()
    return figure


def per_class_prior_samples(model, per_class: int, seed: int) -> list[np.ndarray]:
    z, classes = model.sample_prior(per_class * model.config.n_classes, seed)
    return [z[classes == k] for k in range(model.config.n_classes)]


def write_training_figures(model, x_test, labels, mean, log_variance, predicted, folder, seed) -> None:
    """Latent scatter with the prior components, decoded samples per component, interpolations
    within and across classes, the V-nat heatmap and the blur grid."""
    config = model.config
    means, variances = prior_parameters(config)
    z = mean[np.arange(len(x_test)), predicted]
    save_figure(latent_with_prior(z, labels, means, variances), folder / "latent.png")
    per_class = per_class_prior_samples(model, 10, seed)
    decoded = np.concatenate([(model.decode(zk) + 1.0) / 2.0 for zk in per_class])
    save_figure(image_grid(decoded, config.n_classes, 10, "samples from each prior component (rows)"),
                folder / "prior_samples.png")
    same, different = interpolation_pairs(labels, seed)
    for name, (a, b) in (("interpolation_same_class", same), ("interpolation_different_class", different)):
        steps = np.linspace(0.0, 1.0, 8)[:, None]
        path = (1.0 - steps) * z[a] + steps * z[b]
        images = np.concatenate([(x_test[[a]] + 1) / 2, (model.decode(path) + 1) / 2, (x_test[[b]] + 1) / 2])
        title = f"{name.replace('_', ' ')}: test {a} (label {labels[a]}) to test {b} (label {labels[b]})"
        save_figure(image_grid(images, 1, len(images), title), folder / f"{name}.png")
    values = vnat(log_variance, labels, variances)
    save_figure(vnat_heatmap(values), folder / "vnat.png")
    blurred, title = blur_codes_and_images(model, z, labels, values > 1.0, np.sqrt(variances), seed)
    save_figure(image_grid(blurred, config.n_classes, 9, title), folder / "blur.png")


def blur_codes_and_images(model, z, labels, active, prior_std, seed, draws: int = 4):
    """Seed 000's `blur`: for one test code per class, decode it (column 1), then perturbed by the
    prior's spread on the class's activated dimensions (V-nat > 1; columns 2-5) and on the others
    (columns 6-9). Features that change live in the activated subspace."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(model.config.n_classes):
        members = np.flatnonzero(labels == k)
        if len(members) == 0:
            rows.append(np.zeros((9, model.config.latent_dim), np.float32))
            continue
        base = z[members[0]]
        noise = rng.standard_normal((draws, len(base))) * prior_std[k]
        row = [base] + [base + n * active[k] for n in noise] + [base + n * ~active[k] for n in noise]
        rows.append(np.stack(row).astype(np.float32))
    images = (model.decode(np.concatenate(rows)) + 1.0) / 2.0
    return images, "code | noise on activated dims (x4) | on the others (x4)"


def interpolation_pairs(labels: np.ndarray, seed: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two test images of one class, and two of different classes (seeded)."""
    rng = np.random.default_rng(seed)
    first = int(rng.integers(len(labels)))
    same = rng.choice(np.flatnonzero((labels == labels[first]) & (np.arange(len(labels)) != first)))
    other = rng.choice(np.flatnonzero(labels != labels[first]))
    return (first, int(same)), (first, int(other))
