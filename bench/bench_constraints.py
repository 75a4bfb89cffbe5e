"""Benchmark must-link / cannot-link generation on a generated tag table (paper-000 tags).

Times the block sampler for each requested constraint count (default 20k and 100k; 1M with
--rows 20000 --counts 20000,1000000) and, as the
baseline measured in the same run, the full-matrix approach (N x N Gower matrix, threshold, pick)
on a subset of rows where that matrix still fits; prints seconds, constraints/s and the ratio.

Usage: python bench/bench_constraints.py [--rows N] [--counts 20000,1000000] [--baseline-rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def full_matrix_baseline(x, enc, n_must, n_cannot, eps, phi, seed):
    rng = np.random.default_rng(seed)
    d = enc.matrix(x)
    iu, ju = np.triu_indices(len(x), 1)
    dv = d[iu, ju]
    must = np.flatnonzero(dv < eps)
    cannot = np.flatnonzero(dv > phi)
    pick_m = rng.choice(must, min(n_must, must.size), replace=False)
    pick_c = rng.choice(cannot, min(n_cannot, cannot.size), replace=False)
    return pick_m.size, pick_c.size


def main(argv=None):
    from pacslabel.synth.tag_table import random_tags
    from pacslabel.tags.constraints import block_ids, sample_constraints
    from pacslabel.tags.gower import GowerEncoder
    from pacslabel.tags.schema import PAPER_CATEGORICAL, PAPER_NUMERIC, PAPER_WEIGHTS

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=5_000, help="labelled rows in the generated table")
    p.add_argument("--counts", default="20000,100000", help="constraint counts (half must, half cannot)")
    p.add_argument("--baseline-rows", type=int, default=2_000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    t0 = time.perf_counter()
    df = random_tags(args.rows, seed=args.seed)
    enc = GowerEncoder(list(PAPER_NUMERIC), list(PAPER_CATEGORICAL), PAPER_WEIGHTS).fit(df)
    x = enc.transform(df)
    blocks = block_ids(df, ["modality", "body_part_examined"])
    gen_s = time.perf_counter() - t0
    out = {"rows": args.rows, "table_seconds": round(gen_s, 2), "runs": []}
    for count in [int(c) for c in args.counts.split(",") if c]:
        n_must = count // 2
        t0 = time.perf_counter()
        frame, summary = sample_constraints(
            x,
            enc.categorical_mask_,
            enc.ranges_,
            enc.weights_,
            n_must=n_must,
            n_cannot=count - n_must,
            blocks=blocks,
            seed=args.seed,
            exhaustive_pairs=0,
            batch_pairs=1 << 17,
        )
        sec = time.perf_counter() - t0
        out["runs"].append(
            {
                "requested": count,
                "must": summary["must"],
                "cannot": summary["cannot"],
                "seconds": round(sec, 3),
                "constraints_per_s": round(len(frame) / sec),
                "candidates_examined": summary["must_candidates_examined"]
                + summary["cannot_candidates_examined"],
            }
        )
    # baseline: full matrix on a subset, sampler on the same subset, same request
    nb = min(args.baseline_rows, args.rows)
    xb = x[:nb]
    req = min(20_000, nb * (nb - 1) // 20)
    t0 = time.perf_counter()
    full_matrix_baseline(xb, enc, req // 2, req - req // 2, 0.1, 0.5, args.seed)
    t_full = time.perf_counter() - t0
    t0 = time.perf_counter()
    sample_constraints(
        xb,
        enc.categorical_mask_,
        enc.ranges_,
        enc.weights_,
        n_must=req // 2,
        n_cannot=req - req // 2,
        blocks=blocks[:nb],
        seed=args.seed,
        exhaustive_pairs=0,
    )
    t_samp = time.perf_counter() - t0
    out["baseline"] = {
        "rows": nb,
        "requested": req,
        "full_matrix_seconds": round(t_full, 3),
        "sampler_seconds": round(t_samp, 3),
        "ratio_full_matrix_over_sampler": round(t_full / t_samp, 1),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
