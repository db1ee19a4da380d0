"""train_exon: EXoN, the semi-supervised VAE with a class-mixture prior (MNIST or CIFAR-10 layout,
chosen by the images), its metrics and figures."""
import argparse
import contextlib
import time

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, atomic_path, load_npz, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--curves", required=True)
    parser.add_argument("--figures", required=True)
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["exon"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    if len(labeled) == 0:
        raise ParamsError("data.dataset: EXoN needs class labels, and this dataset has none")
    n_classes = int(train["y"].max()) + 1

    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    import keras

    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.figures import per_class_prior_samples, write_training_figures
    from latentlab.models.exon.interpretation import mean_kl, negative_ssim
    from latentlab.models.exon.training import fit_exon

    config = config_from_params(settings, train["x"].shape[1:], n_classes, seed)
    x_train, x_test = to_symmetric_range(train["x"]), to_symmetric_range(test["x"])

    with contextlib.ExitStack() as stack:
        model_dir = stack.enter_context(atomic_dir(args.model))
        figures = stack.enter_context(atomic_dir(args.figures))
        curves = stack.enter_context(atomic_path(args.curves))
        started = time.perf_counter()
        guard = StopOnNonFiniteLoss("train_exon", f"exon.learning_rate {settings['learning_rate']:g}, "
                                    f"exon.lambda1 {settings['lambda1']:g}, exon.beta {settings['beta']:g}")
        model = fit_exon(config, settings, x_train, labeled, train["y"], settings["epochs"], seed,
                         callbacks=[guard, keras.callbacks.CSVLogger(str(curves), separator="\t")])
        train_seconds = time.perf_counter() - started
        model.save_to(model_dir)

        mean, log_variance, probabilities = model.posterior(x_test)
        predicted = probabilities.argmax(axis=1)
        samples = [(model.decode(z) + 1.0) / 2.0 for z in per_class_prior_samples(model, 16, seed)]
        metrics = {
            "test_accuracy": float(np.mean(predicted == test["y"])),
            "kl": mean_kl(mean, log_variance, probabilities, config),
            "neg_ssim": negative_ssim(samples),
        }
        write_training_figures(model, x_test, test["y"], mean, log_variance, predicted, figures, seed)
        write_json(args.metrics, metrics)  # refuses NaN: a diverged model is never kept
    write_json(args.timing, {"train_seconds": round(train_seconds, 2)})
    print({k: round(v, 4) for k, v in metrics.items()}, f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
