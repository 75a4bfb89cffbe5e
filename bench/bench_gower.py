"""Benchmark Gower distance: vectorised pairs and block matrix vs a per-pair Python loop (same run).

Prints pairs/s on one core (BLAS / OpenMP threads pinned to 1) for ``gower_pairs`` on aligned rows,
``gower_matrix`` over a square block, and the naive loop baseline, with the speed-up ratios.

Usage: python bench/bench_gower.py [--pairs N] [--naive-pairs N] [--matrix-rows N] [--features P] [--seed S]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def naive_gower(a, b, categorical, ranges, weights):
    out = []
    for u, v in zip(a.tolist(), b.tolist(), strict=True):
        num = den = 0.0
        for k in range(len(u)):
            x, y = u[k], v[k]
            if x != x or y != y:
                continue
            if categorical[k]:
                s = 0.0 if x == y else 1.0
            elif ranges[k] > 0:
                s = min(abs(x - y) / ranges[k], 1.0)
            else:
                s = 0.0 if x == y else 1.0
            num += weights[k] * s
            den += weights[k]
        out.append(num / den if den > 0 else float("nan"))
    return np.array(out)


def _best(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    from pacslabel.tags.gower import feature_ranges, gower_matrix, gower_pairs

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=200_000)
    p.add_argument("--naive-pairs", type=int, default=20_000)
    p.add_argument("--matrix-rows", type=int, default=1_000)
    p.add_argument("--features", type=int, default=13)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n_rows = max(args.matrix_rows, 2_000)
    x = rng.normal(size=(n_rows, args.features))
    categorical = np.arange(args.features) % 3 == 0
    x[:, categorical] = rng.integers(0, 6, size=(n_rows, int(categorical.sum())))
    x[rng.random(x.shape) < 0.2] = np.nan
    ranges = feature_ranges(x, categorical)
    weights = rng.uniform(0.2, 1.0, args.features)
    i = rng.integers(0, n_rows, args.pairs)
    j = rng.integers(0, n_rows, args.pairs)
    a, b = x[i], x[j]

    t_vec, d_vec = _best(lambda: gower_pairs(a, b, categorical, ranges, weights))
    m = args.naive_pairs
    t_naive, d_naive = _best(lambda: naive_gower(a[:m], b[:m], categorical, ranges, weights), repeat=1)
    np.testing.assert_allclose(d_vec[:m], d_naive, equal_nan=True)
    xm = x[: args.matrix_rows]
    t_mat, _ = _best(lambda: gower_matrix(xm, categorical=categorical, ranges=ranges, weights=weights))
    rate_vec = args.pairs / t_vec
    rate_naive = m / t_naive
    rate_mat = args.matrix_rows**2 / t_mat
    print(
        json.dumps(
            {
                "features": args.features,
                "gower_pairs_per_s": round(rate_vec),
                "gower_matrix_pairs_per_s": round(rate_mat),
                "naive_loop_pairs_per_s": round(rate_naive),
                "ratio_pairs_vs_naive": round(rate_vec / rate_naive, 1),
                "ratio_matrix_vs_naive": round(rate_mat / rate_naive, 1),
                "threads": 1,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
