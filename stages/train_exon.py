"""train_exon: EXoN, the semi-supervised VAE with a class-mixture prior (MNIST or CIFAR-10 layout,
chosen by the images), its metrics and figures."""
import argparse
import contextlib
import time

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, enter_outputs, load_npz, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    parser.add_argument("--figures", required=True)
    parser.add_argument("--classifier", required=True, help="the train_classifier stage's folder (judges prior samples)")
    parser.add_argument("--point", required=True, help="npz of this model's point on the beta path (path_latent_recon)")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["exon"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    if len(labeled) == 0:
        raise ParamsError("data.dataset: EXoN needs class labels, and this dataset has none")
    n_classes = int(train["y"].max()) + 1

    from latentlab.runtime import start

    runtime = start(params, onednn=True)  # the classifier's convolutions: ~2.5x faster steps on this CPU

    from latentlab.models.common.persistence import load_keras
    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.beta_path import measure, save_point
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.figures import write_training_figures
    from latentlab.models.exon.training import fit_exon

    config = config_from_params(settings, train["x"].shape[1:], n_classes, seed)
    x_train, x_test = to_symmetric_range(train["x"]), to_symmetric_range(test["x"])

    with contextlib.ExitStack() as stack:
        model_dir, figures, live = enter_outputs(
            stack, atomic_dir(args.model), atomic_dir(args.figures), live_folder(args.live))
        started = time.perf_counter()
        guard = StopOnNonFiniteLoss("train_exon", f"exon.learning_rate {settings['learning_rate']:g}, "
                                    f"exon.lambda1 {settings['lambda1']:g}, exon.beta {settings['beta']:g}")
        model = fit_exon(config, settings, x_train, labeled, train["y"], settings["epochs"], seed,
                         callbacks=[guard, LiveCurves(live)], runtime=runtime)
        train_seconds = time.perf_counter() - started
        model.save_to(model_dir)

        judge = load_keras(f"{args.classifier}/classifier.keras")
        posterior = model.posterior(x_test)
        metrics, codes = measure(model, config, posterior, test["y"], judge, seed)
        mean, log_variance, probabilities = posterior
        write_training_figures(model, x_test, test["y"], mean, log_variance, probabilities.argmax(axis=1), figures, seed)
        write_json(args.metrics, metrics)  # refuses NaN: a diverged model is never kept
        save_point(args.point, settings["beta"], model, config, codes, test["y"], metrics)
    write_json(args.timing, {"train_seconds": round(train_seconds, 2)})
    print({k: round(v, 4) for k, v in metrics.items()}, f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
