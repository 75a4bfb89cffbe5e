"""The fitted labelling model: fusion state + k-means centroids + label ids, saved under ``models/kmeans/``.

Files (all written atomically through :class:`~pacslabel.runroot.RunRoot`):

- ``centroids.npy``: float32 (K, D); row i is the centroid of label ``label_ids[i]``;
- ``fusion.npz``: per-source means, imputation fills and per-source centroids (cluster* fusions);
- ``train_distances.npy``: float32 distances of the training sample to its centroid (drift reference);
- ``meta.json``: K, dims, label_ids, sources, fusion params and fitted scalars, the partition of every
  centroid (``partition_by``, ``partitions``), readable ``label_names``, K selection per partition, device,
  run id, split, medoids, reference quantiles.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field

import numpy as np

from pacslabel.label.fusion import Fusion
from pacslabel.label.partition import UNASSIGNED, PartitionIndex, partition_keys, without_study_sources
from pacslabel.runroot import LABEL_MODEL, RunRoot, model_dir

log = logging.getLogger(__name__)

MODEL_DIR = model_dir(LABEL_MODEL)


def _npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


@dataclass
class LabelModel:
    """What an assignment worker needs: fusion state, centroids, label id and partition of each centroid."""

    fusion: Fusion
    centroids: np.ndarray
    label_ids: np.ndarray
    meta: dict = field(default_factory=dict)
    train_distances: np.ndarray | None = None
    partition_by: list[str] = field(default_factory=list)
    partitions: list[str] | None = None  # partition key of every centroid; None: one partition
    names: dict[int, str] = field(default_factory=dict)
    study_sources: list[str] = field(default_factory=list)  # left out where the region is known
    pool: str = "none"  # "series": instances are assigned with their series' mean embeddings

    def __post_init__(self) -> None:
        if self.partitions is None:
            self.partitions = ["ALL"] * self.k

    def index(self) -> PartitionIndex:
        """Nearest-centroid search restricted to each row's partition."""
        return PartitionIndex(self.centroids, self.partitions, self.partition_by)

    def fused(self, parts: dict, present: dict, columns: dict) -> tuple[np.ndarray, np.ndarray]:
        """(fused rows in the space of the centroids, partition keys) of instances given per-source parts
        and the partition fields in ``columns`` (e.g. ``{"modality": [...], "region": [...]}``)."""
        keys = partition_keys(columns, self.partition_by, len(next(iter(present.values()))))
        x = self.fusion.transform(parts, present)
        return without_study_sources(x, keys, self.partition_by, self.fusion, self.study_sources), keys

    def assign(self, parts: dict, present: dict, columns: dict, index: PartitionIndex | None = None):
        """(label id or UNASSIGNED, distance, fused rows) of instances (see :meth:`fused`)."""
        x, keys = self.fused(parts, present, columns)
        idx, dist = (index or self.index()).search(x, keys)
        ids = np.where(idx >= 0, np.asarray(self.label_ids, np.int32)[np.maximum(idx, 0)], UNASSIGNED)
        return ids.astype(np.int32), dist, x

    @property
    def k(self) -> int:
        return int(self.centroids.shape[0])

    @property
    def method(self) -> str:
        return f"kmeans-{self.fusion.method}"

    def save(self, rr: RunRoot, where: str = MODEL_DIR) -> None:
        meta = dict(self.meta)
        meta.update(
            {
                "k": self.k,
                "dims": int(self.centroids.shape[1]),
                "label_ids": [int(i) for i in self.label_ids],
                "partition_by": list(self.partition_by),
                "partitions": list(self.partitions),
                "study_sources": list(self.study_sources),
                "pool": self.pool,
                "label_names": {str(k): v for k, v in sorted(self.names.items())},
                "sources": list(self.fusion.sources),
                "fusion": self.fusion.params(),
                "fusion_state": self.fusion.state(),
                "method": self.method,
                "files": ["centroids.npy", "fusion.npz", "train_distances.npy", "meta.json"],
            }
        )
        rr.write_bytes(_npy_bytes(np.asarray(self.centroids, np.float32)), where, "centroids.npy")
        rr.write_bytes(self.fusion.to_npz(), where, "fusion.npz")
        td = self.train_distances if self.train_distances is not None else np.zeros(0, np.float32)
        rr.write_bytes(_npy_bytes(np.asarray(td, np.float32)), where, "train_distances.npy")
        rr.write_json(meta, where, "meta.json")  # last: its presence marks a complete model
        self.meta = meta

    @classmethod
    def load(cls, rr: RunRoot, where: str = MODEL_DIR) -> LabelModel:
        meta = json.loads(rr.read_text(where, "meta.json"))
        centroids = np.load(io.BytesIO(rr.read_bytes(where, "centroids.npy")))
        fusion = Fusion.from_saved(meta["fusion"], meta["fusion_state"], rr.read_bytes(where, "fusion.npz"))
        td = None
        if rr.exists(where, "train_distances.npy"):
            td = np.load(io.BytesIO(rr.read_bytes(where, "train_distances.npy")))
        return cls(
            fusion=fusion,
            centroids=centroids,
            label_ids=np.asarray(meta["label_ids"], np.int32),
            meta=meta,
            train_distances=td,
            partition_by=list(meta.get("partition_by", [])),
            partitions=meta.get("partitions"),
            study_sources=list(meta.get("study_sources", [])),
            pool=meta.get("pool", "none"),
            names={int(k): v for k, v in meta.get("label_names", {}).items()},
        )

    @staticmethod
    def exists(rr: RunRoot, where: str = MODEL_DIR) -> bool:
        return rr.exists(where, "meta.json")
