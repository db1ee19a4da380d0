"""exon_beta: EXoN trained from scratch on train_exon's settings and schedule but one other value
of beta (a foreach over path_latent_recon.betas), as the authors' beta path: its measures (those
of train_exon's metrics, and its samples' FID as evaluate_fid scores it), its test codes and an
11 x 11 grid of images decoded over [-15, 15]^2, in one point file for path_latent_recon."""
import argparse

from latentlab.cli import run_stage
from latentlab.io import load_npz
from latentlab.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--classifier", required=True, help="the train_classifier stage's folder (judge, FID features)")
    parser.add_argument("--beta", type=float, required=True)
    parser.add_argument("--out", required=True, help="npz of the point: measures, test codes and labels, decoded grid")
    args = parser.parse_args()

    params = load_params(args.params)
    settings, seed, n_fid = params["exon"], params["seed"], params["fid"]["n_samples"]
    train, test = load_npz(f"{args.data}/train.npz"), load_npz(f"{args.data}/test.npz")
    labeled = load_npz(f"{args.data}/labeled.npz")["position"]
    n_classes = int(train["y"].max()) + 1

    from latentlab.runtime import start

    runtime = start(params, onednn=True)  # the classifier's convolutions: ~2.5x faster steps on this CPU
    from latentlab.metrics.fid import frechet_distance, reference_images
    from latentlab.models.classifier import feature_extractor
    from latentlab.models.common.persistence import load_keras
    from latentlab.models.common.pixels import to_symmetric_range
    from latentlab.models.common.training import StopOnNonFiniteLoss
    from latentlab.models.exon.adapter import as_latent_model
    from latentlab.models.exon.beta_path import measure, save_point
    from latentlab.models.exon.config import config_from_params
    from latentlab.models.exon.training import fit_exon

    config = config_from_params(settings, train["x"].shape[1:], n_classes, seed, beta=args.beta)
    guard = StopOnNonFiniteLoss(f"exon_beta@{args.beta:g}", f"exon.learning_rate {settings['learning_rate']:g}")
    model = fit_exon(config, settings, to_symmetric_range(train["x"]), labeled, train["y"], settings["epochs"], seed,
                     callbacks=[guard], runtime=runtime)
    judge = load_keras(f"{args.classifier}/classifier.keras")
    metrics, codes = measure(model, config, model.posterior(to_symmetric_range(test["x"])), test["y"], judge, seed)
    extractor = feature_extractor(judge)
    real_test, _ = reference_images(test["x"], train["x"], n_fid, seed)  # evaluate_fid's images and samples
    samples = as_latent_model(model).sample(n_fid, seed)
    metrics["fid"] = frechet_distance(*(extractor.predict(images, batch_size=500, verbose=0) for images in (samples, real_test)))
    save_point(args.out, args.beta, model, config, codes, test["y"], metrics)
    print(f"beta {args.beta:g}: " + ", ".join(f"{name} {value:.3f}" for name, value in metrics.items()))


if __name__ == "__main__":
    run_stage(main)
