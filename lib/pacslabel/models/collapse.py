"""Cluster-collapse guard: cluster sizes, empty clusters, size entropy, a largest-cluster alarm."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger(__name__)


def cluster_health(sizes: np.ndarray, max_fraction: float = 0.9) -> dict:
    """Summary of hard-label cluster sizes; ``collapsed`` when one cluster holds > ``max_fraction``
    of the rows or fewer than two clusters are non-empty."""
    sizes = np.asarray(sizes, dtype=np.int64)
    total = int(sizes.sum())
    k = sizes.size
    frac = sizes / total if total else np.zeros(k)
    nz = frac[frac > 0]
    entropy = float(-(nz * np.log(nz)).sum())
    report = {
        "sizes": sizes.tolist(),
        "n_empty": int((sizes == 0).sum()),
        "largest_fraction": float(frac.max()) if total else 0.0,
        "entropy_ratio": entropy / float(np.log(k)) if k > 1 else 0.0,
    }
    report["collapsed"] = bool(total and (report["largest_fraction"] > max_fraction or nz.size < 2))
    return report


@dataclass
class CollapseGuard:
    """Records a cluster-size report per P update and logs a warning on collapse or empty clusters."""

    max_fraction: float = 0.9
    history: list = field(default_factory=list)

    def check(self, sizes: np.ndarray, step: int | None = None) -> dict:
        report = cluster_health(sizes, self.max_fraction)
        report["step"] = step
        self.history.append(report)
        if report["collapsed"]:
            log.warning(
                "cluster collapse at step %s: largest cluster %.1f%% of rows, sizes %s",
                step,
                100 * report["largest_fraction"],
                report["sizes"],
            )
        elif report["n_empty"]:
            log.warning("%d empty clusters at step %s", report["n_empty"], step)
        else:
            log.info("cluster sizes at step %s: %s", step, report["sizes"])
        return report

    @property
    def collapsed(self) -> bool:
        return bool(self.history and self.history[-1]["collapsed"])
