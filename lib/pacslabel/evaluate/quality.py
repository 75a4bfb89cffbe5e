"""Label quality on a set of rows: scores against the tags and the truth, modality purity, and the
model-free baselines scored the same way on the same rows.

The baselines are groupings that need no model: the Modality tag × the reconstructed region (rows
without a region form an "unknown" group per modality), and that grouping split further by the first
two words of the normalised SeriesDescription (an empty description is a group of its own).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pacslabel.evaluate.frame import InstanceFrame
from pacslabel.metrics import agreement, label_scores, purity
from pacslabel.splits import SPLITS

FINE_PARTS = ("truth_modality", "truth_region", "truth_appearance")


@dataclass
class Reference:
    """Classes the groupings are scored against (codes, -1 where missing) and the rows it covers."""

    name: str
    rows: np.ndarray
    modality: np.ndarray
    region: np.ndarray
    region_source: str
    fine: np.ndarray | None = None  # modality × region × appearance; -1 where any part is missing


def joint_codes(frame: InstanceFrame, names: tuple[str, ...]) -> np.ndarray:
    """One int64 code per row for the tuple of the named codes; a missing code is a value of its own."""
    out = np.zeros(frame.n, dtype=np.int64)
    for name in names:
        out = out * (len(frame.books[name]) + 1) + frame.codes[name] + 1
    return out


def references(frame: InstanceFrame) -> list[Reference]:
    """The DICOM tags (Modality tag, reconstructed region) and the synthetic truth, where present."""
    refs = []
    if frame.has("modality"):
        mod = frame.codes["modality"]
        refs.append(Reference("tags", mod >= 0, mod, frame.codes["region"], frame.region_source))
    if frame.has("has_truth"):
        fine = None
        if frame.has("truth_appearance"):
            known = np.logical_and.reduce([frame.codes[p] >= 0 for p in FINE_PARTS])
            fine = np.where(known, joint_codes(frame, FINE_PARTS), -1)
        rows = frame.codes["has_truth"] >= 0
        refs.append(
            Reference(
                "truth", rows, frame.codes["truth_modality"], frame.codes["truth_region"], "truth", fine
            )
        )
    return refs


def baseline_partitions(frame: InstanceFrame) -> dict[str, np.ndarray]:
    """Model-free groupings of every row (none without the Modality tag)."""
    if not frame.has("modality"):
        return {}
    out = {"modality_region": joint_codes(frame, ("modality", "region"))}
    if frame.has("series_words"):
        out["modality_region_series"] = joint_codes(frame, ("modality", "region", "series_words"))
    return out


def n_distinct(codes: np.ndarray) -> int:
    """Number of distinct codes (hashed, not sorted)."""
    return len(pd.unique(codes))


def fine_scores(groups: np.ndarray, fine: np.ndarray) -> dict:
    """NMI and homogeneity against the joint modality × region × appearance class."""
    ok = fine >= 0
    if not ok.any():
        return {"nmi_fine": float("nan"), "hs_fine": float("nan"), "n_fine_classes": 0}
    nmi_fine, hs_fine = agreement(fine[ok], groups[ok])
    return {"nmi_fine": nmi_fine, "hs_fine": hs_fine, "n_fine_classes": n_distinct(fine[ok])}


def partition_scores(groups: np.ndarray, ref: Reference, rows: np.ndarray) -> dict | None:
    """Scores of a grouping on the ``rows`` the reference covers; None when it covers none of them."""
    sel = rows & ref.rows
    if not sel.any():
        return None
    g = groups[sel]
    region = np.where(ref.region[sel] >= 0, ref.region[sel], np.nan)
    out = label_scores(g, ref.modality[sel], region)
    out["n"] = int(sel.sum())
    out["n_groups"] = n_distinct(g)
    if ref.fine is not None:
        out.update(fine_scores(g, ref.fine[sel]))
    return out


def modality_purity(
    lab: np.ndarray, raw: np.ndarray, ref: Reference, rows: np.ndarray, threshold: float
) -> dict | None:
    """Per label the share of its largest modality: the minimum, and the labels below ``threshold``."""
    sel = rows & ref.rows & (ref.modality >= 0)
    if not sel.any():
        return None
    ids, share = purity(ref.modality[sel], lab[sel])
    order = np.argsort(share, kind="stable")
    below = order[share[order] < threshold]
    return {
        "hs_modality": agreement(ref.modality[sel], lab[sel])[1],
        "min_purity": float(share.min()),
        "threshold": threshold,
        "n_labels": int(ids.size),
        "n_below": int(below.size),
        "below": {str(int(raw[ids[i]])): float(share[i]) for i in below},
    }


@dataclass
class Quality:
    """Scores any set of frame rows: dense labels, their raw ids, references and baselines."""

    lab: np.ndarray
    raw: np.ndarray
    refs: list[Reference]
    partitions: dict[str, np.ndarray]
    threshold: float

    @classmethod
    def of(cls, frame: InstanceFrame, lab: np.ndarray, raw: np.ndarray, threshold: float) -> Quality:
        return cls(lab, raw, references(frame), baseline_partitions(frame), threshold)

    def block(self, rows: np.ndarray) -> dict:
        """Scores and purity per reference; baselines per grouping (labels first) and reference."""
        scores, pure = {}, {}
        for ref in self.refs:
            s = partition_scores(self.lab, ref, rows)
            if s is None:
                continue
            scores[ref.name] = {
                **s,
                "region_source": ref.region_source,
                "coverage": float(ref.rows[rows].mean()),
            }
            p = modality_purity(self.lab, self.raw, ref, rows, self.threshold)
            if p is not None:
                pure[ref.name] = p
        baselines = {}
        if self.partitions:
            baselines["labels"] = dict(scores)
            for name, groups in self.partitions.items():
                per_ref = {ref.name: partition_scores(groups, ref, rows) for ref in self.refs}
                baselines[name] = {k: v for k, v in per_ref.items() if v is not None}
        return {"scores": scores, "purity": pure, "baselines": baselines}


def split_rows(frame: InstanceFrame) -> dict[str, np.ndarray]:
    """Rows of every split named in labels/, train / validation / test first; empty without splits."""
    if not frame.has("split"):
        return {}
    codes = frame.codes["split"]
    names = [v for i, v in enumerate(frame.books["split"].values) if (codes == i).any()]
    names.sort(key=lambda v: (SPLITS.index(v) if v in SPLITS else len(SPLITS), v))
    return {name: codes == frame.books["split"].values.index(name) for name in names}


def headline(scores: dict) -> float | None:
    """The harmonic score against the truth when scored, else against the tags."""
    for ref in ("truth", "tags"):
        if ref in scores:
            return scores[ref]["score"]
    return None
