"""exon_beta: the trained EXoN continued for a few epochs with one value of beta (a foreach over
path_latent_recon.betas); keeps the test codes and reconstructions of one test image per class.

Continuing from train_exon's model instead of training each beta from scratch keeps the sweep
to minutes on a CPU: the classifier is already trained, and the epochs go to the encoder and
decoder settling on what the new KL weight asks of the latent space."""
import argparse

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_npz
from latentlab.params import load_params

SHOWN = 10  # test images reconstructed for the figure: the first of each class


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--model", required=True, help="train_exon's model folder (the starting point)")
    parser.add_argument("--beta", type=float, required=True)
    parser.add_argument("--out", required=True, help="npz with codes, labels and reconstructions")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, sweep, seed = params["exon"], params["path_latent_recon"], params["seed"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    n_classes = int(train["y"].max()) + 1

    from latentlab.seeding import make_deterministic

    make_deterministic(seed)
    from dataclasses import replace

    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.model import EXoN
    from latentlab.models.exon.training import fit_exon

    trained = EXoN.load_from(args.model)
    config = replace(trained.config, beta=args.beta)
    x_train = to_symmetric_range(train["x"])
    guard = StopOnNonFiniteLoss(f"exon_beta@{args.beta:g}", f"exon.learning_rate {settings['learning_rate']:g}")
    model = fit_exon(config, settings, x_train, labeled, train["y"], sweep["epochs"], seed, callbacks=[guard],
                     start_from=trained)
    x_test = to_symmetric_range(test["x"])
    shown = np.array([np.flatnonzero(test["y"] == k)[0] for k in range(n_classes)])[:SHOWN]
    mean, _ = model.encoder.predict(x_test[shown], verbose=0)
    reconstructions = (model.decode(mean[np.arange(len(shown)), model.predict_classes(x_test[shown])]) + 1.0) / 2.0
    save_npz(args.out, beta=np.float64(args.beta), z=model.encode(x_test), y=test["y"],
             originals=test["x"][shown], reconstructions=reconstructions)
    print(f"beta {args.beta:g}: test accuracy {np.mean(model.predict_classes(x_test) == test['y']):.3f}")


if __name__ == "__main__":
    run_stage(main)
