"""path_latent_recon: EXoN's latent space and reconstructions for each beta of the sweep, one row
per beta (seed 000's figure of the effect of the regularisation)."""
import argparse
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", required=True, help="folder of exon_beta beta_*.npz files")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    from latentlab.plots.exon import path_latent_recon

    runs = sorted((load_npz(p) for p in Path(args.inputs).glob("beta_*.npz")), key=lambda r: float(r["beta"]))
    save_figure(path_latent_recon(runs), Path(args.out))


if __name__ == "__main__":
    run_stage(main)
