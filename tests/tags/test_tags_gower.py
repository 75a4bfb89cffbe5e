"""Gower distance: hand-computed values, missing-value handling, matrix = pairs, encoder."""

import math

import numpy as np
import pandas as pd
import pytest

from pacslabel.tags.gower import GowerEncoder, feature_ranges, gower_matrix, gower_pairs

NAN = float("nan")
# features: a (numeric, range 10), b (categorical), c (numeric, range 4), d (categorical)
CAT = [False, True, False, True]
RANGES = [10.0, 0.0, 4.0, 0.0]


def test_hand_computed_pairs():
    a = np.array([[2, 0, 1, 1], [0, 1, 0, 1], [NAN, NAN, 3, NAN]], dtype=float)
    b = np.array([[7, 0, NAN, 2], [10, 1, 4, 1], [1, 5, NAN, 4]], dtype=float)
    d = gower_pairs(a, b, CAT, RANGES)
    # row 0: a -> 5/10 = 0.5, b equal -> 0, c missing (excluded), d differ -> 1: (0.5 + 0 + 1) / 3
    assert d[0] == pytest.approx(0.5)
    # row 1: 10/10 + 0 + 4/4 + 0 over 4 features
    assert d[1] == pytest.approx(0.5)
    # row 2: no feature present in both rows
    assert math.isnan(d[2])


def test_hand_computed_weights():
    a = np.array([[2, 0, 1, 1]], dtype=float)
    b = np.array([[7, 0, NAN, 2]], dtype=float)
    # weights 1, 1, 1, 3: (0.5 + 0 + 3 * 1) / (1 + 1 + 3); c is missing so its weight is not counted
    assert gower_pairs(a, b, CAT, RANGES, [1, 1, 1, 3])[0] == pytest.approx(3.5 / 5)
    # a zero weight removes the feature: only b (equal) and d (differ) remain
    assert gower_pairs(a, b, CAT, RANGES, [0, 1, 1, 1])[0] == pytest.approx(0.5)


def test_zero_range_and_out_of_range_values():
    # constant numeric feature (R = 0): equal -> 0, different -> 1; a value beyond the range is capped at 1
    a = np.array([[3.0, 1.0], [3.0, 0.0]])
    b = np.array([[3.0, 5.0], [4.0, 0.5]])
    d = gower_pairs(a, b, [False, False], [0.0, 2.0])
    assert d[0] == pytest.approx((0 + 1) / 2)  # |1-5|/2 = 2 capped at 1
    assert d[1] == pytest.approx((1 + 0.25) / 2)


def _naive(x, y, cat, ranges, w):
    out = np.full((len(x), len(y)), np.nan)
    for i, u in enumerate(x):
        for j, v in enumerate(y):
            num = den = 0.0
            for k in range(len(u)):
                if np.isnan(u[k]) or np.isnan(v[k]):
                    continue
                if cat[k]:
                    s = float(u[k] != v[k])
                elif ranges[k] > 0:
                    s = min(abs(u[k] - v[k]) / ranges[k], 1.0)
                else:
                    s = float(u[k] != v[k])
                num += w[k] * s
                den += w[k]
            if den > 0:
                out[i, j] = num / den
    return out


def test_matrix_matches_naive_and_pairs():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(23, 5))
    x[:, 1] = rng.integers(0, 3, 23)
    x[:, 3] = rng.integers(0, 2, 23)
    x[rng.random(x.shape) < 0.3] = np.nan
    x[4] = np.nan  # a row with nothing
    cat = [False, True, False, True, False]
    ranges = feature_ranges(x, cat)
    w = [1.0, 2.0, 0.5, 1.0, 1.0]
    m = gower_matrix(x, categorical=cat, ranges=ranges, weights=w, block_rows=7)
    np.testing.assert_allclose(m, _naive(x, x, cat, ranges, w), equal_nan=True)
    i, j = np.triu_indices(23, 1)
    np.testing.assert_allclose(gower_pairs(x[i], x[j], cat, ranges, w), m[i, j], equal_nan=True)
    np.testing.assert_allclose(m, m.T, equal_nan=True)
    ok = ~np.isnan(np.diag(m))
    assert np.all(np.diag(m)[ok] == 0)
    assert np.isnan(m[4]).all()


def test_ranges_ignore_missing_and_categoricals():
    x = np.array([[1.0, 5.0], [NAN, 9.0], [4.0, 1.0]])
    np.testing.assert_allclose(feature_ranges(x, [False, True]), [3.0, 0.0])


def test_ranges_of_an_empty_sample_are_zero():
    np.testing.assert_array_equal(feature_ranges(np.empty((0, 2)), [False, True]), [0.0, 0.0])


def test_encoder_on_dataframe():
    df = pd.DataFrame(
        {
            "modality": ["CT", "ct ", "MR", None],
            "manufacturer": ["GE", "GE", "Siemens", "GE"],
            "exposure": [100.0, 300.0, None, 500.0],
        }
    )
    enc = GowerEncoder(numeric=["exposure"], categorical=["modality", "manufacturer"]).fit(df)
    x = enc.transform(df)
    assert enc.ranges_[0] == 400.0
    d = enc.matrix(x)
    # row 0 vs 1: exposure 200/400, modality equal (case and blanks ignored), manufacturer equal
    assert d[0, 1] == pytest.approx(0.5 / 3)
    # row 0 vs 2: exposure missing; modality and manufacturer differ
    assert d[0, 2] == pytest.approx(1.0)
    # row 0 vs 3: modality missing; exposure 400/400 = 1, manufacturer equal -> 1/2
    assert d[0, 3] == pytest.approx(0.5)
    # an unseen value differs from every known value and equals itself across calls
    new = enc.transform(pd.DataFrame({"modality": ["XA"], "manufacturer": ["GE"], "exposure": [100.0]}))
    again = enc.transform(pd.DataFrame({"modality": ["xa"], "manufacturer": ["GE"], "exposure": [100.0]}))
    assert enc.pairs(new, x[:1])[0] == pytest.approx(1 / 3)
    assert enc.pairs(new, again)[0] == 0.0


def test_shape_errors():
    with pytest.raises(ValueError):
        gower_pairs(np.zeros((2, 3)), np.zeros((3, 3)), [False] * 3, [1.0] * 3)
    with pytest.raises(ValueError):
        gower_pairs(np.zeros((2, 3)), np.zeros((2, 3)), [False] * 2, [1.0] * 3)
