"""exon_beta: EXoN trained from scratch with one value of beta (a foreach over
path_latent_recon.betas), as the original's sweep; keeps the test codes and an 11 x 11 grid of
images decoded over [-15, 15]^2 (the first two latent dimensions), for path_latent_recon."""
import argparse

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_npz
from latentlab.params import load_params

GRID_POINTS, GRID_LIMIT = 11, 15.0  # the original's figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--beta", type=float, required=True)
    parser.add_argument("--out", required=True, help="npz with test codes, labels and the decoded grid")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, sweep, seed = params["exon"], params["path_latent_recon"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    n_classes = int(train["y"].max()) + 1

    from latentlab.runtime import start

    runtime = start(params, onednn=True)  # the classifier's convolutions: ~2.5x faster steps on this CPU
    from latentlab.models.common.pixels import to_symmetric_range, to_unit_range
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.interpretation import latent_grid
    from latentlab.models.exon.training import fit_exon

    config = config_from_params(settings, train["x"].shape[1:], n_classes, seed, beta=args.beta)
    guard = StopOnNonFiniteLoss(f"exon_beta@{args.beta:g}", f"exon.learning_rate {settings['learning_rate']:g}")
    model = fit_exon(config, settings, to_symmetric_range(train["x"]), labeled, train["y"], sweep["epochs"], seed,
                     callbacks=[guard], runtime=runtime)
    x_test = to_symmetric_range(test["x"])
    grid = to_unit_range(model.decode(latent_grid(GRID_LIMIT, GRID_POINTS, config.latent_dim)))
    accuracy = float(np.mean(model.predict_classes(x_test) == test["y"]))
    save_npz(args.out, beta=np.float64(args.beta), z=model.encode(x_test), y=test["y"], grid=grid,
             grid_limit=np.float64(GRID_LIMIT), test_accuracy=np.float64(accuracy))
    print(f"beta {args.beta:g}: test accuracy {accuracy:.3f}")


if __name__ == "__main__":
    run_stage(main)
