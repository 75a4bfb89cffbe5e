"""Benchmark TagPreprocessor: fit time vs sample size (forest imputer vs the simple imputer as the
baseline measured in the same run), transform throughput and pickled size.

Usage: python bench/bench_impute.py [--sizes 500,1000,2000] [--rows-transform N] [--trees T] [--iters I]
       [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time

NUMERIC = [
    *(f"image_orientation_patient_{i}" for i in range(6)),
    "pixel_spacing_0",
    "exposure_time",
    "exposure",
    "kvp",
    "slice_thickness",
    "repetition_time",
    "echo_time",
    "window_center",
    "window_width",
    "patient_age",
]
CATEGORICAL = [
    "modality",
    "manufacturer",
    "manufacturer_model_name",
    "patient_position",
    "mr_acquisition_type",
    "patient_sex",
    "photometric_interpretation",
]


def main(argv=None):
    from pacslabel.synth.tag_table import random_tags
    from pacslabel.tags.preprocess import TagPreprocessor

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="500,1000,2000")
    p.add_argument("--rows-transform", type=int, default=5000)
    p.add_argument("--trees", type=int, default=16)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    table = random_tags(max(max(sizes), args.rows_transform), seed=args.seed)
    rows = []
    for n in sizes:
        sample = table.iloc[:n]
        out = {"fit_rows": n}
        for kind in ("forest", "simple"):
            pre = TagPreprocessor(
                NUMERIC,
                CATEGORICAL,
                imputer=kind,
                n_estimators=args.trees,
                max_iter=args.iters,
                random_state=args.seed,
            )
            t0 = time.perf_counter()
            pre.fit(sample)
            out[f"{kind}_fit_s"] = round(time.perf_counter() - t0, 3)
            batch = table.iloc[: args.rows_transform]
            t0 = time.perf_counter()
            pre.transform(batch)
            out[f"{kind}_transform_rows_per_s"] = round(len(batch) / (time.perf_counter() - t0))
            out[f"{kind}_pickle_mb"] = round(len(pre.to_bytes()) / 2**20, 2)
        out["ratio_fit_forest_over_simple"] = round(out["forest_fit_s"] / max(out["simple_fit_s"], 1e-9), 1)
        rows.append(out)
    print(
        json.dumps(
            {
                "trees": args.trees,
                "iterations": args.iters,
                "features_in": len(NUMERIC) + len(CATEGORICAL),
                "runs": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
