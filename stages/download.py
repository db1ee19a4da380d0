"""download: the dataset's files, verified by SHA-256, into one folder."""
import argparse

from latentlab.cli import run_stage
from latentlab.data.download import acquire
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--out", required=True, help="folder to fill with the verified files")
    args = parser.parse_args()

    data = load_params(args.params)["data"]
    files = acquire(data["dataset"], args.out, data["source"])
    print(f"{data['dataset']}: {len(files)} verified file(s) in {args.out}")


if __name__ == "__main__":
    run_stage(main)
