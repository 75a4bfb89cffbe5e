"""Label-quality metrics of the papers: NMI and homogeneity against modality and region, their
harmonic mean (paper 003's score), silhouette on a sample, and intra-cluster cosine distance."""

from __future__ import annotations

import numpy as np


def nmi(truth: np.ndarray, labels: np.ndarray) -> float:
    """Normalised mutual information (arithmetic normalisation, scikit-learn's default)."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(truth, labels))


def homogeneity(truth: np.ndarray, labels: np.ndarray) -> float:
    """1 when every cluster holds one class only."""
    from sklearn.metrics import homogeneity_score

    return float(homogeneity_score(truth, labels))


def harmonic_score(values: list[float]) -> float:
    """Harmonic mean of non-negative scores; 0 when any score is 0 (paper 003's overall score)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        raise ValueError("harmonic_score needs at least one value")
    if np.any(arr < 0):
        raise ValueError(f"harmonic_score takes non-negative values, got {values}")
    if np.any(arr == 0):
        return 0.0
    return float(arr.size / np.sum(1.0 / arr))


def label_scores(labels: np.ndarray, modality: np.ndarray, region: np.ndarray) -> dict[str, float]:
    """NMI and homogeneity against modality and region, and their harmonic mean ``score``.

    Rows whose region is missing (None / empty) are left out of the region metrics only.
    """
    labels = np.asarray(labels)
    modality = np.asarray(modality, dtype=object)
    region = np.asarray(region, dtype=object)
    known = np.array([r is not None and r == r and r != "" for r in region], dtype=bool)
    out = {
        "nmi_modality": nmi(modality, labels),
        "hs_modality": homogeneity(modality, labels),
        "nmi_region": nmi(region[known], labels[known]) if known.any() else float("nan"),
        "hs_region": homogeneity(region[known], labels[known]) if known.any() else float("nan"),
    }
    parts = [v for v in out.values() if np.isfinite(v)]
    out["score"] = harmonic_score(parts)
    out["region_coverage"] = float(known.mean()) if known.size else 0.0
    return out


def silhouette_on_sample(x: np.ndarray, labels: np.ndarray, n: int = 10_000, seed: int = 0) -> float:
    """Euclidean silhouette on at most ``n`` rows drawn without replacement; NaN with < 2 labels."""
    from sklearn.metrics import silhouette_score

    x = np.asarray(x)
    labels = np.asarray(labels)
    if x.shape[0] > n:
        idx = np.random.default_rng(seed).choice(x.shape[0], n, replace=False)
        x, labels = x[idx], labels[idx]
    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= x.shape[0]:
        return float("nan")
    return float(silhouette_score(x, labels))


def mean_cosine_distance_to_centroid(x: np.ndarray, labels: np.ndarray) -> float:
    """Mean over rows of the cosine distance between each row and its cluster's mean vector."""
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(labels)
    uniq, inverse = np.unique(labels, return_inverse=True)
    sums = np.zeros((uniq.size, x.shape[1]))
    np.add.at(sums, inverse, x)
    centres = sums / np.bincount(inverse)[:, None]
    c = centres[inverse]
    num = np.einsum("ij,ij->i", x, c)
    den = np.linalg.norm(x, axis=1) * np.linalg.norm(c, axis=1)
    cos = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return float(np.mean(1.0 - cos))
