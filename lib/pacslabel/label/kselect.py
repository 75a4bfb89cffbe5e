"""Choosing K: elbow of the k-means inertia curve by Kneedle (paper 003), with explicit fallbacks.

``KneeLocator(curve="convex", direction="decreasing")`` may find no knee (``.knee is None``, e.g. on a
straight line). Then the K with the largest second difference of the inertia curve decides, if that
difference is clearly non-zero; else the configured default K. The rule that decided is returned.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

import numpy as np

from pacslabel.label.kmeans import FaissKMeans

log = logging.getLogger(__name__)


@dataclass
class KSelection:
    k: int
    rule: str  # "fixed" | "kneedle" | "second_difference" | "single_candidate" | "default"
    ks: list[int] = field(default_factory=list)
    inertias: list[float] = field(default_factory=list)
    silhouettes: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["silhouettes"] = {str(k): v for k, v in self.silhouettes.items()}
        return out


def k_candidates(k_min: int, k_max: int, k_step: int, n: int, min_points: int = 39) -> list[int]:
    """``range(k_min, k_max + 1, k_step)`` limited to ``k <= n / min_points`` (at least ``[k_min]``)."""
    ks = list(range(max(2, k_min), k_max + 1, max(1, k_step)))
    cap = n // min_points
    kept = [k for k in ks if k <= cap]
    if len(kept) < len(ks):
        log.warning("k range capped at %d for %d sample rows (k <= n/%d)", cap, n, min_points)
    return kept or [max(2, min(k_min, n))]


def second_difference_k(ks: list[int], inertias: list[float], rel_tol: float = 1e-6) -> int | None:
    """K at the largest second difference of the inertia curve; None when the curve is (nearly) straight.

    The second difference at interior point i is ``y[i-1] - 2 y[i] + y[i+1]`` (positive where the
    decreasing curve bends); "nearly straight" means the largest one is below ``rel_tol`` times the range.
    """
    y = np.asarray(inertias, dtype=np.float64)
    if len(y) < 3:
        return None
    d2 = y[:-2] - 2.0 * y[1:-1] + y[2:]
    scale = max(float(np.ptp(y)), 1e-300)
    best = int(np.argmax(d2))
    if d2[best] <= rel_tol * scale:
        return None
    return int(ks[best + 1])


def choose_k(ks: list[int], inertias: list[float], default_k: int) -> tuple[int, str]:
    """Elbow by Kneedle, else largest second difference, else ``default_k``; returns (k, rule)."""
    from kneed import KneeLocator

    if len(ks) == 1:
        return int(ks[0]), "single_candidate"
    if len(ks) >= 3:
        knee = KneeLocator(ks, inertias, curve="convex", direction="decreasing", S=1.0).knee
        if knee is not None:
            log.info("K=%d chosen by Kneedle", int(knee))
            return int(knee), "kneedle"
    k2 = second_difference_k(ks, inertias)
    if k2 is not None:
        log.warning("Kneedle found no knee; K=%d chosen by the largest second difference", k2)
        return k2, "second_difference"
    k = min(int(default_k), max(ks)) if ks else int(default_k)
    log.warning("no knee and no curvature in the inertia curve; using the default K=%d", k)
    return k, "default"


def inertia_curve(
    x: np.ndarray,
    ks: list[int],
    niter: int = 25,
    seed: int = 0,
    device: str = "auto",
    spherical: bool = False,
    init: str = "kmeans++",
) -> tuple[list[float], list[np.ndarray]]:
    """FAISS k-means inertia (sum of squared distances, all rows of ``x``) and labels for every K."""

    inertias, labels = [], []
    for k in ks:
        km = FaissKMeans(
            k,
            niter=niter,
            seed=seed,
            device=device,
            spherical=spherical,
            max_points_per_centroid=max(256, len(x) // k + 1),
            init=init,
        ).fit(x)
        lab, dist = km.predict(x)
        inertias.append(float(np.sum(dist.astype(np.float64) ** 2)))
        labels.append(lab)
    return inertias, labels


def silhouettes(
    x: np.ndarray, labels: list[np.ndarray], ks: list[int], sample: int = 5000, seed: int = 0
) -> dict[int, float]:
    """Euclidean silhouette per K on at most ``sample`` rows (NaN when a K gives fewer than 2 labels)."""
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(seed)
    idx = rng.choice(len(x), size=min(sample, len(x)), replace=False)
    out = {}
    for k, lab in zip(ks, labels, strict=True):
        sub = lab[idx]
        out[int(k)] = (
            float(silhouette_score(x[idx], sub)) if 1 < len(np.unique(sub)) < len(idx) else float("nan")
        )
    return out


def select_k(
    x: np.ndarray,
    k: int | str,
    ks: list[int],
    default_k: int,
    niter: int = 25,
    seed: int = 0,
    device: str = "auto",
    spherical: bool = False,
    silhouette_sample: int = 5000,
    init: str = "kmeans++",
) -> KSelection:
    """Fixed K (``k`` an int) or the elbow over ``ks`` (``k == "auto"``) with silhouettes per K."""
    if k != "auto":
        return KSelection(k=int(k), rule="fixed")
    inertias, labels = inertia_curve(
        x, ks, niter=niter, seed=seed, device=device, spherical=spherical, init=init
    )
    chosen, rule = choose_k(ks, inertias, default_k)
    sil = silhouettes(x, labels, ks, sample=silhouette_sample, seed=seed) if silhouette_sample > 0 else {}
    return KSelection(k=chosen, rule=rule, ks=list(ks), inertias=inertias, silhouettes=sil)
