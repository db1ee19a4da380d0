"""Selection rules compared over seeds, on the pipeline's current outputs (run `dvc repro` first).

For each latent: DBSCAN with params.yaml's votemi settings, then each rule picks votemi.budget
training images and a logistic regression on the picks' pixels is scored on the test split (the
dbscan_votemi stage's measure). Rows per latent: random; k-medoids of the codes; TypiClust and
ProbCover (the cold-start state of the art, scikit-activeml); Vote-MI by the seed's rule
(latentlab/selection/votemi_seed.py) and by ours (votemi.py); and, for scale, k-medoids on
PCA-50 of the pixels (issue 3's 0.79).
One more row picks k-medoids within each true class: it uses the labels, so it is a reference
for how far a label-free rule could go, not a rule.
Each model of dvc.yaml uses its own votemi eps. `--vae-dims 4 20` also trains a VAE per dim_z
(the train_vae and embed stage scripts, vae params with only dim_z and epochs changed, into a
temporary folder; eps auto) to show how the latent's size moves the result.
Run: python bench/votemi_rules.py [--seeds 0 1 2 3 4] [--vae-dims 4 20]
(about 1 minute per latent, plus about 50 s per trained VAE, on 2 cores)
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from latentlab.io import load_npz  # noqa: E402
from latentlab.selection import votemi, votemi_seed  # noqa: E402
from latentlab.selection.baselines import (  # noqa: E402
    kmedoids_selection,
    probcover_selection,
    random_selection,
    selection_accuracy,
    typiclust_selection,
)
from latentlab.selection.clustering import dbscan, eps_for  # noqa: E402


def per_class_medoids(features, labels, budget, seed):
    """budget / classes k-medoids inside each true class: what a selector that knew the labels
    would pick, so the table shows how much room the label-free rules have."""
    classes = np.unique(labels)
    picks = [np.flatnonzero(labels == c)[kmedoids_selection(features[labels == c], budget // len(classes), seed)]
             for c in classes]
    return np.concatenate(picks)


def train_vae(dim_z: int, params: dict, tmp: Path) -> tuple[Path, Path]:
    """A VAE with only dim_z and epochs changed, trained and embedded by the real stage scripts."""
    params = {**params, "vae": {**params["vae"], "dim_z": dim_z, "epochs": 60}}
    path, model, codes = tmp / f"params_{dim_z}.yaml", tmp / f"vae_{dim_z}", tmp / f"codes_{dim_z}"
    path.write_text(yaml.safe_dump(params))
    data = str(ROOT / "data/processed")
    for script, args in (
        ("train_vae", ["--data", data, "--model", str(model), "--metrics", str(tmp / f"m_{dim_z}.json"),
                       "--timing", str(tmp / f"t_{dim_z}.json"),
                       "--live", str(tmp / f"live_{dim_z}"), "--figures", str(tmp / f"f_{dim_z}"),
                       "--epoch-maps", str(tmp / f"e_{dim_z}")]),
        ("embed", ["--family", "vae", "--model", str(model), "--data", data, "--out", str(codes)]),
    ):
        subprocess.run([sys.executable, str(ROOT / f"stages/{script}.py"), "--params", str(path), *args],
                       check=True, capture_output=True, text=True)
    return model, codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    families = yaml.safe_load((ROOT / "dvc.yaml").read_text())["vars"][0]["models"]  # name -> family
    parser.add_argument("--models", nargs="+", default=list(families), help="models of dvc.yaml, already reproduced")
    parser.add_argument("--vae-dims", type=int, nargs="*", default=[])
    args = parser.parse_args()

    from sklearn.decomposition import PCA

    from latentlab.models.family import load_model
    from latentlab.seeding import make_deterministic

    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    settings, budget = params["votemi"], params["votemi"]["budget"]
    train, test = load_npz(ROOT / "data/processed/train.npz"), load_npz(ROOT / "data/processed/test.npz")

    def accuracy(picks):
        return selection_accuracy(train["x"], train["y"], picks, test["x"], test["y"], 0)

    rows = {}
    pixels = PCA(50, random_state=0).fit_transform(train["x"].reshape(len(train["x"]), -1))
    rows[("pixels PCA-50", "k-medoids")] = [accuracy(kmedoids_selection(pixels, budget, s)) for s in args.seeds]
    rows[("pixels", "random")] = [accuracy(random_selection(len(pixels), budget, s)) for s in args.seeds]
    rows[("pixels PCA-50", "k-medoids per true class (uses labels)")] = [
        accuracy(per_class_medoids(pixels, train["y"], budget, s)) for s in args.seeds]
    with tempfile.TemporaryDirectory() as folder:
        latents = [(m, families[m], ROOT / "models" / m, ROOT / "data/embeddings" / m) for m in args.models]
        for dim_z in args.vae_dims:
            latents.append((f"vae dim_z {dim_z}", "vae", *train_vae(dim_z, params, Path(folder))))
        for name, family, model_dir, codes_dir in latents:
            make_deterministic(params["seed"])
            decode = load_model(family, str(model_dir)).decode
            z = load_npz(codes_dir / "train.npz")["z"]
            eps = eps_for(settings, name) if name in families else "auto"
            clusters, _ = dbscan(z, eps, settings["min_samples"])
            for s in args.seeds:
                picks = {
                    "random": random_selection(len(z), budget, s),
                    "k-medoids": kmedoids_selection(z, budget, s),
                    "TypiClust": typiclust_selection(z, budget, s),
                    "ProbCover": probcover_selection(z, budget, s)[0],
                    "Vote-MI (seed rule)": votemi_seed.select_seed_rule(z, clusters, decode, budget, seed=s).indices,
                    "Vote-MI (ours)": votemi.select(z, clusters, decode, budget, settings["candidates"],
                                                    settings["mi_bins"], s, settings["normalized_mi"]).indices,
                }
                for rule, chosen in picks.items():
                    rows.setdefault((name, rule), []).append(accuracy(chosen))
            print(f"{name}: done", file=sys.stderr, flush=True)

    print(f"\nTest accuracy of a logistic regression on {budget} selected images, seeds {args.seeds}\n")
    print("| latent | rule | mean | sd | per seed |\n|---|---|---|---|---|")
    for (latent, rule), values in rows.items():
        v = np.array(values)
        print(f"| {latent} | {rule} | {v.mean():.3f} | {v.std(ddof=1):.3f} | {' '.join(f'{x:.3f}' for x in v)} |")


if __name__ == "__main__":
    main()
