"""The export array function: window chain, inversion, policies, resize and padding (hand-computed)."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.ingest import ExportConfig, PolicyReject, export_image
from pacslabel.ingest.export import choose_window, first_valid_window, foreground, value_policy


def cfg(**kw):
    base = dict(size=8, min_bits=1, min_occupancy=0.0)
    base.update(kw)
    return ExportConfig(**base)


def test_window_tags_hand_computed():
    # stored 0, 100, 200, 300 -> HU -100, 0, 100, 200 with intercept -100; window c=100 w=200 -> 0..200
    a = np.array([[0, 100, 200, 300]] * 8, np.uint16).repeat(2, axis=1)  # 8x8
    img, info = export_image(
        a, {"rescale_intercept": -100.0, "window_center": 100, "window_width": 200}, cfg()
    )
    assert info["window_source"] == "window_tags"
    assert (info["window_center"], info["window_width"]) == (100.0, 200.0)
    # (x - 0) / 200 * 255: -100 -> 0 (clipped), 0 -> 0, 100 -> 127.5 -> 128, 200 -> 255
    assert img[0].tolist() == [0, 0, 0, 0, 128, 128, 255, 255]
    assert img.dtype == np.uint8 and img.shape == (8, 8)
    assert info["inverted"] is False


def test_rescale_slope_and_multivalued_window_first_valid_pair():
    a = np.full((8, 8), 10, np.int16)
    a[:, 4:] = 30
    meta = {
        "rescale_slope": 2.0,
        "rescale_intercept": 0.0,
        "window_center": ["nan", 40, 0],
        "window_width": [80, 0.5],
    }
    # pairs: (nan, 80) invalid, (40, 0.5) width < 1 invalid, (0, -) unpaired -> no valid top-level pair
    meta["frame_window_center"] = 40.0
    meta["frame_window_width"] = 40.0
    img, info = export_image(a, meta, cfg())
    assert info["window_source"] == "frame_voi"
    # 2 * 10 = 20 -> (20 - 20) / 40 * 255 = 0 ; 60 -> 255
    assert img[0].tolist() == [0, 0, 0, 0, 255, 255, 255, 255]


def test_first_valid_window_rules():
    assert first_valid_window("40\\400", "0\\350") == (400.0, 350.0)
    assert first_valid_window([40, 50], [400]) == (40.0, 400.0)
    assert first_valid_window(None, None) is None
    assert first_valid_window([1], ["x"]) is None


def test_monochrome1_inverted_after_windowing_and_inverse_shape_cancels():
    a = np.tile(np.array([0, 0, 100, 100, 200, 200, 200, 200], np.uint16), (8, 1))
    meta = {"window_center": 100, "window_width": 200, "photometric_interpretation": "MONOCHROME1"}
    img, info = export_image(a, meta, cfg())
    assert info["inverted"] is True
    assert img[0].tolist() == [255, 255, 128, 128, 0, 0, 0, 0]  # 255 - [0, 127.5, 255], then rounded
    meta["presentation_lut_shape"] = "INVERSE"
    img2, info2 = export_image(a, meta, cfg())
    assert info2["inverted"] is False
    assert img2[0].tolist() == [0, 0, 128, 128, 255, 255, 255, 255]


def test_percentile_fallback_ignores_dominant_background():
    rng = np.random.default_rng(0)
    x = np.full((100, 100), -2000.0, np.float32)  # 60 % air outside the field of view
    x[:40] = rng.uniform(0, 1000, size=(40, 100))
    c = cfg(percentile_low=0.0, percentile_high=100.0)
    center, width, source = choose_window(x, {}, c)
    assert source == "percentile"
    fg = x[:40]
    assert center == pytest.approx((fg.min() + fg.max()) / 2, rel=1e-5)
    assert width == pytest.approx(fg.max() - fg.min(), rel=1e-5)
    assert foreground(x, 0.2, 10**6).size == 4000


def test_minmax_fallback_and_constant_reject():
    x = np.zeros((10, 10), np.float32)
    x[0, 0] = 5.0  # 99 % zeros are background; the foreground is one value -> percentile degenerate
    c = cfg()
    with pytest.raises(PolicyReject) as err:
        choose_window(np.full((4, 4), 7.0, np.float32), {}, c)
    assert err.value.reason == "value_policy"
    x = np.concatenate([np.zeros(50), np.full(49, 3.0), [9.0]]).reshape(10, 10).astype(np.float32)
    center, width, source = choose_window(x, {}, cfg(percentile_low=40.0, percentile_high=45.0))
    assert source == "minmax" and (center, width) == (6.0, 6.0)  # zeros (50 %) are background


def test_strict_window_rejects_missing_window():
    with pytest.raises(PolicyReject) as err:
        export_image(np.arange(64).reshape(8, 8), {}, cfg(strict_window=True))
    assert err.value.reason == "missing_window"


def test_value_policy_thresholds():
    c = ExportConfig()
    assert value_policy(np.zeros((4, 4), np.uint8), c)[1].startswith("black")
    assert "near-black" in value_policy(np.full((4, 4), 63, np.uint8), c)[1]
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16)
    ratio, failure = value_policy(ramp, c)
    assert failure is None and ratio == 1.0
    two_levels = np.where(ramp > 128, 255, 0).astype(np.uint8)
    ratio, failure = value_policy(two_levels, c)
    assert ratio == pytest.approx(2 / 255) and "grey levels" in failure


def test_shape_policy_uses_rows_and_columns_not_samples():
    with pytest.raises(PolicyReject) as err:
        export_image(np.arange(200).reshape(2, 100), {}, cfg())
    assert err.value.reason == "shape_policy"
    rgb = np.random.default_rng(1).integers(0, 255, (8, 8, 3)).astype(np.uint8)
    img, info = export_image(rgb, {"photometric_interpretation": "RGB"}, cfg())  # (H, W, 3) is not "3 wide"
    assert img.shape == (8, 8) and info["orig_rows"] == 8


def test_colour_to_luma_and_ybr_y_plane():
    from pacslabel.ingest.export import to_gray

    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 0] = 100
    assert to_gray(rgb, "RGB")[0, 0] == pytest.approx(29.9, rel=1e-4)
    ybr = np.zeros((2, 2, 3), np.uint8)
    ybr[..., 0] = 77
    assert to_gray(ybr, "YBR_FULL_422")[0, 0] == 77


def test_resize_keeps_aspect_and_pads_black():
    a = np.tile(np.linspace(0, 1000, 64, dtype=np.float32), (32, 1))  # 32 x 64, landscape
    img, info = export_image(a, {"window_center": 500, "window_width": 1000}, ExportConfig(size=16))
    assert img.shape == (16, 16)
    assert (info["orig_rows"], info["orig_cols"]) == (32, 64)
    assert (img[:4] == 0).all() and (img[12:] == 0).all()  # 8 rows of content centred, 4 + 4 padding
    assert img[4:12, -1].min() > 200  # right edge is bright
    # area shrink of a 2x2 checker board averages to mid grey
    board = np.indices((64, 64)).sum(axis=0) % 2 * 1000.0
    img, _ = export_image(
        board,
        {"window_center": 500, "window_width": 1000},
        ExportConfig(size=16, min_occupancy=0.0, min_bits=1),
    )
    assert np.abs(img.astype(int) - 128).max() <= 1
