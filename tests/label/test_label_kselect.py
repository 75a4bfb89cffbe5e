"""Choosing K: Kneedle on a clear elbow, explicit fallbacks when there is none."""

from __future__ import annotations

import numpy as np

from pacslabel.label.kselect import choose_k, k_candidates, second_difference_k, select_k


def test_clear_elbow_found_by_kneedle():
    ks = list(range(1, 11))
    inertia = [100, 40, 12, 10, 9, 8, 7, 6, 5, 4]
    k, rule = choose_k(ks, inertia, default_k=7)
    assert rule == "kneedle" and k == 3


def test_straight_line_falls_back_to_default():
    ks = list(range(2, 12))
    inertia = [100.0 - 5 * k for k in ks]
    k, rule = choose_k(ks, inertia, default_k=7)
    assert (k, rule) == (7, "default")


def test_second_difference_rule():
    ks = [2, 4, 6, 8]
    assert second_difference_k(ks, [10.0, 4.0, 3.0, 2.0]) == 4
    assert second_difference_k(ks, [10.0, 8.0, 6.0, 4.0]) is None
    assert second_difference_k([2, 3], [5.0, 1.0]) is None
    # with two points Kneedle cannot run and there is no second difference: the default, within the range
    assert choose_k([2, 3], [5.0, 1.0], default_k=9) == (3, "default")
    assert choose_k([2, 3], [5.0, 1.0], default_k=2) == (2, "default")


def test_single_candidate_is_taken_whatever_the_default():
    # a small sample caps the range to one K; the default (50) must not exceed what the sample allows
    assert choose_k([4], [3.0], default_k=50) == (4, "single_candidate")


def test_k_candidates_capped_by_sample_size():
    assert k_candidates(2, 20, 2, n=39 * 6) == [2, 4, 6]
    assert k_candidates(5, 80, 5, n=10) == [5]


def test_select_k_on_blobs():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 6)) * 4
    x = np.concatenate([c + 0.1 * rng.normal(size=(200, 6)) for c in centres]).astype(np.float32)
    sel = select_k(
        x, "auto", list(range(2, 11)), default_k=8, niter=20, seed=1, device="cpu", silhouette_sample=500
    )
    assert sel.rule == "kneedle" and sel.k in (4, 5, 6)  # Kneedle lands at or next to the true K
    assert len(sel.inertias) == 9 and sel.inertias[0] > sel.inertias[3]
    assert max(sel.silhouettes, key=sel.silhouettes.get) == 5
    assert select_k(x, 12, [], default_k=8).to_dict()["rule"] == "fixed"
