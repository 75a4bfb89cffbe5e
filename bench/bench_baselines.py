"""Benchmark the classic baselines against their naive counterparts, measured in the same run.

- HOG / LBP: batched NumPy descriptors vs the per-image scikit-image loop (images/s and ratio).
- COP k-means / PC k-means: time for N points and M constraints vs scikit-learn KMeans (n_init=1)
  on the same data (ratio = constrained time / KMeans time; the constrained runs also report
  passes and violated constraints).

Usage: python bench/bench_baselines.py [--size small|medium|large] [--images N] [--points N]
       [--constraints M] [--k K] [--dim D] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

SIZES = {
    "small": {"images": 32, "points": 5_000, "constraints": 1_000, "k": 10, "dim": 32},
    "medium": {"images": 128, "points": 20_000, "constraints": 5_000, "k": 25, "dim": 64},
    "large": {"images": 512, "points": 100_000, "constraints": 20_000, "k": 25, "dim": 100},
}


def _timed(fn, repeat: int = 1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_descriptors(n_images: int, seed: int) -> dict:
    from pacslabel.baselines import hog_features, hog_features_reference, lbp_features, lbp_features_reference

    rng = np.random.default_rng(seed)
    # smooth structure plus noise and a flat background, like windowed radiographs
    yy, xx = np.mgrid[0:256, 0:256]
    base = 128 + 60 * np.sin(xx / 17.0) * np.cos(yy / 23.0)
    images = np.clip(base[None] + rng.normal(scale=20, size=(n_images, 256, 256)), 0, 255).astype(np.uint8)
    images[:, :40, :] = 0
    out = {}
    for name, fast, slow in (
        ("hog", hog_features, hog_features_reference),
        ("lbp", lbp_features, lbp_features_reference),
    ):
        t_fast, a = _timed(lambda f=fast: f(images), repeat=2)
        t_slow, b = _timed(lambda f=slow: f(images), repeat=2)
        out[name] = {
            "images": n_images,
            "dim": int(a.shape[1]),
            "batched_images_per_s": round(n_images / t_fast, 1),
            "per_image_loop_images_per_s": round(n_images / t_slow, 1),
            "speedup": round(t_slow / t_fast, 2),
            "max_abs_diff": float(np.abs(a - b).max()),
        }
    return out


def _blob_data(n: int, k: int, dim: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=1.0, size=(k, dim))  # overlapping: several passes
    y = rng.integers(0, k, size=n)
    x = (centres[y] + rng.normal(size=(n, dim))).astype(np.float32)
    pairs = rng.integers(0, n, size=(m, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    same = y[pairs[:, 0]] == y[pairs[:, 1]]
    return x, y, pairs[same], pairs[~same]


def bench_constrained(n: int, m: int, k: int, dim: int, seed: int) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from pacslabel.baselines import cop_kmeans, count_violations, pc_kmeans

    x, y, must, cannot = _blob_data(n, k, dim, m, seed)
    t_km, km = _timed(lambda: KMeans(k, init="k-means++", n_init=1, random_state=seed).fit(x))
    out = {
        "points": n,
        "dim": dim,
        "k": k,
        "must": len(must),
        "cannot": len(cannot),
        "kmeans_s": round(t_km, 3),
        "kmeans_iters": int(km.n_iter_),
        "kmeans_nmi": round(nmi(y, km.labels_), 4),
    }
    t_cop, (labels, info) = _timed(lambda: cop_kmeans(x, k, must, cannot, seed=seed, return_info=True))
    out["cop"] = {
        "seconds": round(t_cop, 3),
        "ratio_vs_kmeans": round(t_cop / t_km, 2),
        "passes": info["n_iter"],
        "s_per_pass": round(t_cop / info["n_iter"], 4),
        "violations": count_violations(labels, must, cannot),
        "nmi": round(nmi(y, labels), 4),
    }
    t_pc, (labels, info) = _timed(
        lambda: pc_kmeans(x, k, must, cannot, weight=1.0, seed=seed, return_info=True)
    )
    out["pc"] = {
        "seconds": round(t_pc, 3),
        "ratio_vs_kmeans": round(t_pc / t_km, 2),
        "passes": info["n_iter"],
        "s_per_pass": round(t_pc / info["n_iter"], 4),
        "violations": count_violations(labels, must, cannot),
        "nmi": round(nmi(y, labels), 4),
    }
    km_s_per_iter = t_km / max(1, km.n_iter_)
    out["cop"]["per_pass_ratio_vs_kmeans_iter"] = round(out["cop"]["s_per_pass"] / km_s_per_iter, 2)
    out["pc"]["per_pass_ratio_vs_kmeans_iter"] = round(out["pc"]["s_per_pass"] / km_s_per_iter, 2)
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    for key in ("images", "points", "constraints", "k", "dim"):
        parser.add_argument(f"--{key}", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", choices=["descriptors", "constrained"], default=None)
    args = parser.parse_args(argv)
    cfg = dict(SIZES[args.size])
    cfg.update({key: getattr(args, key) for key in cfg if getattr(args, key) is not None})
    result = {"size": args.size, **cfg}
    if args.skip != "descriptors":
        result["descriptors"] = bench_descriptors(cfg["images"], args.seed)
    if args.skip != "constrained":
        result["constrained"] = bench_constrained(
            cfg["points"], cfg["constraints"], cfg["k"], cfg["dim"], args.seed
        )
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
