"""2-D projection of an embedding sample for the report: t-SNE, or PCA when the sample is tiny."""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)


def pca_2d(x: np.ndarray) -> np.ndarray:
    """First two principal components (zero-padded when the data has fewer than two)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros((x.shape[0], 2))
    if x.shape[0] < 2:
        return out
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    comps = centred @ vt[:2].T
    out[:, : comps.shape[1]] = comps
    return out


def project_2d(
    x: np.ndarray, perplexity: float = 30.0, min_rows: int = 20, seed: int = 0, max_iter: int = 1000
) -> tuple[np.ndarray, str]:
    """(n × 2 coordinates, method name). t-SNE after PCA to at most 50 dimensions."""
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
    n = x.shape[0]
    if n < min_rows:
        return pca_2d(x), "PCA"
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    if x.shape[1] > 50:
        x = PCA(n_components=50, random_state=seed).fit_transform(x)
    perp = float(min(perplexity, max(1.0, (n - 1) / 3.0)))
    tsne = TSNE(n_components=2, perplexity=perp, init="pca", random_state=seed, max_iter=max_iter)
    return tsne.fit_transform(x).astype(np.float64), "t-SNE"
