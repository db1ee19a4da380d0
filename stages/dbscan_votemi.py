"""dbscan_votemi: DBSCAN on a model's training codes, Vote-MI selection of a budget of real images
by both rules (the seed's, SPEC.md section 4, and ours), the same budget chosen at random, by
k-medoids, TypiClust and ProbCover, and each selection scored by the test accuracy of a logistic
regression trained on the selected images' true labels. votemi.rule names the Vote-MI selection
exported as images and table; the table names its images by the file names of export_images's one
export of every training image (data/images/train/), which this stage does not copy."""
import argparse

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_npz, write_json
from latentlab.params import ParamsError, check_model_names, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--model-name", required=True, help="the model's name in dvc.yaml (for votemi.eps_per_model)")
    parser.add_argument("--family", required=True, help="the model family: a package under latentlab/models/")
    parser.add_argument("--model", required=True, help="the trained model's folder (its decoder)")
    parser.add_argument("--embeddings", required=True, help="the embed stage's folder for this model")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--out", required=True, help="folder for the selected images, selection.xlsx, picks.npz")
    parser.add_argument("--metrics", required=True)
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed = params["votemi"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    codes = load_npz(f"{args.embeddings}/train.npz")
    z = codes["z"]
    if settings["budget"] > len(z):
        raise ParamsError(f"votemi.budget: {settings['budget']} is more than the {len(z)} training images")

    from latentlab.data.image_files import write_image_folder
    from latentlab.selection import votemi, votemi_seed
    from latentlab.selection.baselines import (kmedoids_selection, probcover_selection, random_selection,
                                               selection_accuracy, typiclust_selection)
    from latentlab.selection.clustering import dbscan, eps_for
    from latentlab.selection.export import write_selection_table

    check_model_names(settings["eps_per_model"], "votemi.eps_per_model")
    clusters, eps = dbscan(z, eps_for(settings, args.model_name), settings["min_samples"])
    if (clusters < 0).all():
        raise ParamsError(
            f"votemi.eps: DBSCAN with eps {eps:.4g} and min_samples {settings['min_samples']} "
            "finds no cluster (every point is noise); raise eps, lower min_samples, or use eps: auto"
        )

    from latentlab.models.family import load_model
    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    decode = load_model(args.family, args.model).decode
    ours = votemi.select(
        z, clusters, decode, settings["budget"], settings["candidates"], settings["mi_bins"], seed,
        settings["normalized_mi"],
    )
    seed_rule = votemi_seed.select_seed_rule(z, clusters, decode, settings["budget"], seed=seed)
    chosen = seed_rule if settings["rule"] == "seed" else ours
    randoms = [random_selection(len(z), settings["budget"], seed + r) for r in range(settings["random_repeats"])]
    medoids = kmedoids_selection(z, settings["budget"], seed)
    typical = typiclust_selection(z, settings["budget"], seed)
    covering, radius = probcover_selection(z, settings["budget"], seed)

    def accuracy(picks):
        return selection_accuracy(train["x"], train["y"], picks, test["x"], test["y"], seed)

    metrics = {
        "n_clusters": int(clusters.max() + 1),
        "noise_fraction": float(np.mean(clusters < 0)),
        "eps": float(eps),
        "n_selected": int(len(chosen.indices)),
        "accuracy_votemi": accuracy(ours.indices),
        "accuracy_votemi_seed": accuracy(seed_rule.indices),
        "accuracy_random": float(np.mean([accuracy(p) for p in randoms])),
        "accuracy_kmedoids": accuracy(medoids),
        "accuracy_typiclust": accuracy(typical),
        "accuracy_probcover": accuracy(covering),
        "probcover_radius": float(radius),
        "classes_covered_votemi": int(len(np.unique(train["y"][ours.indices]))),
        "classes_covered_votemi_seed": int(len(np.unique(train["y"][seed_rule.indices]))),
    }
    with atomic_dir(args.out) as out:
        write_image_folder(train["x"][chosen.indices], train["index"][chosen.indices], out / "selected_image_folder")
        write_selection_table(out / "selection.xlsx", chosen.indices, train["index"], z, chosen.clusters, train["y"],
                              chosen.votes)
        save_npz(out / "picks.npz", votemi=ours.indices, votemi_seed=seed_rule.indices, random=randoms[0],
                 kmedoids=medoids, typiclust=typical, probcover=covering, clusters=clusters,
                 joined_clusters=ours.clusters, votes=ours.votes)
    write_json(args.metrics, metrics)
    print(", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in metrics.items()))


if __name__ == "__main__":
    run_stage(main)
