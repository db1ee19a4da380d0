"""plots: DBSCAN clusters and Vote-MI picks vs the baselines for every model, the training curves,
and what a researcher reads: reports/summary.md (the papers' claims beside ours, then every model's
metrics) and an HTML page (the claims, every figure and curve)."""
import argparse
import os
import sys
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
    parser.add_argument("--figures", required=True, help="folder for the selection figures")
    parser.add_argument("--summary", required=True, help="the markdown summary to write")
    parser.add_argument("--claims", default="claims.yaml", help="the papers' claims and numbers")
    parser.add_argument("--noise", default="noise.yaml", help="the metrics' noise bands")
    parser.add_argument("--live", required=True, help="reports/live: one dvclive folder per training")
    parser.add_argument("--curves", required=True, help="folder for the training curves' figures")
    parser.add_argument("--all-figures", required=True, help="reports/figures: every folder of it goes on the page")
    parser.add_argument("--page", required=True, help="the HTML page to write")
    args, models = parser.parse_known_args()  # the rest: dvc.yaml's models, `--<model> <family>` pairs
    load_params(args.params)
    models = list(models_from_arguments(models))  # exactly these are drawn and summarised
    missing = [m for m in models if not (Path(args.selections) / m / "picks.npz").is_file()]
    if missing:
        raise ParamsError(f"dvc.yaml models: no selection for {', '.join(missing)} in {args.selections} (run dvc repro)")

    from latentlab.claims import ClaimsError, claims_html, claims_markdown, evaluate, load_claims
    from latentlab.noise import load_bands
    from latentlab.plots.images import image_grid
    from latentlab.plots.selection import cluster_scatter, picks_comparison
    from latentlab.page import page_html, page_sections
    from latentlab.plots.curves import curves_figure, read_curves
    from latentlab.report import collect_metrics, summary_markdown

    try:  # checked before any drawing: a malformed entry is one line naming it
        claims, bands = load_claims(args.claims), load_bands(args.noise)
    except (ClaimsError, ValueError) as error:
        sys.exit(f"plots: {error}")
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
    with atomic_dir(args.curves) as curves_folder:
        for name, model_curves in read_curves(args.live).items():  # every training's curves, the flows' too
            save_figure(curves_figure(name, model_curves), curves_folder / f"{name}.png", dpi=80)

    claim_rows = evaluate(claims, table, bands)
    summary = summary_markdown(claims_markdown(claim_rows), table, models, bands, Path(args.metrics).as_posix())
    write_text(args.summary, summary)
    # the page links the figures where they are (relative links); written last, so it names the folders just drawn
    page = Path(args.page)
    summary_link = Path(os.path.relpath(args.summary, page.parent)).as_posix()
    sections = page_sections(page.parent, args.all_figures, args.curves)
    write_text(page, page_html(claims_html(claim_rows), sections, summary_link))
    print(f"{sum(r.holds == 'yes' for r in claim_rows)} of {len(claim_rows)} claims hold; summary of "
          f"{sum(len(r) for r in table.values())} metric files -> {args.summary}; page -> {page}")


if __name__ == "__main__":
    run_stage(main)
