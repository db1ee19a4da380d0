"""embed: a trained model's latent codes for the train and test images, as npz and CSV."""
import argparse

import numpy as np
import pandas as pd

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_npz
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--family", required=True, help="the model family: a package under latentlab/models/")
    parser.add_argument("--model", required=True, help="the trained model's folder")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--out", required=True, help="folder for train/test npz and csv")
    args = parser.parse_args()

    seed = load_params(args.params)["seed"]

    from latentlab.models.family import load_model
    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    encode = load_model(args.family, args.model).encode
    with atomic_dir(args.out) as out:
        for split in ("train", "test"):
            data = load_npz(f"{args.data}/{split}.npz")
            z = encode(data["x"]).astype(np.float32)
            save_npz(out / f"{split}.npz", z=z, y=data["y"], index=data["index"])
            table = pd.DataFrame(z, columns=[f"z{i + 1}" for i in range(z.shape[1])])
            table["label"] = data["y"]
            table.to_csv(out / f"{split}.csv", index=False, float_format="%.6g")
            print(f"{args.model} {split}: {z.shape[0]} codes of dimension {z.shape[1]}")


if __name__ == "__main__":
    run_stage(main)
