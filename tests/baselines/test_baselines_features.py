"""HOG / LBP / PCA descriptors: dimensions, hand-checkable values, equality with scikit-image."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.baselines import (
    fit_pca,
    hog_features,
    hog_features_reference,
    hog_output_dim,
    lbp_codes,
    lbp_features,
    lbp_features_reference,
    lbp_output_dim,
    pca_features,
)


def _images(n: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    imgs = rng.integers(0, 256, size=(n, h, w), dtype=np.uint8)
    imgs[0] = 9  # flat
    if n > 1:  # smooth ramp with flat and tied neighbourhoods
        imgs[1] = (np.add.outer(np.arange(h) // 3, np.arange(w) // 5) * 7 % 256).astype(np.uint8)
    return imgs


@pytest.mark.parametrize(("size", "dim"), [(256, 31 * 31 * 2 * 2 * 9), (64, 7 * 7 * 2 * 2 * 9)])
def test_hog_dimension_matches_hand_count(size, dim):
    # 8x8-pixel cells -> size/8 cells per side; 2x2-cell blocks slide by one cell -> size/8 - 1 blocks
    feats = hog_features(_images(2, size, size))
    assert feats.shape == (2, dim) and feats.dtype == np.float32
    assert hog_output_dim(size, size) == dim


@pytest.mark.parametrize(("size", "dim"), [(256, 16 * 16 * 10), (64, 4 * 4 * 10)])
def test_lbp_dimension_matches_hand_count(size, dim):
    feats = lbp_features(_images(2, size, size))
    assert feats.shape == (2, dim) and feats.dtype == np.float32
    assert lbp_output_dim(size, size) == dim
    assert lbp_output_dim(size, size, method="default") == (size // 16) ** 2 * 256


def test_hog_of_constant_image_is_zero():
    imgs = np.full((3, 64, 64), 77, dtype=np.uint8)
    imgs[1] = 0
    imgs[2] = 255
    assert not hog_features(imgs).any()


def test_hog_equals_skimage_per_image():
    imgs = _images(3, 72, 90)
    for kwargs in (
        {},
        {"orientations": 7, "pixels_per_cell": (7, 9), "cells_per_block": (3, 2), "block_norm": "L1"},
        {"transform_sqrt": True, "block_norm": "L2"},
    ):
        fast = hog_features(imgs, batch_size=2, **kwargs)
        slow = hog_features_reference(imgs, **kwargs)
        np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=1e-6)
    # float input takes the generic (non-table) path and must agree with the uint8 path
    np.testing.assert_allclose(
        hog_features(imgs.astype(np.float64)), hog_features(imgs), rtol=1e-6, atol=1e-7
    )


def test_hog_single_vertical_edge_votes_in_horizontal_bin():
    img = np.zeros((32, 32), dtype=np.uint8)
    img[:, 16:] = 200  # gradient along columns only: orientation 0 deg -> bin 0
    feats = hog_features(img, pixels_per_cell=(8, 8), cells_per_block=(1, 1), block_norm="L1").reshape(
        4, 4, 9
    )
    assert np.all(feats[:, :, 1:] == 0)
    assert np.all(feats[:, 1:3, 0] > 0.99)  # the two cell columns touching the edge (cols 15, 16)
    assert np.all(feats[:, [0, 3], 0] == 0)


@pytest.mark.parametrize("method", ["uniform", "default"])
def test_lbp_codes_equal_skimage(method):
    from skimage.feature import local_binary_pattern

    imgs = _images(3, 40, 37, seed=3)
    for radius, points in ((1, 8), (2, 12), (1.5, 8)):
        ours = lbp_codes(imgs, radius=radius, points=points, method=method)
        ref = np.stack([local_binary_pattern(im, points, radius, method=method) for im in imgs])
        np.testing.assert_array_equal(ours, ref)


def test_lbp_histograms_count_cell_pixels_and_match_reference():
    imgs = _images(3, 64, 80, seed=5)
    feats = lbp_features(imgs, batch_size=2)
    np.testing.assert_array_equal(feats, lbp_features_reference(imgs))
    per_cell = feats.reshape(3, (64 // 16) * (80 // 16), 10)
    np.testing.assert_array_equal(per_cell.sum(axis=2), 16 * 16)
    np.testing.assert_array_equal(feats.sum(axis=1), 64 * 80)
    normed = lbp_features(imgs, normalize=True).reshape(3, -1, 10)
    np.testing.assert_allclose(normed.sum(axis=2), 1.0, rtol=1e-6)


def test_lbp_hand_computed_codes():
    # flat image: every in-image neighbour equals the centre (bit set), outside is 0 (bit clear)
    flat = np.full((1, 5, 5), 50, dtype=np.uint8)
    codes = lbp_codes(flat, method="default")[0]
    assert codes[2, 2] == 255  # all 8 neighbours >= centre
    # top-left corner: only neighbours 0 (right), 6 (below) and 7 (below-right) are in the image
    assert codes[0, 0] == (1 << 0) | (1 << 6) | (1 << 7)
    uni = lbp_codes(flat, method="uniform")[0]
    assert uni[2, 2] == 8  # uniform pattern with 8 ones
    assert uni[0, 0] == 3  # 11000001 read circularly: uniform, 3 ones
    # a lone bright pixel: all neighbours darker -> code 0; its neighbours see one brighter point
    spot = np.zeros((1, 5, 5), dtype=np.uint8)
    spot[0, 2, 2] = 100
    assert lbp_codes(spot, method="default")[0, 2, 2] == 0


def test_pca_orders_variance_and_reconstructs_low_rank_data():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(5, 16 * 16))
    coeff = rng.normal(size=(200, 5)) * np.array([10.0, 6.0, 3.0, 1.5, 0.5])
    imgs = np.clip(128 + coeff @ basis, 0, 255).astype(np.uint8).reshape(200, 16, 16)
    feats = pca_features(imgs, n_components=8, seed=0)
    assert feats.shape == (200, 8) and feats.dtype == np.float32
    var = feats.var(axis=0)
    assert np.all(np.diff(var) <= 1e-6)  # non-increasing variance along components
    pca = fit_pca(imgs, n_components=8, seed=0)
    assert np.all(np.diff(pca.explained_variance_) <= 0)
    assert pca.explained_variance_ratio_[:5].sum() > 0.97  # five true directions carry (almost) all of it
    np.testing.assert_allclose(np.abs(np.corrcoef(feats.T)[np.triu_indices(8, 1)]), 0, atol=1e-3)
