"""plots: DBSCAN clusters and Vote-MI picks vs the baselines for every model, and
reports/summary.md with every model's metrics."""
import argparse
from pathlib import Path

from latentlab.cli import run_stage
from latentlab.io import atomic_dir, load_npz, save_figure, write_text
from latentlab.params import ParamsError, load_params, models_from_arguments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--data", required=True, help="the preprocess stage's folder")
    parser.add_argument("--selections", required=True, help="data/selection: one folder per model")
    parser.add_argument("--embeddings", required=True, help="data/embeddings: one folder per model")
    parser.add_argument("--metrics", required=True, help="reports/metrics")
    parser.add_argument("--figures", required=True, help="folder for the figures")
    parser.add_argument("--summary", required=True, help="the markdown summary to write")
    args, models = parser.parse_known_args()  # the rest: dvc.yaml's models, `--<model> <family>` pairs
    load_params(args.params)
    models = list(models_from_arguments(models))  # exactly these are drawn and summarised
    missing = [m for m in models if not (Path(args.selections) / m / "picks.npz").is_file()]
    if missing:
        raise ParamsError(f"dvc.yaml models: no selection for {', '.join(missing)} in {args.selections} (run dvc repro)")

    from latentlab.plots.images import image_grid
    from latentlab.plots.selection import cluster_scatter, picks_comparison
    from latentlab.report import collect_metrics, summary_markdown

    table = collect_metrics(args.metrics, models)
    train = load_npz(Path(args.data) / "train.npz")
    with atomic_dir(args.figures) as figures:
        for model in sorted(models):  # exactly the pipeline's models: never a leftover folder
            folder = Path(args.selections) / model
            picks = load_npz(folder / "picks.npz")
            codes = load_npz(Path(args.embeddings) / model / "train.npz")
            scores = table.get("votemi", {}).get(model, {})
            title = f"{model}: DBSCAN eps {scores.get('eps', float('nan')):.3g}, {int(picks['clusters'].max()) + 1} clusters"
            save_figure(cluster_scatter(codes["z"], picks["clusters"], title), figures / f"{model}_dbscan_clusters.png")
            methods = {m: picks[m] for m in ("votemi_seed", "votemi", "random", "kmedoids", "typiclust", "probcover")}
            accuracy = {m: scores.get(f"accuracy_{m}", float("nan")) for m in methods}
            save_figure(picks_comparison(codes["z"], codes["y"], methods, accuracy), figures / f"{model}_picks.png")
            for method in ("votemi_seed", "votemi", "random"):
                chosen = picks[method]
                columns = 10
                rows = -(-len(chosen) // columns)
                grid = image_grid(train["x"][chosen], rows, columns, f"{model}: {method} picks")
                save_figure(grid, figures / f"{model}_{method}_images.png")
    write_text(args.summary, summary_markdown(table))
    print(f"summary of {sum(len(rows) for rows in table.values())} metric files -> {args.summary}")


if __name__ == "__main__":
    run_stage(main)
