"""Representative instances per label: nearest sample instance to each centroid, and optional k-medoids
(FasterPAM, ``kmedoids`` package) on a subsample so a report can show medoid images."""

from __future__ import annotations

import logging
import time

import numpy as np

from pacslabel.label.distance import nearest_centroid, pairwise_distances

log = logging.getLogger(__name__)


def nearest_to_centroids(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index into ``x`` of the row nearest to every centroid ``(K,)``."""

    idx, _ = nearest_centroid(centroids, x)
    return idx


def kmedoids_sample(
    x: np.ndarray, k: int, n: int = 2000, seed: int = 0, init_from: np.ndarray | None = None
) -> dict:
    """FasterPAM with Euclidean dissimilarities on at most ``n`` rows of ``x``.

    ``init_from`` (K, D) starts the medoids at the sampled rows nearest to those points (e.g. k-means
    centroids). Returns ``rows`` (indices into ``x`` of the K medoids), ``loss``, ``n``, ``seconds``.
    """
    import kmedoids

    rng = np.random.default_rng(seed)
    sub = np.sort(rng.choice(len(x), size=min(n, len(x)), replace=False))
    k = int(min(k, len(sub)))
    started = time.perf_counter()
    diss = pairwise_distances(x[sub], x[sub]).astype(np.float64)
    np.fill_diagonal(diss, 0.0)
    medoids: int | np.ndarray = k
    init_rule = "build"
    if init_from is not None:
        cand = nearest_to_centroids(x[sub], np.asarray(init_from, np.float32)[:k])
        if len(np.unique(cand)) == k:
            medoids, init_rule = cand.astype(np.int64), "kmeans-centroids"
    res = kmedoids.fasterpam(diss, medoids, init="build", random_state=seed, n_cpu=1)
    rows = sub[np.asarray(res.medoids, dtype=np.int64)]
    out = {
        "rows": rows,
        "loss": float(res.loss),
        "n": len(sub),
        "seconds": time.perf_counter() - started,
        "init": init_rule,
    }
    log.info("k-medoids on %d rows, k=%d: loss %.4g in %.2fs", len(sub), k, out["loss"], out["seconds"])
    return out
