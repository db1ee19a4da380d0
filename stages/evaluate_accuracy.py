"""evaluate_accuracy: how much class information a model's latent codes carry.

probe_accuracy: logistic regression fitted on the `n_labeled` labelled training codes only;
knn_accuracy: k nearest neighbours over all training codes and labels;
cluster_accuracy: k-means (k = number of classes) on the test codes, Hungarian-matched to labels.
All three are scored on the test codes. Families with a class output add classifier_accuracy on
the test images: directly when its ids are labels (EXoN's classifier), after the Hungarian
matching of ids to labels when they are clusters (a GAN's categorical code), with the mapping.
"""
import argparse

from latentlab.cli import run_stage
from latentlab.io import load_npz, write_json
from latentlab.metrics.accuracy import class_output_accuracy, kmeans_cluster_accuracy, knn_accuracy, linear_probe_accuracy
from latentlab.models.family import get_family
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--family", required=True, help="the model family: a package under latentlab/models/")
    parser.add_argument("--model", required=True, help="the trained model's folder")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--embeddings", required=True, help="the embed stage's folder for this model")
    parser.add_argument("--labeled", required=True, help="preprocess's labeled.npz")
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()

    params = load_params(args.params)
    seed = params["seed"]
    train, test = load_npz(f"{args.embeddings}/train.npz"), load_npz(f"{args.embeddings}/test.npz")
    labeled = load_npz(args.labeled)["position"]
    if params["probe"]["knn_k"] > len(train["z"]):  # check_params refuses this first; kept for a stage run alone
        raise ParamsError(f"probe.knn_k: {params['probe']['knn_k']} is more than the {len(train['z'])} training codes")
    metrics = {
        "probe_accuracy": linear_probe_accuracy(train["z"][labeled], train["y"][labeled], test["z"], test["y"], seed),
        "knn_accuracy": knn_accuracy(train["z"], train["y"], test["z"], test["y"], params["probe"]["knn_k"]),
        "cluster_accuracy": kmeans_cluster_accuracy(test["z"], test["y"], seed),
        "n_labeled": int(len(labeled)),
    }
    family = get_family(args.family)
    if family.class_ids is not None:  # TensorFlow is loaded only for these
        from latentlab.models.family import load_model
        from latentlab.seeding import make_deterministic

        make_deterministic(seed)
        classify = load_model(args.family, args.model).classify
        images = load_npz(f"{args.data}/test.npz")
        metrics.update(class_output_accuracy(classify(images["x"]), images["y"], family.class_ids))
    write_json(args.metrics, metrics)
    print(", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


if __name__ == "__main__":
    run_stage(main)
