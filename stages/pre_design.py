"""pre_design (EXoN Appendix A.2.2): digits 0 and 1 only, a few labels, two prior components at
(-radius, 0) and (+radius, 0); decode points along the x-axis to see how the distance between
the components controls the 0 -> 1 transition. One run per radius (a foreach in dvc.yaml)."""
import argparse

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_npz
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--radius", type=float, required=True)
    parser.add_argument("--out", required=True, help="npz with the decoded x-axis path")
    args = parser.parse_args()

    params = load_params(args.params)
    design, exon_params, seed = params["pre_design"], params["exon"], params["seed"]
    train = load_npz(f"{args.data}/train.npz")
    if train["x"].shape[-1] != 1:
        raise ParamsError("data.dataset: pre_design uses the MNIST digits 0 and 1 (a grey-scale digit set)")
    from latentlab.models.exon.config import PRE_DESIGN_DIGITS as DIGITS

    keep = np.isin(train["y"], DIGITS)
    x01, y = train["x"][keep], train["y"][keep]

    from latentlab.data.splits import balanced_labeled_subset
    from latentlab.runtime import start

    labeled = balanced_labeled_subset(y, design["n_labeled"], seed, key="pre_design.n_labeled")
    runtime = start(params, onednn=True)  # the classifier's convolutions: ~2.5x faster steps on this CPU
    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.training import fit_exon

    # lambda2's ramp in epochs (exon.rampup_epochs), never exon.rampup_steps: a ramp sized in steps
    # for train_exon's run would leave lambda2 near zero through pre_design's few hundred steps
    config = config_from_params(exon_params, x01.shape[1:], len(DIGITS), seed, latent_dim=2, prior_layout="x_axis",
                                radius=args.radius, beta=design["beta"], rampup_steps=0)
    guard = StopOnNonFiniteLoss(f"pre_design@{args.radius:g}", f"exon.learning_rate {exon_params['learning_rate']:g}")
    # the original's pre_design batches: 10 labelled + 54 unlabelled; the rest as train_exon
    settings = {**exon_params, "batch_size": design["batch_size"], "labeled_batch_size": design["labeled_batch_size"]}
    model = fit_exon(config, settings, to_symmetric_range(x01), labeled, y, design["epochs"], seed, callbacks=[guard], runtime=runtime)
    xs = np.linspace(-design["x_range"], design["x_range"], design["points"]).astype(np.float32)
    path = np.stack([xs, np.zeros_like(xs)], axis=1)
    save_npz(args.out, radius=np.float64(args.radius), x=xs, images=(model.decode(path) + 1.0) / 2.0)
    print(f"radius {args.radius:g}: decoded {len(xs)} points on the x-axis")


if __name__ == "__main__":
    run_stage(main)
