"""pre_design_figure: one row of decoded x-axis points per prior radius (EXoN Appendix A.2.2).
It reads exactly the runs that pre_design.radii names."""
import argparse
from pathlib import Path

import numpy as np

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_figure
from latentlab.params import ParamsError, load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--inputs", required=True, help="folder of pre_design radius_<radius>.npz files")
    parser.add_argument("--out", required=True, help="the figure's folder")
    args = parser.parse_args()

    radii = load_params(args.params)["pre_design"]["radii"]
    files = [Path(args.inputs) / f"radius_{radius}.npz" for radius in radii]  # dvc.yaml's foreach names
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ParamsError(f"pre_design.radii: no run for {', '.join(missing)} (run dvc repro, not this stage alone)")

    from latentlab.models.exon.figures import pre_design_rows

    runs = sorted((load_npz(f) for f in files), key=lambda run: float(run["radius"]))
    figure = pre_design_rows([float(r["radius"]) for r in runs], runs[0]["x"], np.stack([r["images"] for r in runs]))
    with atomic_dir(args.out) as out:
        save_figure(figure, out / "pre_design.png")


if __name__ == "__main__":
    run_stage(main)
