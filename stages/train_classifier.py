"""train_classifier: the small CNN whose penultimate features define the project's FID."""
import argparse
import sys

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, write_json
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True, help="folder for classifier.keras")
    parser.add_argument("--metrics", required=True, help="JSON file for test_accuracy")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["classifier"], params["seed"]

    from latentlab.runtime import start

    runtime = start(params)
    import keras
    import numpy as np

    from latentlab.models.classifier import build_classifier
    from latentlab.models.common.persistence import save_keras
    from latentlab.models.common.training import StopOnNonFiniteLoss

    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    if (train["y"] < 0).any():
        raise SystemExit("train_classifier: this dataset has no class labels (CelebA); nothing to train")
    n_classes = int(max(train["y"].max(), test["y"].max())) + 1
    with runtime.scope():
        model = build_classifier(
            train["x"].shape[1:], n_classes, settings["width"], settings["feature_dim"], settings["dropout"], seed=seed
        )
        model.compile(
            optimizer=keras.optimizers.Adam(settings["learning_rate"]),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            **runtime.compile_options,
        )
    model.fit(
        train["x"],
        train["y"],
        epochs=settings["epochs"],
        batch_size=settings["batch_size"],
        shuffle=True,
        callbacks=[StopOnNonFiniteLoss("train_classifier", f"classifier.learning_rate {settings['learning_rate']:g}")],
        verbose=1 if sys.stdout.isatty() else 2,
    )
    predictions = np.argmax(model.predict(test["x"], batch_size=500, verbose=0), axis=1)
    accuracy = float(np.mean(predictions == test["y"]))
    with atomic_dir(args.model) as folder:
        save_keras(model, folder / "classifier.keras")
    write_json(args.metrics, {"test_accuracy": accuracy})
    print(f"classifier test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    run_stage(main)
