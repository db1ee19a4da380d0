"""path_latent_recon: EXoN's beta path, as the authors measured it: train_exon's model at its own
beta (exon.beta) and exon_beta's at each of path_latent_recon.betas. Writes the authors' figure
(per beta: the test codes and a decoded grid), each measure against beta beside the authors'
values, and one metrics file of the path. It reads exactly the runs params names: a run of a beta
since removed from params is never drawn."""
import argparse
import json
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_figure, write_json
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--inputs", required=True, help="folder of the beta_<beta>.npz points (train_exon, exon_beta)")
    parser.add_argument("--fid", required=True, help="evaluate_fid's metrics of train_exon's model (its point's FID)")
    parser.add_argument("--metrics", required=True, help="JSON file of the path: the measures at each beta")
    parser.add_argument("--out", required=True, help="the figures' folder")
    args = parser.parse_args()

    params = load_params(args.params)
    main_beta, betas = params["exon"]["beta"], params["path_latent_recon"]["betas"]
    files = {float(beta): Path(args.inputs) / f"beta_{beta}.npz" for beta in [main_beta, *betas]}  # as dvc.yaml names them
    missing = [str(f) for f in files.values() if not f.is_file()]
    if missing:
        raise ParamsError(f"path_latent_recon.betas: no run for {', '.join(missing)} (run dvc repro, not this stage alone)")

    from latentlab.models.exon.beta_path import AUTHORS, MEASURES
    from latentlab.models.exon.figures import beta_path, path_latent_recon

    runs = {beta: load_npz(f) for beta, f in sorted(files.items())}
    runs[float(main_beta)]["fid"] = json.loads(Path(args.fid).read_text())["fid"]  # scored by evaluate_fid@exon
    points = {beta: {m: float(run[m]) for m in MEASURES} for beta, run in runs.items()}
    ceiling = float(runs[float(main_beta)]["conditional_accuracy_ceiling"])  # beta leaves the prior as it is
    with atomic_dir(args.out) as out:
        save_figure(path_latent_recon(list(runs.values())), out / "path_latent_recon.png")
        save_figure(beta_path(points, AUTHORS, ceiling), out / "beta_path.png")
    write_json(args.metrics, {"conditional_accuracy_ceiling": ceiling,
                              **{f"beta_{beta:g}": point for beta, point in points.items()}})
    for beta, point in points.items():
        print(f"beta {beta:g}: " + ", ".join(f"{m} {v:.3f}" for m, v in point.items()))


if __name__ == "__main__":
    run_stage(main)
