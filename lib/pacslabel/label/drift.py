"""Drift of new data against the training data, from distances to the assigned centroid.

Inputs are the training sample's distances (saved with the model as ``train_distances.npy``) and the new
instances' distances (the ``distance`` column of their label rows). The report gives quantiles of both, the
two-sample Kolmogorov-Smirnov statistic, and the fraction of new distances beyond the training p99 (about
0.01 when nothing changed); ``retrain_recommended`` is True when that fraction exceeds
``max_frac_beyond_p99`` or the KS statistic exceeds ``max_ks``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUANTILES = (0.5, 0.9, 0.95, 0.99)


@dataclass
class DriftConfig:
    """Thresholds for recommending a retrain."""

    max_frac_beyond_p99: float = 0.05
    max_ks: float = 0.2
    min_new: int = 50  # fewer new distances than this: report, never recommend


def quantiles(d: np.ndarray, qs: tuple[float, ...] = QUANTILES) -> dict[str, float]:
    d = np.asarray(d, np.float64)
    if d.size == 0:
        return {f"p{round(q * 100)}": float("nan") for q in qs}
    return {f"p{round(q * 100)}": float(v) for q, v in zip(qs, np.quantile(d, qs), strict=True)}


def distance_drift(train: np.ndarray, new: np.ndarray, cfg: DriftConfig | None = None) -> dict:
    """Compare two distance distributions; JSON-able dict with ``retrain_recommended`` and its reasons."""
    from scipy.stats import ks_2samp

    cfg = cfg or DriftConfig()
    train = np.asarray(train, np.float64).ravel()
    new = np.asarray(new, np.float64).ravel()
    if train.size == 0:
        raise ValueError("no training distances to compare against")
    p99 = float(np.quantile(train, 0.99))
    out = {
        "n_train": int(train.size),
        "n_new": int(new.size),
        "train": quantiles(train),
        "new": quantiles(new),
        "train_p99": p99,
    }
    if new.size == 0:
        out.update(
            ks_statistic=float("nan"),
            ks_pvalue=float("nan"),
            frac_beyond_train_p99=float("nan"),
            retrain_recommended=False,
            reasons=["no new distances"],
        )
        return out
    ks = ks_2samp(train, new)
    frac = float(np.mean(new > p99))
    reasons = []
    if new.size >= cfg.min_new:
        if frac > cfg.max_frac_beyond_p99:
            reasons.append(
                f"{frac:.3f} of new distances beyond the training p99 (> {cfg.max_frac_beyond_p99})"
            )
        if ks.statistic > cfg.max_ks:
            reasons.append(f"KS statistic {ks.statistic:.3f} > {cfg.max_ks}")
    else:
        reasons.append(f"only {new.size} new distances (< min_new={cfg.min_new}); no recommendation")
    out.update(
        ks_statistic=float(ks.statistic),
        ks_pvalue=float(ks.pvalue),
        frac_beyond_train_p99=frac,
        thresholds={
            "max_frac_beyond_p99": cfg.max_frac_beyond_p99,
            "max_ks": cfg.max_ks,
            "min_new": cfg.min_new,
        },
        retrain_recommended=bool(
            new.size >= cfg.min_new and any("beyond" in r or "KS" in r for r in reasons)
        ),
        reasons=reasons,
    )
    return out
