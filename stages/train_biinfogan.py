"""train_biinfogan: Bidirectional InfoGAN (seed 001), unsupervised categorical and continuous
codes with an encoder; its metrics (the categorical code scored as a clustering of the classes,
the continuous codes against stroke width and slant) and the original's figures."""
import argparse
import contextlib
import sys
import time

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, enter_outputs, load_npz, write_json
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True, help="folder for G, E and D")
    parser.add_argument("--metrics", required=True, help="JSON file for the test metrics")
    parser.add_argument("--timing", required=True, help="JSON file for train_seconds (not a dependency of anything)")
    parser.add_argument("--live", required=True, help="folder for the dvclive training curves")
    parser.add_argument("--figures", required=True, help="folder for the original's figures")
    args = parser.parse_args()

    from latentlab.models.biinfogan.config import BiInfoGANConfig, read_encodings

    params = load_params(args.params)
    settings, seed = params["biinfogan"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    class_of = None
    if settings["encodings"] is not None:
        class_of = read_encodings(settings["encodings"], settings["categorical"][0])

    from latentlab.runtime import start

    # oneDNN's kernels cut a step of these networks by about a quarter at width 0.5 and 1, by
    # little at 0.25 (bench/biinfogan_seeds.py prints both); TF_ENABLE_ONEDNN_OPTS=0 trains without
    runtime = start(params, onednn=True)
    from latentlab.models.biinfogan.figures import write_figures
    from latentlab.models.biinfogan.model import BiInfoGAN, optimizers
    from latentlab.models.biinfogan.training import CategoryAccuracy, SampleStatistics, evaluate, repeated_batches
    from latentlab.models.common.live import LiveCurves, live_folder
    from latentlab.models.common.training import StopOnNonFiniteLoss

    config = BiInfoGANConfig.from_params(settings, train["x"].shape[1:], seed)
    with runtime.scope():
        model = BiInfoGAN(config)
        model.compile(*optimizers(settings, settings["iterations"]), **runtime.compile_options_for(settings["log_every"]))
    labeled = "y" in test and (test["y"] >= 0).all()

    with contextlib.ExitStack() as stack:
        model_dir, figures, live = enter_outputs(
            stack, atomic_dir(args.model), atomic_dir(args.figures), live_folder(args.live))

        guard = StopOnNonFiniteLoss("train_biinfogan", f"biinfogan.learning_rate_d {settings['learning_rate_d']:g}, "
                                    f"biinfogan.learning_rate_ge {settings['learning_rate_ge']:g}", monitor="ge_loss")
        callbacks = [guard, SampleStatistics(model, seed=seed)]
        if labeled:
            callbacks.append(CategoryAccuracy(model, test["x"], test["y"]))
        callbacks.append(LiveCurves(live, iterations_per_epoch=settings["log_every"]))  # last: logs what the others add

        started = time.perf_counter()
        model.fit(
            repeated_batches(train["x"], settings["batch_size"], seed),
            epochs=settings["iterations"] // settings["log_every"],  # a Keras epoch = log_every iterations
            steps_per_epoch=settings["log_every"],
            shuffle=False,  # repeated_batches shuffles, from the seed; Keras cannot reshuffle a dataset
            callbacks=callbacks,
            verbose=1 if sys.stdout.isatty() else 2,
        )
        train_seconds = time.perf_counter() - started

        model.save_to(model_dir)
        metrics, class_map = evaluate(model, test, class_of)
        write_figures(model, test, class_map, figures, settings["sweep_range"], seed)
        write_json(args.metrics, metrics)  # refuses NaN: a diverged model is never kept
    write_json(args.timing, {"train_seconds": round(train_seconds, 2),
                             "seconds_per_iteration": round(train_seconds / settings["iterations"], 4)})
    shown = {k: v for k, v in metrics.items() if k in ("test_accuracy", "reconstruction_l1")}
    print(shown, metrics.get("continuous_correlation"), f"train_seconds {train_seconds:.1f}")


if __name__ == "__main__":
    run_stage(main)
