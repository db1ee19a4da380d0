"""pre_design_figure: one row of decoded x-axis points per prior radius (EXoN Appendix A.2.2)."""
import argparse
from pathlib import Path

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import load_npz, save_figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", required=True, help="folder of pre_design radius_*.npz files")
    parser.add_argument("--out", required=True, help="the PNG to write")
    args = parser.parse_args()

    from latentlab.plots.exon import pre_design_rows

    runs = [load_npz(p) for p in Path(args.inputs).glob("radius_*.npz")]
    runs.sort(key=lambda run: float(run["radius"]))
    save_figure(pre_design_rows([float(r["radius"]) for r in runs], runs[0]["x"], np.stack([r["images"] for r in runs])), Path(args.out))


if __name__ == "__main__":
    run_stage(main)
