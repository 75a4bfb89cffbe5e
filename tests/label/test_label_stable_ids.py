"""Stable label ids: Hungarian matching keeps ids under permutation; extra clusters get fresh ids."""

from __future__ import annotations

import numpy as np

from pacslabel.label.stable_ids import apply_mapping, match_centroids, match_labels


def test_permutation_keeps_ids():
    rng = np.random.default_rng(0)
    old = rng.normal(size=(6, 5)).astype(np.float32)
    perm = rng.permutation(6)
    new = old[perm] + 0.01 * rng.normal(size=(6, 5)).astype(np.float32)
    mapping = match_centroids(old, new)
    # new row j is old row perm[j]: it must carry that old id
    assert mapping == {j: int(perm[j]) for j in range(6)}
    ids = np.array([10, 11, 12, 13, 14, 15])
    assert apply_mapping(match_centroids(old, new, ids), 6).tolist() == ids[perm].tolist()


def test_more_new_clusters_get_fresh_ids_and_fewer_retire_ids():
    rng = np.random.default_rng(1)
    old = rng.normal(size=(3, 4)).astype(np.float32) * 5
    far = rng.normal(size=(2, 4)).astype(np.float32) * 5 + 100
    new = np.concatenate([old[[2, 0]], far, old[[1]]])
    mapping = match_centroids(old, new)
    assert mapping[0] == 2 and mapping[1] == 0 and mapping[4] == 1
    assert sorted([mapping[2], mapping[3]]) == [3, 4]
    fewer = match_centroids(old, old[[1]])
    assert fewer == {0: 1}
    capped = match_centroids(old, old[[1]] + 50, max_distance=1.0)
    assert capped == {0: 3}  # too far: a fresh id, old ids retired


def test_match_labels_from_co_assignment():
    old = np.array([5, 5, 5, 7, 7, 9, 9, 9])
    new = np.array([2, 2, 1, 0, 0, 1, 1, 1])
    mapping = match_labels(old, new, k_new=4)
    assert mapping[2] == 5 and mapping[0] == 7 and mapping[1] == 9 and mapping[3] == 10
