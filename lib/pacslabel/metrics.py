"""Label-quality metrics of the papers: NMI and homogeneity against modality and region, their
harmonic mean (paper 003's score), per-label purity, silhouette on a sample, and intra-cluster cosine
distance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int64 codes 0..k-1, the k sorted distinct values), by hashing rather than sorting every row."""

    codes, uniques = pd.factorize(np.asarray(values), sort=True, use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques)


def _entropy(counts: np.ndarray) -> float:
    counts = counts[counts > 0]
    if counts.size <= 1:
        return 0.0
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def agreement(truth: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(NMI, homogeneity) of ``labels`` against the classes ``truth``, from one contingency table.

    The values of scikit-learn's ``normalized_mutual_info_score`` (arithmetic normalisation) and
    ``homogeneity_score``, edge cases included, at a fraction of their cost on millions of rows.
    """
    c, classes = _dense(truth)
    k, clusters = _dense(labels)
    if classes.size == clusters.size and classes.size <= 1:
        return 1.0, 1.0
    cells, pair = _dense(c * clusters.size + k)
    n_ij = np.bincount(cells).astype(np.float64)
    n_i = np.bincount(c).astype(np.float64)[pair // clusters.size]
    n_j = np.bincount(k).astype(np.float64)[pair % clusters.size]
    mi = 0.0
    if classes.size > 1 and clusters.size > 1:
        terms = n_ij / c.size * np.log(n_ij * c.size / (n_i * n_j))
        mi = float(max(np.where(np.abs(terms) < np.finfo(float).eps, 0.0, terms).sum(), 0.0))
    h_c, h_k = _entropy(np.bincount(c)), _entropy(np.bincount(k))
    nmi_value = mi / ((h_c + h_k) / 2) if mi > 0 else 0.0
    return nmi_value, mi / h_c if h_c else 1.0


def nmi(truth: np.ndarray, labels: np.ndarray) -> float:
    """Normalised mutual information (arithmetic normalisation, scikit-learn's default)."""
    return agreement(truth, labels)[0]


def homogeneity(truth: np.ndarray, labels: np.ndarray) -> float:
    """1 when every cluster holds one class only."""
    return agreement(truth, labels)[1]


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


def known_values(values: np.ndarray) -> np.ndarray:
    """True where a value is present: not None, NaN or the empty string."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype.kind in "iub":
        return np.ones(values.shape, dtype=bool)
    return np.array([v is not None and v == v and v != "" for v in values], dtype=bool)


def label_scores(labels: np.ndarray, modality: np.ndarray, region: np.ndarray) -> dict[str, float]:
    """NMI and homogeneity against modality and region, and their harmonic mean ``score``.

    Rows whose region is missing (None / NaN / empty) are left out of the region metrics only.
    """
    labels = np.asarray(labels)
    modality = np.asarray(modality)
    region = np.asarray(region)
    known = known_values(region)
    nmi_modality, hs_modality = agreement(modality, labels)
    nmi_region, hs_region = agreement(region[known], labels[known]) if known.any() else (math.nan, math.nan)
    out = {
        "nmi_modality": nmi_modality,
        "hs_modality": hs_modality,
        "nmi_region": nmi_region,
        "hs_region": hs_region,
    }
    parts = [v for v in out.values() if np.isfinite(v)]
    out["score"] = harmonic_score(parts)
    out["region_coverage"] = float(known.mean()) if known.size else 0.0
    return out


def purity(classes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct labels, share of each label's rows that fall in its most frequent class)."""
    lab, uniq = _dense(labels)
    cls, class_values = _dense(classes)
    width = max(class_values.size, 1)
    cells, pair = _dense(lab * width + cls)
    largest = np.zeros(uniq.size, dtype=np.int64)
    np.maximum.at(largest, pair // width, np.bincount(cells))
    return uniq, largest / np.bincount(lab, minlength=uniq.size)


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
