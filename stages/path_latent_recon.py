"""path_latent_recon: EXoN's latent space and reconstructions for each beta of the sweep, one row
per beta (seed 000's figure of the effect of the regularisation). It reads exactly the runs that
path_latent_recon.betas names: a run of a beta since removed from params is never drawn."""
import argparse
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_figure
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--inputs", required=True, help="folder of exon_beta beta_<beta>.npz files")
    parser.add_argument("--out", required=True, help="the figure's folder")
    args = parser.parse_args()

    betas = load_params(args.params)["path_latent_recon"]["betas"]
    files = [Path(args.inputs) / f"beta_{beta}.npz" for beta in betas]  # named as dvc.yaml's foreach names them
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ParamsError(f"path_latent_recon.betas: no run for {', '.join(missing)} (run dvc repro, not this stage alone)")

    from latentlab.models.exon.figures import path_latent_recon

    runs = sorted((load_npz(f) for f in files), key=lambda r: float(r["beta"]))
    with atomic_dir(args.out) as out:
        save_figure(path_latent_recon(runs), out / "path_latent_recon.png")


if __name__ == "__main__":
    run_stage(main)
