"""Assignment of instances to the nearest centroid: the array function and its batch wrapper.

The fusion-input batch has ``sop_instance_uid``, one ``emb_<source>`` column per source (a
``fixed_size_list<float32>`` or tensor column; null = source missing for that instance) and the
:data:`CONTEXT` columns. The output rows follow the ``labels/`` contract: sop_instance_uid, label (int32),
distance (float32, Euclidean distance to the assigned centroid in the fused space), split (train /
validation / test), method, run_id; optionally ``centroid_distances`` (float32 [K], Euclidean distance to
every centroid, in ``label_ids`` order of the model).
"""

from __future__ import annotations

import logging

import numpy as np
import pyarrow as pa

from pacslabel.label.arrow import column_to_matrix, matrix_to_tensor_array
from pacslabel.label.distance import pairwise_distances
from pacslabel.runroot import ACCESSION_KEY, SERIES_UID, STUDY_UID, UID
from pacslabel.splits import assign_splits, group_keys

log = logging.getLogger(__name__)

CONTEXT = ("modality", "region", "patient_key", STUDY_UID, SERIES_UID)
"""Columns of the fusion input beside the embeddings: the partition fields, the split keys and the series
(for pooling)."""


def emb_column(source: str) -> str:
    return f"emb_{source}"


def source_key(source: str) -> str:
    """The key column of a source's embeddings table."""
    return ACCESSION_KEY if source == "reports" else UID


def batch_parts(batch: pa.Table, sources: list[str], dims: dict[str, int]) -> tuple[dict, dict]:
    """Per-source matrices and presence masks of a fusion-input batch."""
    parts, present = {}, {}
    for s in sources:
        name = emb_column(s)
        if name in batch.column_names:
            parts[s], present[s] = column_to_matrix(batch.column(name), dims[s])
        else:
            parts[s] = np.zeros((batch.num_rows, dims[s]), np.float32)
            present[s] = np.zeros(batch.num_rows, bool)
    return parts, present


def batch_context(batch: pa.Table) -> dict[str, list]:
    """The context columns of a fusion-input batch (absent columns are all None)."""
    n = batch.num_rows
    return {c: batch.column(c).to_pylist() if c in batch.column_names else [None] * n for c in CONTEXT}


def split_of(context: dict[str, list], split: dict | None) -> np.ndarray:
    """Split name per row from the patient (else study) key; "unsplit" when the model has no split."""
    n = len(context["modality"])
    if not split:
        return np.full(n, "unsplit", dtype=object)
    keys = group_keys(context["patient_key"], context[STUDY_UID])
    return assign_splits(keys, split["seed"], split["fractions"])


def assign_batch(
    batch: pa.Table,
    model,
    run_id: str,
    store_all_distances: bool = False,
    index=None,
    method: str | None = None,
) -> pa.Table:
    """Fuse one batch with the model's fitted fusion and assign every row to the nearest centroid of its
    partition (label -1 where the instance's modality was never seen in training)."""

    n = batch.num_rows
    parts, present = batch_parts(batch, model.fusion.sources, model.fusion.dims_)
    context = batch_context(batch)
    if n:
        ids, dist, x = model.assign(parts, present, context, index)
    else:
        ids, dist = np.zeros(0, np.int32), np.zeros(0, np.float32)
        x = np.zeros((0, model.centroids.shape[1]), "f4")
    cols = {
        UID: batch.column(UID),
        "label": pa.array(ids, pa.int32()),
        "distance": pa.array(dist, pa.float32(), from_pandas=True),
        "split": pa.array(split_of(context, model.meta.get("split")).tolist(), pa.string()),
        "method": pa.array([method or model.method] * n, pa.string()),
        "run_id": pa.array([run_id] * n, pa.string()),
    }
    if store_all_distances:
        cols["centroid_distances"] = matrix_to_tensor_array(pairwise_distances(x, model.centroids))
    return pa.table(cols)
