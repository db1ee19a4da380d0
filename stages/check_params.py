"""check_params: every key of params.yaml, before any stage works. The schema (unknown, missing,
mistyped and impossible values, each family's sections), YAML 1.2 numbers, and the values the
data cannot take (split sizes, labelled counts, knn_k, budgets, fid.n_samples), each message
naming the key and its limit. It runs first in every `dvc repro` (download depends on its output),
so a bad value stops the pipeline before any stage has removed an output to rerun."""
import argparse

from latentlab.cli import run_stage
from latentlab.io import write_json
from latentlab.models.family import get_family
from latentlab.params import check_against_data, data_size, load_params, models_from_arguments, pipeline_models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--out", required=True, help="JSON naming the dataset checked against (a dependency of download)")
    args, models = parser.parse_known_args()  # the rest: dvc.yaml's models, `--<model> <family>` pairs

    params = load_params(args.params)
    size = data_size(params["data"])
    models = models_from_arguments(models) or pipeline_models()  # run by hand: dvc.yaml's own
    for family in set(models.values()):
        get_family(family)  # a misspelt family fails here, before any training
    check_against_data(params, size, models)
    # Only data.dataset goes in: a change to any other key leaves these bytes alone, so it reruns
    # nothing through this file (download reruns on data.dataset anyway).
    write_json(args.out, {"dataset": params["data"]["dataset"], "checked": True})
    print(f"params.yaml: every key checked against {params['data']['dataset']} "
          f"({size.n_train} train, {size.n_test} test images)")


if __name__ == "__main__":
    run_stage(main)
