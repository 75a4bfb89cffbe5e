"""Stable label ids across retraining: match new centroids (or new labels) to old ones (Hungarian).

A mapping ``{new_index: label_id}``: matched new clusters take the id of their old partner, unmatched new
clusters (when the new K is larger, or the match is farther than ``max_distance``) get fresh ids above every
old id; old ids without a partner are retired, never reused.
"""

from __future__ import annotations

import logging

import numpy as np

from pacslabel.label.distance import pairwise_distances

log = logging.getLogger(__name__)


def _mapping_from_pairs(
    rows: np.ndarray, cols: np.ndarray, k_new: int, old_ids: np.ndarray, keep: np.ndarray
) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for r, c, ok in zip(rows, cols, keep, strict=True):
        if ok:
            mapping[int(c)] = int(old_ids[r])
    nxt = int(old_ids.max()) + 1 if len(old_ids) else 0
    for j in range(k_new):
        if j not in mapping:
            mapping[j] = nxt
            nxt += 1
    return dict(sorted(mapping.items()))


def match_centroids(
    old: np.ndarray,
    new: np.ndarray,
    old_ids: np.ndarray | list[int] | None = None,
    max_distance: float | None = None,
) -> dict[int, int]:
    """Map each new centroid index to a label id, minimising the total old-new centroid distance.

    ``old`` (K_old, D) and ``new`` (K_new, D) must live in the same space; ``old_ids`` are the label ids of
    the old rows (default ``0..K_old-1``).
    """
    from scipy.optimize import linear_sum_assignment

    old = np.asarray(old, np.float32)
    new = np.asarray(new, np.float32)
    if old.shape[1] != new.shape[1]:
        raise ValueError(f"centroid dimensions differ: old {old.shape}, new {new.shape}")
    ids = np.arange(len(old)) if old_ids is None else np.asarray(old_ids, dtype=np.int64)
    cost = pairwise_distances(old, new).astype(np.float64)
    rows, cols = linear_sum_assignment(cost)
    keep = np.ones(len(rows), bool) if max_distance is None else cost[rows, cols] <= max_distance
    mapping = _mapping_from_pairs(rows, cols, len(new), ids, keep)
    log.info("matched %d of %d new centroids to old ids (%d old)", int(keep.sum()), len(new), len(old))
    return mapping


def match_labels(
    old_labels: np.ndarray, new_index: np.ndarray, k_new: int, min_overlap: int = 1
) -> dict[int, int]:
    """Same mapping from co-assignments: the same rows labelled by the old model (label ids) and by the new
    one (centroid indices); maximises the number of rows that keep their id. For fused spaces that changed
    (e.g. refitted per-source centroids) where centroid distances are meaningless."""
    from scipy.optimize import linear_sum_assignment

    old_labels = np.asarray(old_labels, np.int64)
    new_index = np.asarray(new_index, np.int64)
    ids, old_pos = np.unique(old_labels, return_inverse=True)
    table = np.zeros((len(ids), k_new), np.int64)
    np.add.at(table, (old_pos, new_index), 1)
    rows, cols = linear_sum_assignment(-table)
    keep = table[rows, cols] >= min_overlap
    return _mapping_from_pairs(rows, cols, k_new, ids, keep)


def apply_mapping(mapping: dict[int, int], k_new: int) -> np.ndarray:
    """``label_ids`` array (int32, length K_new) from a mapping."""
    return np.asarray([mapping[j] for j in range(k_new)], dtype=np.int32)
