"""train_exon: EXoN, the semi-supervised VAE with a class-mixture prior (MNIST or CIFAR-10 layout,
chosen by the images), its metrics and figures."""
import argparse
import contextlib
import time

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, atomic_path, load_npz, save_figure, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--curves", required=True)
    parser.add_argument("--figures", required=True)
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["exon"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    if len(labeled) == 0:
        raise ParamsError("data.dataset: EXoN needs class labels, and this dataset has none")
    architecture = "mnist" if train["x"].shape[-1] == 1 else "cifar10"
    n_classes = int(train["y"].max()) + 1
    if architecture == "cifar10" and settings["latent_dim"] < n_classes:
        raise ParamsError(f"exon.latent_dim: the CIFAR-10 prior needs at least {n_classes} dimensions")
    if settings["labeled_batch_size"] > len(labeled):
        raise ParamsError(f"exon.labeled_batch_size: more than the {len(labeled)} labelled images")

    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    import keras

    from latentlab.data.splits import to_symmetric_range
    from latentlab.models import exon as exon_lib
    from latentlab.models.exon_training import config_from_params, fit_exon

    config = config_from_params(settings, train["x"].shape[1:], n_classes, seed)
    x_train, x_test = to_symmetric_range(train["x"]), to_symmetric_range(test["x"])

    with contextlib.ExitStack() as stack:
        model_dir = stack.enter_context(atomic_dir(args.model))
        figures = stack.enter_context(atomic_dir(args.figures))
        curves = stack.enter_context(atomic_path(args.curves))
        started = time.perf_counter()
        model = fit_exon(config, settings, x_train, labeled, train["y"], settings["epochs"], seed,
                         callbacks=[keras.callbacks.CSVLogger(str(curves), separator="\t")])
        train_seconds = time.perf_counter() - started
        model.save_to(model_dir)

        mean, log_variance, probabilities = model.posterior(x_test)
        predicted = probabilities.argmax(axis=1)
        samples = [(model.decode(z) + 1.0) / 2.0 for z in _per_class_prior_samples(model, 16, seed)]
        metrics = {
            "test_accuracy": float(np.mean(predicted == test["y"])),
            "kl": exon_lib.mean_kl(mean, log_variance, probabilities, config),
            "neg_ssim": exon_lib.negative_ssim(samples),
            "train_seconds": round(train_seconds, 2),
        }
        _write_figures(model, x_test, test["y"], mean, log_variance, predicted, figures, seed)
    write_json(args.metrics, metrics)
    print({k: round(v, 4) for k, v in metrics.items()})


def _per_class_prior_samples(model, per_class: int, seed: int) -> list[np.ndarray]:
    z, classes = model.sample_prior(per_class * model.config.n_classes, seed)
    return [z[classes == k] for k in range(model.config.n_classes)]


def _write_figures(model, x_test, labels, mean, log_variance, predicted, folder, seed) -> None:
    """Latent scatter with the prior components, decoded samples per component, interpolations
    within and across classes, the V-nat heatmap and the blur grid."""
    from latentlab.models.exon import prior_parameters, vnat
    from latentlab.plots.exon import latent_with_prior, vnat_heatmap
    from latentlab.plots.images import image_grid

    config = model.config
    means, variances = prior_parameters(config)
    z = mean[np.arange(len(x_test)), predicted]
    save_figure(latent_with_prior(z, labels, means, variances), folder / "latent.png")
    per_class = _per_class_prior_samples(model, 10, seed)
    decoded = np.concatenate([(model.decode(zk) + 1.0) / 2.0 for zk in per_class])
    save_figure(image_grid(decoded, config.n_classes, 10, "samples from each prior component (rows)"),
                folder / "prior_samples.png")
    same, different = _interpolation_pairs(labels, seed)
    for name, (a, b) in (("interpolation_same_class", same), ("interpolation_different_class", different)):
        steps = np.linspace(0.0, 1.0, 8)[:, None]
        path = (1.0 - steps) * z[a] + steps * z[b]
        images = np.concatenate([(x_test[[a]] + 1) / 2, (model.decode(path) + 1) / 2, (x_test[[b]] + 1) / 2])
        title = f"{name.replace('_', ' ')}: test {a} (label {labels[a]}) to test {b} (label {labels[b]})"
        save_figure(image_grid(images, 1, len(images), title), folder / f"{name}.png")
    values = vnat(log_variance, labels, variances)
    save_figure(vnat_heatmap(values), folder / "vnat.png")
    blurred, title = _blur(model, z, labels, values > 1.0, np.sqrt(variances), seed)
    save_figure(image_grid(blurred, config.n_classes, 9, title), folder / "blur.png")


def _blur(model, z, labels, active, prior_std, seed, draws: int = 4):
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


def _interpolation_pairs(labels: np.ndarray, seed: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Two test images of one class, and two of different classes (seeded)."""
    rng = np.random.default_rng(seed)
    first = int(rng.integers(len(labels)))
    same = rng.choice(np.flatnonzero((labels == labels[first]) & (np.arange(len(labels)) != first)))
    other = rng.choice(np.flatnonzero(labels != labels[first]))
    return (first, int(same)), (first, int(other))


if __name__ == "__main__":
    run_stage(main)
