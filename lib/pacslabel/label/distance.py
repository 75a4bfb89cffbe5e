"""Distances to centroids: exact pairwise distances, and the nearest centroid by FAISS exact search."""

from __future__ import annotations

import numpy as np


def pairwise_distances(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Euclidean distances ``(n, d) x (k, d) -> (n, k)`` float32 (non-negative, exact for small d)."""
    x = np.asarray(x, dtype=np.float64)
    c = np.asarray(centroids, dtype=np.float64)
    sq = (x * x).sum(1)[:, None] - 2.0 * x @ c.T + (c * c).sum(1)[None, :]
    return np.sqrt(np.maximum(sq, 0.0)).astype(np.float32)


def flat_index(centroids: np.ndarray):
    """FAISS ``IndexFlatL2`` holding the centroids (exact search)."""
    import faiss

    c = np.ascontiguousarray(centroids, dtype=np.float32)
    index = faiss.IndexFlatL2(c.shape[1])
    index.add(c)
    return index


def nearest_centroid(x: np.ndarray, centroids: np.ndarray, index=None) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest centroid (int32) and the Euclidean distance to it (float32), per row."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if len(x) == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    index = index if index is not None else flat_index(centroids)
    d2, i = index.search(x, 1)
    return i[:, 0].astype(np.int32), np.sqrt(np.maximum(d2[:, 0], 0.0)).astype(np.float32)
