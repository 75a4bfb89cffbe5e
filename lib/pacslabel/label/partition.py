"""Hard partitions of the label space: every label belongs to one modality (and, optionally, one region).

An instance's partition key is built from its DICOM Modality tag and the region the tags stage
reconstructed (``"MR|KNEE"``; a missing value is ``"?"``). Centroids are fitted inside each partition, and
an instance is only ever assigned to a centroid of its own partition, so no label can mix modalities.
An instance whose region partition was not seen in training falls back to the centroids of its modality;
one whose modality was not seen gets :data:`UNASSIGNED` (a retraining is then recommended).
"""

from __future__ import annotations

import numpy as np

from pacslabel.label.distance import flat_index, nearest_centroid
from pacslabel.vocab import code_value

PARTITION_FIELDS = ("modality", "region")
MISSING = "?"
UNASSIGNED = -1


def _norm(value) -> str:
    return code_value(value) or MISSING


def partition_keys(columns: dict[str, np.ndarray | list], by: list[str], n: int) -> np.ndarray:
    """Partition key per row from the ``by`` fields (``"ALL"`` when ``by`` is empty)."""
    if not by:
        return np.full(n, "ALL", dtype=object)
    fields = [[_norm(v) for v in columns.get(f, [None] * n)] for f in by]
    return np.asarray(["|".join(vals) for vals in zip(*fields, strict=True)], dtype=object)


def modality_of(key: str) -> str:
    """The first field of a key (the modality when partitions start with it)."""
    return key.split("|", 1)[0]


def without_study_sources(
    x: np.ndarray, keys: np.ndarray, by: list[str], fusion, study_sources
) -> np.ndarray:
    """``x`` with the blocks of study-level sources (reports) zeroed in rows whose region is known.

    A report describes a whole study, so inside one modality and region it can only tell studies apart,
    not the series of a study that look different; where the region is unknown it still helps place the
    instance. ``fusion`` gives the block layout (sources in order, ``block_dims``)."""
    drop = [s for s in study_sources if s in fusion.sources]
    if not drop or "region" not in by or not len(x):
        return x
    at = by.index("region")
    known = np.asarray([str(k).split("|")[at] != MISSING for k in keys])
    if not known.any():
        return x
    x = x.copy()
    start = 0
    for s, d in fusion.block_dims().items():
        if s in drop:
            x[known, start : start + d] = 0.0
        start += d
    return x


class PartitionIndex:
    """Nearest centroid within each row's partition (exact, FAISS flat indexes built once)."""

    def __init__(self, centroids: np.ndarray, partitions: list[str], by: list[str]):

        self.centroids = np.ascontiguousarray(centroids, dtype=np.float32)
        self.partitions = np.asarray(partitions, dtype=object)
        self.by = list(by)
        self._members: dict[str, np.ndarray] = {}
        for key in dict.fromkeys(self.partitions):
            self._members[key] = np.flatnonzero(self.partitions == key)
        if self.by and self.by[0] == "modality" and len(self.by) > 1:
            mods = np.asarray([modality_of(k) for k in self.partitions], dtype=object)
            for m in dict.fromkeys(mods):
                self._members.setdefault(f"{m}|*", np.flatnonzero(mods == m))
        self._index = {key: flat_index(self.centroids[rows]) for key, rows in self._members.items()}

    def _route(self, key: str) -> str | None:
        if key in self._members:
            return key
        if not self.by:
            return "ALL" if "ALL" in self._members else None
        fallback = f"{modality_of(key)}|*"
        return fallback if fallback in self._members else None

    def search(self, x: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(centroid row or UNASSIGNED, Euclidean distance or NaN) per row of ``x``."""

        n = len(x)
        idx = np.full(n, UNASSIGNED, np.int32)
        dist = np.full(n, np.nan, np.float32)
        keys = np.asarray(keys, dtype=object)
        for key in dict.fromkeys(keys):
            rows = np.flatnonzero(keys == key)
            route = self._route(key)
            if route is None:
                continue
            local, d = nearest_centroid(x[rows], None, self._index[route])
            idx[rows] = self._members[route][local]
            dist[rows] = d
        return idx, dist
