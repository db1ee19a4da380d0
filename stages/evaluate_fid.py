"""evaluate_fid: Frechet distance between a model's samples and the test images, in the feature
space of the project's classifier, beside the real-data floor (train images vs test images); and
in the same space precision, recall, density and coverage (Naeem et al. 2020, the `prdc` package),
which tell sharpness (precision, density) from diversity (recall, coverage). A model with
reference image sets (IIN: its autoencoder's reconstructions and prior samples) has each scored
the same way, on the same real images and n."""
import argparse
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import load_npz, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--family", required=True, help="the model family: a package under latentlab/models/")
    parser.add_argument("--model", required=True, help="the trained model's folder")
    parser.add_argument("--classifier", required=True, help="the train_classifier stage's folder")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--metrics", required=True, help="JSON file for fid, fid_floor, ...")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["fid"], params["seed"]
    test, train = load_npz(f"{args.data}/test.npz"), load_npz(f"{args.data}/train.npz")
    n = settings["n_samples"]
    if n > min(len(test["x"]), len(train["x"])):  # check_params refuses this first; kept for a stage run alone
        raise ParamsError(f"fid.n_samples: {n} is more than the {min(len(test['x']), len(train['x']))} images of the test split")
    weights = settings["inception_weights"]
    if weights is not None and not Path(weights).is_file():
        raise ParamsError(f"fid.inception_weights: no file at {weights} (it is never downloaded)")

    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    from latentlab.metrics.fid import TooFewSamples, frechet_distance, prdc_scores, reference_images
    from latentlab.models.classifier import FEATURES, feature_extractor
    from latentlab.models.common.persistence import load_keras
    from latentlab.models.family import load_model

    real_test, real_train = reference_images(test["x"], train["x"], n, seed)
    model = load_model(args.family, args.model)
    samples = model.sample(n, seed)
    references = model.references(real_test, seed) if model.references is not None else {}

    extractor = feature_extractor(load_keras(Path(args.classifier) / "classifier.keras"))
    features = {name: extractor.predict(images, batch_size=500, verbose=0) for name, images in
                (("test", real_test), ("train", real_train), ("samples", samples), *references.items())}
    try:
        fid = frechet_distance(features["samples"], features["test"])
    except TooFewSamples as error:
        raise ParamsError(f"fid.n_samples: {error}") from None
    metrics = {
        "fid": fid,
        "fid_floor": frechet_distance(features["train"], features["test"]),
        "n_samples": n,
        "feature_space": f"classifier/{FEATURES} ({features['test'].shape[1]}-d)",
        **prdc_scores(features["test"], features["samples"], settings["prdc_k"]),
        "prdc_floor": prdc_scores(features["test"], features["train"], settings["prdc_k"]),
    }
    for name in references:
        metrics[f"fid_{name}"] = frechet_distance(features[name], features["test"])
        metrics[f"prdc_{name}"] = prdc_scores(features["test"], features[name], settings["prdc_k"])
    if weights is not None:
        from latentlab.models.inception import inception_features

        inception = {name: inception_features(weights, images) for name, images in
                     (("test", real_test), ("train", real_train), ("samples", samples))}
        try:
            metrics["fid_inception"] = frechet_distance(inception["samples"], inception["test"])
        except TooFewSamples as error:
            raise ParamsError(f"fid.n_samples: {error} (fid.inception_weights)") from None
        metrics["fid_inception_floor"] = frechet_distance(inception["train"], inception["test"])
    write_json(args.metrics, metrics)
    print(f"{args.model}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


if __name__ == "__main__":
    run_stage(main)
