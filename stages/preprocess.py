"""preprocess: train/test split, [0, 1] scaling, the balanced labelled subset, ColorfulMNIST pairs."""
import argparse
from pathlib import Path

import numpy as np

from latentlab.cli import run_stage
from latentlab.data.colorful_mnist import make_pairs
from latentlab.data.raw import read_raw
from latentlab.data.splits import balanced_labeled_subset, stratified_split, to_unit_range
from latentlab.io import atomic_dir, save_npz, write_json
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--raw", required=True, help="the download stage's folder")
    parser.add_argument("--out", required=True, help="folder for train/test/labeled/colorful npz")
    args = parser.parse_args()

    params = load_params(args.params)
    data, seed = params["data"], params["seed"]
    raw = read_raw(data["dataset"], args.raw)

    # One index space for the whole dataset: official train rows first, then official test rows.
    if raw.x_test is None:
        x_all, y_all = raw.x_train, raw.y_train
        attributes_all = raw.attributes_train
        train_idx, test_idx = stratified_split(y_all, data["test_fraction"], seed)
    else:
        x_all = np.concatenate([raw.x_train, raw.x_test])
        y_all = np.concatenate([raw.y_train, raw.y_test])
        attributes_all = (
            None if raw.attributes_train is None else np.concatenate([raw.attributes_train, raw.attributes_test])
        )
        train_idx = np.arange(len(raw.x_train))
        test_idx = np.arange(len(raw.x_train), len(x_all))
    labeled = balanced_labeled_subset(y_all[train_idx], data["n_labeled"], seed)

    with atomic_dir(args.out) as out:
        for name, idx in (("train", train_idx), ("test", test_idx)):
            arrays = {"x": to_unit_range(x_all[idx]), "y": y_all[idx], "index": idx.astype(np.int64)}
            if attributes_all is not None:
                arrays["attributes"] = attributes_all[idx]
            save_npz(out / f"{name}.npz", **arrays)
        save_npz(out / "labeled.npz", position=labeled, index=train_idx[labeled])
        _write_colorful_pairs(out / "colorful_test.npz", x_all[test_idx], y_all[test_idx], data, seed)
        write_json(
            out / "summary.json",
            {
                "dataset": data["dataset"],
                "image_shape": list(x_all.shape[1:]),
                "n_train": int(len(train_idx)),
                "n_test": int(len(test_idx)),
                "n_labeled": int(len(labeled)),
                "train_class_counts": np.bincount(y_all[train_idx][y_all[train_idx] >= 0]).tolist(),
            },
        )
    print(f"{data['dataset']}: {len(train_idx)} train, {len(test_idx)} test, {len(labeled)} labelled -> {args.out}")


def _write_colorful_pairs(path: Path, images: np.ndarray, labels: np.ndarray, data: dict, seed: int) -> None:
    """Fixed-seed ColorfulMNIST test pairs; empty for colour or unlabelled datasets."""
    if images.shape[-1] != 1 or (labels < 0).any():
        save_npz(path, x1=np.zeros((0,) + images.shape[1:3] + (3,), np.float32), factor=np.zeros(0, np.int64))
        return
    rng = np.random.default_rng(seed + 1)
    save_npz(path, **make_pairs(to_unit_range(images), labels, data["colorful_test_pairs"], rng))


if __name__ == "__main__":
    run_stage(main)
