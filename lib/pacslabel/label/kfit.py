"""k-means inside every partition, with K chosen per partition on held-out rows.

For each partition the candidate K run from ``k_min`` to ``min(k_max, n_train / min_rows_per_label,
n_train_series / min_series_per_label)`` on a roughly geometric grid (1, 2, 3, 4, 5, 6, 8, 10, 12, 15,
20, ...). Each K is fitted on the partition's training rows and scored by the silhouette of the
validation rows under that fit (training rows when the partition has too few validation rows), so K is
chosen on data the centroids never saw. Appearance nests (plane inside sequence inside region), and
the silhouette can reward the coarsest level of such a hierarchy; ``silhouette_tolerance`` > 0 takes
the largest K whose silhouette is within that distance of the best one, so a finer split that scores
almost as well wins over a coarse one. ``k_rule=elbow`` takes the Kneedle elbow of the inertia curve
instead (paper 003). A partition whose best silhouette stays below ``min_silhouette`` has no cluster
structure worth splitting and keeps one label (when ``k_min`` is 1).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from pacslabel.label.kmeans import FaissKMeans
from pacslabel.label.kselect import choose_k

log = logging.getLogger(__name__)

MIN_SCORING_ROWS = 30


def k_grid(k_min: int, k_max: int) -> list[int]:
    """Candidate K from k_min to k_max, steps growing with K (about 25 % apart beyond 6)."""
    ks, k = [], max(1, k_min)
    while k <= k_max:
        ks.append(k)
        k = k + 1 if k < 6 else max(k + 1, round(k * 1.25))
    return ks


@dataclass
class PartitionFit:
    """One partition's fitted centroids and how its K was chosen."""

    key: str
    centroids: np.ndarray
    n_train: int
    n_scored: int
    rule: str
    scores: dict[int, float] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.centroids)

    def summary(self) -> dict:
        return {
            "k": self.k,
            "n_train": self.n_train,
            "n_scored": self.n_scored,
            "rule": self.rule,
            "silhouettes": {str(k): round(v, 4) for k, v in self.scores.items()},
        }


def _silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    if not 1 < len(np.unique(labels)) < len(x):
        return float("nan")
    return float(silhouette_score(x, labels))


def _kmeans(x: np.ndarray, k: int, cfg, nredo: int):

    return FaissKMeans(
        k,
        niter=cfg.niter,
        nredo=nredo,
        spherical=cfg.spherical,
        seed=cfg.seed,
        device=cfg.device,
        max_points_per_centroid=cfg.max_points_per_centroid,
        init=cfg.init,
    ).fit(x)


def _subsample(x: np.ndarray, n: int, seed: int) -> np.ndarray:
    if len(x) <= n:
        return x
    return x[np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))]


def best_within_tolerance(scores: dict[int, float], tolerance: float) -> int | None:
    """The largest K whose score is within ``tolerance`` > 0 of the best; with 0, the smallest K of the
    best score (a tie goes to fewer labels). NaN scores are ignored."""
    valid = {k: s for k, s in scores.items() if s == s}
    if not valid:
        return None
    top = max(valid.values())
    near = [k for k, s in valid.items() if s >= top - tolerance]
    return max(near) if tolerance > 0 else min(near)


def k_cap(n_rows: int, n_series: int | None, cfg) -> int:
    """The largest K a partition may take: enough training rows, and series, behind every label."""
    cap = n_rows // cfg.min_rows_per_label
    if n_series is not None:
        cap = min(cap, n_series // cfg.min_series_per_label)
    return max(1, cap)


def fit_partition(
    key: str, train: np.ndarray, held_out: np.ndarray, cfg, n_series: int | None = None
) -> PartitionFit:
    """Centroids of one partition; ``cfg`` is a :class:`~pacslabel.label.config.LabelConfig`;
    ``n_series``: how many series the training rows come from (None: not known)."""

    n = len(train)
    cap = k_cap(n, n_series, cfg)
    if cfg.k != "auto":
        ks, rule = [min(int(cfg.k), cap)], "fixed"
    else:
        ks, rule = k_grid(min(cfg.k_min, cap), min(cfg.k_max, cap)), cfg.k_rule
    scoring = held_out if len(held_out) >= MIN_SCORING_ROWS else train
    scoring = _subsample(scoring, cfg.silhouette_sample, cfg.seed)
    if ks == [1] or n < 2:
        return PartitionFit(key, train.mean(0, keepdims=True), n, 0, "single" if n else "empty")
    scores: dict[int, float] = {}
    inertias: list[float] = []
    fits = {}
    for k in ks:
        if k == 1:
            continue
        km = _kmeans(train, k, cfg, nredo=1)
        fits[k] = km
        inertias.append(km.inertia_)
        scores[k] = _silhouette(scoring, km.predict(scoring)[0])
    if len(ks) == 1:
        best, rule = ks[0], rule
    elif rule == "elbow":
        multi = [k for k in ks if k > 1]
        best, rule = choose_k(multi, inertias, multi[int(np.nanargmax([scores[k] for k in multi]))])
    else:
        valid = {k: s for k, s in scores.items() if s == s}
        if 1 in ks and (not valid or max(valid.values()) < cfg.min_silhouette):
            best, rule = 1, "no_structure"
        else:
            best = best_within_tolerance(valid, cfg.silhouette_tolerance) or min(fits)
    if best == 1:
        centroids = train.mean(0, keepdims=True)
    else:
        km = _kmeans(train, best, cfg, nredo=cfg.nredo) if cfg.nredo > 1 else fits[best]
        centroids = km.centroids_
    return PartitionFit(key, np.asarray(centroids, np.float32), n, len(scoring), rule, scores)


def fit_partitions(
    x: np.ndarray,
    keys: np.ndarray,
    fit_rows: np.ndarray,
    score_rows: np.ndarray,
    cfg,
    groups: np.ndarray | None = None,
):
    """Fit every partition of ``keys``: (centroids (K, D), partition key per centroid, [PartitionFit]).
    ``groups``: series index per row, for the cap of K by ``min_series_per_label``."""
    fits = []
    for key in sorted(set(keys[fit_rows]) | set(keys[score_rows])):
        in_key = keys == key
        rows, held_rows = fit_rows & in_key, score_rows & in_key
        if not rows.any():
            rows, held_rows = held_rows, np.zeros_like(held_rows)
        train, held = x[rows], x[held_rows]
        n_series = None if groups is None else len(np.unique(groups[rows]))
        fits.append(fit_partition(key, train, held, cfg, n_series))
        log.info("partition %s: k=%d (%s) from %d rows", key, fits[-1].k, fits[-1].rule, len(train))
    centroids = np.concatenate([f.centroids for f in fits]).astype(np.float32)
    partitions = [f.key for f in fits for _ in range(f.k)]
    return centroids, partitions, fits
