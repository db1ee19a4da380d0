"""What the seed benches share: variants given on the command line, and one table cell of a
measure over seeds. Imported by the bench scripts (python bench/<name>.py puts bench/ on the path)."""
from __future__ import annotations

import numpy as np
import yaml


def parse_variant(text: str) -> dict:
    """'a=1,b=x' -> {'a': 1, 'b': 'x'} (values read as YAML)."""
    pairs = [item.split("=", 1) for item in text.split(",") if item]
    return {key.strip(): yaml.safe_load(value) for key, value in pairs}


def spread(values, digits: int) -> str:
    """'mean +- sd (each value)' over seeds (sd 0 for one seed)."""
    values = np.asarray(values, dtype=float)
    sd = values.std(ddof=1) if len(values) > 1 else 0.0
    return f"{values.mean():.{digits}f} +- {sd:.{digits}f} ({' '.join(f'{v:.{digits}f}' for v in values)})"


def run_variants(params: dict, section: str, variants: list[str], seeds: list[int], run) -> dict[str, list[dict]]:
    """{variant: [run(params with the variant's keys of `section` changed, seed, folder, tag), ...]}
    over every variant ("default": params as they are) and seed, in a temporary folder."""
    import sys
    import tempfile
    from pathlib import Path

    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for index, variant in enumerate(variants):
            changed = {} if variant == "default" else parse_variant(variant)
            settings = {**params, section: {**params[section], **changed}}
            for seed in seeds:
                results.setdefault(variant, []).append(run(settings, seed, Path(folder), f"v{index}"))
                print(f"{variant} seed {seed}: {results[variant][-1]}", file=sys.stderr, flush=True)
    return results
