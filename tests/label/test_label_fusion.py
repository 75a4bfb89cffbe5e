"""Fusion math: hand-computed normalised concatenation, missing-source policies, clusterdists against a
brute-force loop, clusterprobs summing to one, save/load round trip."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.label.distance import pairwise_distances
from pacslabel.label.fusion import Fusion, l2_normalise, softmax_neg, source_weights


def test_normalised_concat_hand_computed():
    parts = {"images": np.array([[3.0, 4.0]], np.float32), "tags": np.array([[0.0, 2.0, 0.0]], np.float32)}
    present = {"images": np.array([True]), "tags": np.array([True])}
    f = Fusion(sources=["images", "tags"], method="embeddings", center=False).fit(parts, present)
    out = f.transform(parts, present)
    expected = np.array([[0.6, 0.8, 0.0, 1.0, 0.0]]) / np.sqrt(2.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert np.isclose(np.linalg.norm(out), 1.0)


def test_source_weights_normalised():
    w = source_weights(["a", "b"], {"a": 3.0, "b": 4.0})
    assert w == pytest.approx({"a": 0.6, "b": 0.8})
    assert source_weights(["a", "b", "c"])["a"] == pytest.approx(1 / np.sqrt(3))


def test_l2_normalise_keeps_zero_rows():
    out = l2_normalise(np.array([[0.0, 0.0], [0.0, 5.0]]))
    np.testing.assert_array_equal(out, [[0.0, 0.0], [0.0, 1.0]])


def _toy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    parts = {
        "images": rng.normal(size=(n, 6)).astype(np.float32),
        "reports": rng.normal(size=(n, 4)).astype("f4"),
    }
    present = {"images": np.ones(n, bool), "reports": rng.random(n) > 0.3}
    parts["reports"][~present["reports"]] = 0.0
    return parts, present


def test_missing_mean_policy_is_zero_block_after_centring():
    parts, present = _toy()
    f = Fusion(sources=["images", "reports"], missing="mean", center=True).fit(parts, present)
    out = f.transform(parts, present)
    miss = ~present["reports"]
    block = out[:, 6:]
    # the fill is the mean of the normalised present rows: the same vector for every missing row
    np.testing.assert_allclose(
        block[miss], np.tile(f.fill_["reports"] * f.weights_["reports"], (miss.sum(), 1)), rtol=1e-6
    )
    assert out.shape == (60, 10)


def test_missing_zeros_policy_adds_indicators():
    parts, present = _toy()
    f = Fusion(sources=["images", "reports"], missing="zeros").fit(parts, present)
    out = f.transform(parts, present)
    assert out.shape == (60, 6 + 4 + 2)
    miss = ~present["reports"]
    w = f.weights_["reports"]
    np.testing.assert_array_equal(out[miss, 6:10], 0.0)
    np.testing.assert_allclose(out[:, 11], np.where(miss, w, 0.0))
    np.testing.assert_array_equal(out[:, 10], 0.0)  # images never missing


def test_softmax_hand_computed_and_rows_sum_to_one():
    p = softmax_neg(np.array([[0.0, np.log(2.0)]]), temperature=1.0)
    np.testing.assert_allclose(p, [[2 / 3, 1 / 3]], rtol=1e-6)
    d = np.random.default_rng(1).random((20, 7)) * 3
    q = softmax_neg(d, temperature=0.1)
    np.testing.assert_allclose(q.sum(axis=1), 1.0, rtol=1e-5)
    assert (np.argmax(q, axis=1) == np.argmin(d, axis=1)).all()


def test_clusterdists_matches_brute_force():
    parts, present = _toy(n=120)
    f = Fusion(sources=["images", "reports"], method="clusterdists", source_k=3, seed=0).fit(parts, present)
    out = f.transform(parts, present)
    assert out.shape == (120, 6)
    col = 0
    for s in ["images", "reports"]:
        x = parts[s].astype(np.float64)
        e = x - f.means_[s]
        e = e / np.linalg.norm(e, axis=1, keepdims=True)
        e[~present[s]] = f.fill_[s]
        c = f.centroids_[s]
        brute = np.array([[np.linalg.norm(e[i] - c[j]) for j in range(len(c))] for i in range(len(e))])
        scaled = np.clip((brute - f.dmin_[s]) / (f.dmax_[s] - f.dmin_[s]), 0, 1)
        np.testing.assert_allclose(out[:, col : col + 3], scaled * f.weights_[s], atol=2e-5)
        col += 3
    assert out.min() >= 0 and out.max() <= 1


def test_clusterprobs_blocks_sum_to_source_weight():
    parts, present = _toy(n=120)
    f = Fusion(sources=["images", "reports"], method="clusterprobs", source_k=4, temperature=0.5).fit(
        parts, present
    )
    out = f.transform(parts, present)
    np.testing.assert_allclose(out[:, :4].sum(1), f.weights_["images"], rtol=1e-5)
    np.testing.assert_allclose(out[:, 4:].sum(1), f.weights_["reports"], rtol=1e-5)
    # probabilities are the softmax of the distances to the per-source centroids
    e = l2_normalise(parts["images"] - f.means_["images"])
    ref = softmax_neg(pairwise_distances(e, f.centroids_["images"]), 0.5)
    np.testing.assert_allclose(out[:, :4], ref * f.weights_["images"], rtol=1e-5, atol=1e-7)


def test_save_load_round_trip():
    parts, present = _toy(n=100)
    f = Fusion(sources=["images", "reports"], method="clusterprobs", source_k=3).fit(parts, present)
    g = Fusion.from_saved(f.params(), f.state(), f.to_npz())
    np.testing.assert_array_equal(f.transform(parts, present), g.transform(parts, present))


def test_bad_method_rejected():
    with pytest.raises(ValueError, match="fusion"):
        Fusion(sources=["images"], method="average")
