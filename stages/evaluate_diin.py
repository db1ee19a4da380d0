"""evaluate_diin: D-IIN on the fixed ColorfulMNIST test pairs (the original logs no number): the
digit and colour factors swapped between images and checked (the project's classifier names the
digit of the grey version; the decoded background gives the colour), a linear probe per factor,
the autoencoder's and the flow's test metrics, and the swap, traversal and sample figures."""
import argparse
import contextlib
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--model", required=True, help="train_diin's model folder")
    parser.add_argument("--classifier", required=True, help="the train_classifier stage's folder")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--metrics", required=True, help="JSON file for the D-IIN metrics")
    parser.add_argument("--figures", required=True, help="folder for the swap grid, traversals, samples")
    args = parser.parse_args()

    from latentlab.models.iin.not_applicable import reason_in, write_not_applicable

    seed = load_params(args.params)["seed"]
    reason = reason_in(args.model)
    if reason:
        write_not_applicable(reason, folders=(args.figures,), json_files=(args.metrics,))
        return
    test = load_npz(f"{args.data}/colorful_test.npz")
    if len(test["factor"]) == 0:
        raise ParamsError("data.colorful_test_pairs: there are no ColorfulMNIST test pairs (0 asked for, or a "
                          "dataset without grey labelled digits)")

    from latentlab.seeding import make_deterministic, use_onednn

    use_onednn()
    make_deterministic(seed)
    import numpy as np

    from latentlab.models.common.persistence import load_keras
    from latentlab.models.iin.adapter import TrainedIIN
    from latentlab.models.iin.config import FACTOR_NAMES
    from latentlab.models.iin.diin import swap_metrics
    from latentlab.models.iin.figures import write_diin_figures
    from latentlab.models.iin.images import network_input
    from latentlab.models.iin.model import FactorNetwork
    from latentlab.models.iin.training import autoencoder_metrics, flow_metrics, sampled_z

    model = TrainedIIN.load_from(args.model, flow_class=FactorNetwork)
    classifier = load_keras(Path(args.classifier) / "classifier.keras")

    def classify(grey):
        return np.argmax(classifier.predict(grey, batch_size=500, verbose=0), axis=1)

    x_unit = (test["x1"] + 1.0) / 2.0
    x_network = network_input(x_unit)
    metrics = {
        **swap_metrics(model, classify, test, seed),
        **{f"autoencoder_{k}": v for k, v in autoencoder_metrics(model.autoencoder, x_network, seed).items()},
        **flow_metrics(model.flow, sampled_z(model.autoencoder, x_network, seed)),
    }
    with contextlib.ExitStack() as stack:
        figures = stack.enter_context(atomic_dir(args.figures))
        write_diin_figures(model, x_unit, test["y1"], figures, seed, FACTOR_NAMES, metrics)
        write_json(args.metrics, metrics)
    print(metrics)


if __name__ == "__main__":
    run_stage(main)
