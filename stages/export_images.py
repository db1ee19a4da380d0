"""export_images: every training image as a PNG file named by its dataset index, written once for
all models. Each model's selection (dbscan_votemi) names its images by these file names instead of
holding a copy of them all: one folder of files for DVC to check, not one per model."""
import argparse

from latentlab.cli import run_stage
from latentlab.data.image_files import write_image_folder
from latentlab.io import atomic_dir, load_npz


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    args = parser.parse_args()

    train = load_npz(f"{args.data}/train.npz")
    with atomic_dir(args.out) as out:
        write_image_folder(train["x"], train["index"], out)
    print(f"{len(train['x'])} training images -> {args.out}")


if __name__ == "__main__":
    run_stage(main)
