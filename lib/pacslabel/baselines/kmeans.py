"""Plain k-means ("<features> + k-means", paper 001) and the pieces the constrained variants share."""

from __future__ import annotations

import numpy as np


def kmeans_labels(
    x: np.ndarray,
    k: int,
    seed: int = 0,
    *,
    n_init: int = 10,
    max_iter: int = 300,
    return_centres: bool = False,
):
    """scikit-learn KMeans (k-means++ init, Lloyd iterations, best of ``n_init``) -> int32 (N,) labels.

    With ``return_centres`` returns (labels, float64 (k, D) centres) so new rows can be assigned to
    the nearest centre (paper 001's inference rule).
    """
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, init="k-means++", n_init=n_init, max_iter=max_iter, random_state=seed)
    labels = km.fit_predict(np.asarray(x)).astype(np.int32)
    if return_centres:
        return labels, km.cluster_centers_.astype(np.float64)
    return labels


def as_matrix(x: np.ndarray) -> np.ndarray:
    """(N, D) float32 / float64 view of the data (other dtypes become float64)."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be (N, D), got {x.shape}")
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    return x


def squared_distances(x: np.ndarray, centres: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """float64 (N, k) squared Euclidean distances, computed in float64 row chunks, clipped at 0."""
    centres = np.asarray(centres, dtype=np.float64)
    c_sq = np.einsum("kd,kd->k", centres, centres)
    out = np.empty((len(x), len(centres)), dtype=np.float64)
    for start in range(0, len(x), chunk):
        block = np.asarray(x[start : start + chunk], dtype=np.float64)
        d = np.einsum("nd,nd->n", block, block)[:, None] - 2.0 * (block @ centres.T) + c_sq[None, :]
        out[start : start + len(block)] = np.maximum(d, 0.0)
    return out


def update_centres(x: np.ndarray, labels: np.ndarray, old: np.ndarray) -> np.ndarray:
    """Mean of each cluster's rows; a cluster that lost all its rows keeps its old centre."""
    from scipy import sparse

    k = len(old)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    ind = sparse.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels)))
    sums = np.asarray(ind @ x, dtype=np.float64)
    centres = np.array(old, dtype=np.float64, copy=True)
    filled = counts > 0
    centres[filled] = sums[filled] / counts[filled, None]
    return centres


def initial_centres(x: np.ndarray, k: int, init, seed: int) -> np.ndarray:
    """k-means++ ("kmeans++"), k distinct random rows ("random") or a given (k, D) array."""
    if isinstance(init, str):
        if init in ("kmeans++", "k-means++"):
            from sklearn.cluster import kmeans_plusplus

            centres, _ = kmeans_plusplus(x, k, random_state=seed)
            return np.asarray(centres, dtype=np.float64)
        if init == "random":
            rows = np.random.default_rng(seed).choice(len(x), size=k, replace=False)
            return np.asarray(x[np.sort(rows)], dtype=np.float64)
        raise ValueError(f"init must be 'kmeans++', 'random' or a (k, D) array, got {init!r}")
    centres = np.asarray(init, dtype=np.float64)
    if centres.shape != (k, x.shape[1]):
        raise ValueError(f"init array must have shape {(k, x.shape[1])}, got {centres.shape}")
    return centres.copy()


def check_k(n: int, k: int) -> None:
    if not 1 <= k <= n:
        raise ValueError(f"k must be in [1, {n}] for {n} rows, got {k}")
