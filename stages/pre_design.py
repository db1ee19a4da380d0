"""pre_design (EXoN Appendix A.2.2): digits 0 and 1 only, a few labels, two prior components at
(-radius, 0) and (+radius, 0); decode points along the x-axis to see how the distance between
the components controls the 0 -> 1 transition. One run per radius (a foreach in dvc.yaml)."""
import argparse
import sys

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_npz
from latentlab.params import ParamsError, load_params

DIGITS = (0, 1)


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
    keep = np.isin(train["y"], DIGITS)
    x01, y = train["x"][keep], train["y"][keep]

    from latentlab.data.splits import balanced_labeled_subset, to_symmetric_range
    from latentlab.seeding import make_deterministic

    labeled = balanced_labeled_subset(y, design["n_labeled"], seed)
    make_deterministic(seed)
    import keras

    from latentlab.models import exon as exon_lib
    from latentlab.models.training import semi_supervised_batches

    config = exon_lib.EXoNConfig(
        image_shape=tuple(x01.shape[1:]), n_classes=len(DIGITS), latent_dim=2, prior_layout="x_axis",
        radius=args.radius, sigma=exon_params["sigma"], beta=design["beta"], lambda1=exon_params["lambda1"],
        rampup_epochs=exon_params["rampup_epochs"], mixup_alpha_labeled=exon_params["mixup_alpha_labeled"],
        mixup_alpha_unlabeled=exon_params["mixup_alpha_unlabeled"], ema_decay=exon_params["ema_decay"], seed=seed,
    )
    model = exon_lib.EXoN(config)
    model.compile(vae_optimizer=keras.optimizers.Adam(exon_params["learning_rate"]),
                  classifier_optimizer=keras.optimizers.AdamW(exon_params["learning_rate"],
                                                              weight_decay=exon_params["weight_decay"]))
    model.build_all()
    x = to_symmetric_range(x01)
    batch = min(exon_params["batch_size"], len(x))
    model.fit(semi_supervised_batches(x, x[labeled], y[labeled], batch, min(len(labeled), exon_params["labeled_batch_size"]), seed),
              epochs=design["epochs"], shuffle=False, callbacks=[exon_lib.RampUp()],
              verbose=1 if sys.stdout.isatty() else 2)
    xs = np.linspace(-design["x_range"], design["x_range"], design["points"]).astype(np.float32)
    path = np.stack([xs, np.zeros_like(xs)], axis=1)
    save_npz(args.out, radius=np.float64(args.radius), x=xs, images=(model.decode(path) + 1.0) / 2.0)
    print(f"radius {args.radius:g}: decoded {len(xs)} points on the x-axis")


if __name__ == "__main__":
    run_stage(main)
