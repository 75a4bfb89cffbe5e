"""K-medoids on tags (paper 004): FasterPAM over a precomputed Gower matrix, a K sweep scored by
silhouette (precomputed metric), and the visual check: mean cosine distance of image embeddings to
their tag-cluster centre against randomly permuted labels, over disjoint samples, paired t-test.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from pacslabel.metrics import mean_cosine_distance_to_centroid

log = logging.getLogger(__name__)


def _finite(d: np.ndarray) -> np.ndarray:
    """Gower matrices may hold NaN (no shared feature): treat those pairs as maximally distant."""
    d = np.where(np.isfinite(d), d, 1.0)
    d = (d + d.T) / 2.0
    np.fill_diagonal(d, 0.0)
    return d


def fit_kmedoids(
    d: np.ndarray, k: int, seed: int = 1, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray, float]:
    """FasterPAM with a random initialisation from ``seed``: (labels, medoid indices, loss)."""
    import kmedoids

    d = _finite(np.asarray(d, dtype=np.float64))
    res = kmedoids.fasterpam(d, k, max_iter=max_iter, init="random", random_state=seed, n_cpu=1)
    return np.asarray(res.labels, dtype=np.int64), np.asarray(res.medoids, dtype=np.int64), float(res.loss)


def silhouette_precomputed(d: np.ndarray, labels: np.ndarray) -> float:
    """Silhouette on a precomputed distance matrix; NaN with fewer than 2 or n labels."""
    from sklearn.metrics import silhouette_score

    labels = np.asarray(labels)
    n_labels = np.unique(labels).size
    if n_labels < 2 or n_labels >= labels.size:
        return float("nan")
    return float(silhouette_score(_finite(np.asarray(d, dtype=np.float64)), labels, metric="precomputed"))


def kmedoids_sweep(d: np.ndarray, ks: Sequence[int], seed: int = 1) -> pd.DataFrame:
    """One row per K (skipping K >= n): k, loss, silhouette; the best K has the largest silhouette."""
    rows = []
    n = d.shape[0]
    for k in ks:
        if k < 2 or k >= n:
            continue
        labels, _, loss = fit_kmedoids(d, k, seed)
        rows.append({"k": int(k), "loss": loss, "silhouette": silhouette_precomputed(d, labels)})
        log.info("k-medoids k=%d loss=%.4f silhouette=%.4f", k, loss, rows[-1]["silhouette"])
    return pd.DataFrame(rows, columns=["k", "loss", "silhouette"])


def best_k(sweep: pd.DataFrame, fallback: int) -> int:
    ok = sweep.dropna(subset=["silhouette"])
    return int(ok.loc[ok["silhouette"].idxmax(), "k"]) if len(ok) else int(fallback)


def visual_check(
    samples: Sequence[tuple[np.ndarray, np.ndarray]],
    distance: Callable[[np.ndarray], np.ndarray],
    k: int,
    seed: int = 1,
) -> dict:
    """Paper 004's evaluation over disjoint samples.

    ``samples``: (gower_rows, embeddings) per sample, aligned row by row. Each sample is clustered on
    its tags (K-medoids, ``distance`` gives the Gower matrix); the mean cosine distance of the
    embeddings to their cluster centre is compared with the same for randomly permuted labels, and the
    two series are compared with a paired t-test (scipy.stats.ttest_rel).
    """
    from scipy.stats import ttest_rel

    rng = np.random.default_rng(seed)
    tag_means, random_means = [], []
    for s, (rows, emb) in enumerate(samples):
        labels, _, _ = fit_kmedoids(distance(rows), min(k, rows.shape[0] - 1), seed + s)
        tag_means.append(mean_cosine_distance_to_centroid(emb, labels))
        random_means.append(mean_cosine_distance_to_centroid(emb, rng.permutation(labels)))
    result = {
        "samples": len(tag_means),
        "k": int(k),
        "mean_distance_tags": float(np.mean(tag_means)) if tag_means else float("nan"),
        "mean_distance_random": float(np.mean(random_means)) if random_means else float("nan"),
        "std_distance_tags": float(np.std(tag_means, ddof=1)) if len(tag_means) > 1 else float("nan"),
        "std_distance_random": float(np.std(random_means, ddof=1)) if len(random_means) > 1 else float("nan"),
        "per_sample_tags": [float(v) for v in tag_means],
        "per_sample_random": [float(v) for v in random_means],
    }
    if len(tag_means) > 1:
        test = ttest_rel(tag_means, random_means)
        result["t_statistic"] = float(test.statistic)
        result["p_value"] = float(test.pvalue)
    return result
