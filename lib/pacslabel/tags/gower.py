"""Gower (1971) distance for mixed numeric / categorical rows with missing values.

Rows are float64 arrays: numeric features hold values, categorical features hold integer codes;
NaN means missing. For features k with weight w_k:

    s_k = |x_ik - x_jk| / R_k          numeric (R_k the feature's range; clipped to 1)
    s_k = [x_ik != x_jk]               categorical
    δ_k = 0 when x_ik or x_jk is missing, else 1
    d(i, j) = Σ_k w_k δ_k s_k / Σ_k w_k δ_k         (NaN when no feature is shared)

A numeric feature whose range R_k is 0 (constant in the data the range came from) contributes 0 when
the two values are equal and 1 otherwise. ``GowerEncoder`` turns a DataFrame of tags into such rows.
The papers print the numeric *similarity* as |x_i - x_j| / R; that expression is the distance term.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pacslabel.tags.schema import norm_category


def feature_ranges(x: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """R_k = max - min over non-missing values of numeric features (0 for categorical / empty ones)."""
    x = np.asarray(x, dtype=np.float64)
    categorical = np.asarray(categorical, dtype=bool)
    if len(x) == 0:
        return np.zeros(x.shape[1] if x.ndim == 2 else len(categorical))
    with np.errstate(invalid="ignore"), _quiet():
        r = np.nanmax(x, axis=0) - np.nanmin(x, axis=0)
    r = np.where(np.isfinite(r), r, 0.0)
    r[categorical] = 0.0
    return r


class _quiet:
    """Silence numpy's 'All-NaN slice' warnings inside a block."""

    def __enter__(self):

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _prepare(categorical, ranges, weights, p):
    categorical = np.asarray(categorical, dtype=bool).reshape(-1)
    ranges = np.asarray(ranges, dtype=np.float64).reshape(-1)
    weights = np.ones(p) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if not (categorical.size == ranges.size == weights.size == p):
        raise ValueError(
            f"categorical ({categorical.size}), ranges ({ranges.size}) and weights ({weights.size}) "
            f"must each have one entry per feature ({p})"
        )
    if np.any(weights < 0):
        raise ValueError("Gower weights must be non-negative")
    return categorical, ranges, weights


def _term(a: np.ndarray, b: np.ndarray, is_cat: bool, r: float) -> np.ndarray:
    """s_k for one feature over broadcast arrays (NaN where either side is missing)."""
    if is_cat:
        s = (a != b).astype(np.float64)
    elif r > 0:
        s = np.minimum(np.abs(a - b) / r, 1.0)
    else:
        s = (a != b).astype(np.float64)
    return s


