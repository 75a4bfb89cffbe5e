"""Scores of one labelling on a set of sample rows (paper 003, Table 7): NMI and homogeneity against
modality and region, their harmonic mean S, NMI against the fine class, and intra-label cosine distances."""

from __future__ import annotations

import numpy as np

from pacslabel.ablation.reference import Reference
from pacslabel.label.partition import UNASSIGNED
from pacslabel.metrics import homogeneity, known_values, label_scores, mean_cosine_distance_to_centroid, nmi

COSINE_SOURCES = ("images", "reports")


def mean_pairwise_cosine_distance(x: np.ndarray, labels: np.ndarray) -> float:
    """Paper 003 Eq. 3-4: per label the mean cosine distance over all pairs of its rows, averaged over the
    labels with at least two rows; NaN when there is none. ``(n, d), (n,) -> float``, O(n d).

    With unit rows ``u_i`` the pair sum is ``|sum_i u_i|^2 - sum_i |u_i|^2`` (an all-zero row has
    similarity 0 to everything)."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    u = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    uniq, inverse = np.unique(np.asarray(labels), return_inverse=True)
    sums = np.zeros((uniq.size, x.shape[1]))
    np.add.at(sums, inverse, u)
    counts = np.bincount(inverse, minlength=uniq.size).astype(np.float64)
    self_sim = np.bincount(inverse, weights=(u * u).sum(1), minlength=uniq.size)
    ok = counts >= 2
    if not ok.any():
        return float("nan")
    pair_sim = ((sums * sums).sum(1) - self_sim)[ok] / (counts[ok] * (counts[ok] - 1))
    return float(np.mean(1.0 - pair_sim))


def finite(value: float) -> float | None:
    """A JSON-friendly number: None for NaN."""
    return None if value is None or value != value else round(float(value), 6)


def row_scores(labels: np.ndarray, ref: Reference, rows: np.ndarray, embeddings: dict) -> dict:
    """Scores of ``labels`` on ``rows`` (bool); ``embeddings`` is {source: (matrix, present mask)}."""
    sel = rows & known_values(ref.modality)
    out: dict = {"n": int(rows.sum()), "n_scored": int(sel.sum())}
    if sel.any():
        out.update(label_scores(labels[sel], ref.modality[sel], ref.region[sel]))
        out["n_labels"] = int(np.unique(labels[sel]).size)
        out["n_unassigned"] = int((labels[sel] == UNASSIGNED).sum())
    if ref.fine is not None:
        ok = sel & known_values(ref.fine)
        out["nmi_fine"] = nmi(ref.fine[ok], labels[ok]) if ok.any() else None
        out["hs_fine"] = homogeneity(ref.fine[ok], labels[ok]) if ok.any() else None
    for source in COSINE_SOURCES:
        if source not in embeddings:
            continue
        x, present = embeddings[source]
        m = rows & present
        out[f"cos_{source}"] = mean_pairwise_cosine_distance(x[m], labels[m]) if m.any() else None
        out[f"cos_{source}_to_mean"] = mean_cosine_distance_to_centroid(x[m], labels[m]) if m.any() else None
    return {k: finite(v) if isinstance(v, float) else v for k, v in out.items()}