def gower_pairs(
    a: np.ndarray,
    b: np.ndarray,
    categorical: Sequence[bool] | np.ndarray,
    ranges: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """Gower distance between aligned rows ``a[i]`` and ``b[i]``: (n, p), (n, p) -> (n,)."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = np.atleast_2d(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        raise ValueError(f"gower_pairs needs aligned rows, got {a.shape} and {b.shape}")
    categorical, ranges, weights = _prepare(categorical, ranges, weights, a.shape[1])
    present = ~(np.isnan(a) | np.isnan(b))
    diff = np.abs(a - b)
    safe_r = np.where(ranges > 0, ranges, 1.0)
    numeric_s = np.where(ranges > 0, np.minimum(diff / safe_r, 1.0), (diff > 0).astype(np.float64))
    s = np.where(categorical, (a != b).astype(np.float64), numeric_s)
    wd = present * weights
    num = np.sum(np.where(present, s, 0.0) * wd, axis=1)
    den = np.sum(wd, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def gower_matrix(
    x: np.ndarray,
    y: np.ndarray | None = None,
    categorical: Sequence[bool] | np.ndarray = (),
    ranges: Sequence[float] | np.ndarray = (),
    weights: Sequence[float] | np.ndarray | None = None,
    block_rows: int = 1024,
    dtype=np.float64,
) -> np.ndarray:
    """Gower distances between every row of ``x`` and every row of ``y`` (default ``x``): (nx, ny).

    Computed in blocks of ``block_rows`` rows of ``x`` and one feature at a time, so the working
    memory is a few (block_rows, ny) arrays; the result itself is (nx, ny).
    """
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    y = x if y is None else np.atleast_2d(np.asarray(y, dtype=np.float64))
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y have {x.shape[1]} and {y.shape[1]} features")
    p = x.shape[1]
    categorical, ranges, weights = _prepare(categorical, ranges, weights, p)
    out = np.empty((x.shape[0], y.shape[0]), dtype=dtype)
    y_present = ~np.isnan(y)
    for start in range(0, x.shape[0], max(1, block_rows)):
        xb = x[start : start + block_rows]
        num = np.zeros((xb.shape[0], y.shape[0]))
        den = np.zeros_like(num)
        x_present = ~np.isnan(xb)
        for k in range(p):
            if weights[k] == 0:
                continue
            present = x_present[:, k, None] & y_present[None, :, k]
            s = _term(xb[:, k, None], y[None, :, k], bool(categorical[k]), float(ranges[k]))
            w = present * weights[k]
            num += np.where(present, s, 0.0) * w
            den += w
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start : start + xb.shape[0]] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


class GowerEncoder:
    """Turn named tag columns of a DataFrame into Gower rows (codes for categoricals, NaN missing).

    ``fit`` learns each categorical column's values (case-insensitive, stripped) and each numeric
    column's range; a value unseen at fit time gets a stable code derived from its CRC-32 (it
    compares unequal to every known value and equal to itself across calls). Follows the
    scikit-learn contract; learned attributes end in ``_``.
    """

    def __init__(
        self,
        numeric: Sequence[str] = (),
        categorical: Sequence[str] = (),
        weights: dict[str, float] | None = None,
    ):
        self.numeric = list(numeric)
        self.categorical = list(categorical)
        self.weights = dict(weights or {})

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    def fit(self, df: pd.DataFrame) -> GowerEncoder:
        self.codes_: dict[str, dict[str, int]] = {}
        for col in self.categorical:
            values = df[col] if col in df.columns else pd.Series([], dtype=object)
            uniq = sorted({v for v in map(norm_category, values.tolist()) if v is not None})
            self.codes_[col] = {v: i for i, v in enumerate(uniq)}
        x = self._numeric_block(df)
        self.ranges_ = np.concatenate(
            [feature_ranges(x, np.zeros(x.shape[1], bool)), np.zeros(len(self.categorical))]
        )
        self.categorical_mask_ = np.array([False] * len(self.numeric) + [True] * len(self.categorical))
        self.weights_ = np.array([float(self.weights.get(c, 1.0)) for c in self.columns])
        return self

    def _numeric_block(self, df: pd.DataFrame) -> np.ndarray:
        cols = []
        for col in self.numeric:
            if col in df.columns:
                cols.append(
                    pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
                )
            else:
                cols.append(np.full(len(df), np.nan))
        return np.column_stack(cols) if cols else np.empty((len(df), 0))

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        blocks = [self._numeric_block(df)]
        for col in self.categorical:
            mapping = self.codes_[col]
            out = np.full(len(df), np.nan)
            if col in df.columns:
                for i, v in enumerate(map(norm_category, df[col].tolist())):
                    if v is None:
                        continue
                    code = mapping.get(v)
                    out[i] = code if code is not None else len(mapping) + 1 + zlib.crc32(v.encode())
            blocks.append(out[:, None])
        return np.hstack(blocks) if blocks else np.empty((len(df), 0))

    def fit_transform(self, df: pd.DataFrame) -> np.ndarray:
        return self.fit(df).transform(df)

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return gower_pairs(a, b, self.categorical_mask_, self.ranges_, self.weights_)

    def matrix(self, x: np.ndarray, y: np.ndarray | None = None, block_rows: int = 1024) -> np.ndarray:
        return gower_matrix(x, y, self.categorical_mask_, self.ranges_, self.weights_, block_rows=block_rows)
