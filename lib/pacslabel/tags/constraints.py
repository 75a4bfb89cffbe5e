"""Pairwise constraints from thresholded Gower distance (paper 000): must-link where d < epsilon,
cannot-link where d > phi, drawn among "labelled" instances without any N x N matrix.

Candidate pairs are drawn in batches and kept when they pass their threshold:
  - must-link candidates come from blocks of rows that agree exactly on a few categorical tags
    (default modality and body_part_examined; missing is a value of its own), drawn uniformly over all
    within-block pairs; without blocking they are drawn uniformly over all pairs;
  - cannot-link candidates are drawn uniformly over all pairs.
When the candidate pool is small (<= ``exhaustive_pairs``) it is enumerated instead, so the result
is exact whenever enough qualifying pairs exist. Pairs are unordered (i < j), never self pairs and
never repeated; each kind gets exactly its requested count unless its pool runs dry (then the
shortfall is reported).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pacslabel.tags.gower import gower_pairs

log = logging.getLogger(__name__)


def labelled_mask(uids: Sequence[str] | np.ndarray, fraction: float, seed: int = 1) -> np.ndarray:
    """Stable pseudo-random choice of a ``fraction`` of instances by a keyed hash of their uid."""
    if fraction >= 1.0:
        return np.ones(len(uids), dtype=bool)
    key = f"pl-lab-{seed:010d}"[-16:]
    h = pd.util.hash_array(np.asarray(uids, dtype=object), hash_key=key, categorize=False)
    return (h >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53) < fraction


def block_ids(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Integer block id per row from exact (stripped, upper-cased) values of ``columns``.

    Missing is a value of its own.
    """
    if not columns:
        return np.zeros(len(df), dtype=np.int64)
    keys = []
    for col in columns:
        values = df[col] if col in df.columns else pd.Series([None] * len(df), index=df.index)
        keys.append(
            values.map(lambda v: "" if v is None or pd.isna(v) else str(v).strip().upper()).to_numpy(object)
        )
    combo = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else pd.Index(keys[0])
    return pd.factorize(combo)[0].astype(np.int64)


@dataclass
class _Pool:
    """Unordered candidate pairs (i < j): drawn at random, or enumerated when small."""

    n_pairs: int
    draw: Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    enumerate: Callable[[], tuple[np.ndarray, np.ndarray]]


def _uniform_pool(n: int) -> _Pool:
    def draw(m, rng):
        i = rng.integers(0, n, m)
        j = rng.integers(0, n - 1, m)
        j = j + (j >= i)
        return np.minimum(i, j), np.maximum(i, j)

    def enum():
        i, j = np.triu_indices(n, k=1)
        return i.astype(np.int64), j.astype(np.int64)

    return _Pool(n * (n - 1) // 2, draw, enum)


def _block_pool(blocks: np.ndarray) -> _Pool:
    order = np.argsort(blocks, kind="stable")
    sorted_blocks = blocks[order]
    starts = np.flatnonzero(np.r_[True, sorted_blocks[1:] != sorted_blocks[:-1]])
    sizes = np.diff(np.r_[starts, len(blocks)])
    pairs = sizes * (sizes - 1) // 2
    eligible = np.flatnonzero(pairs > 0)
    cum = np.cumsum(pairs[eligible])
    total = int(cum[-1]) if cum.size else 0

    def draw(m, rng):
        r = rng.integers(0, total, m)
        g = eligible[np.searchsorted(cum, r, side="right")]
        a = rng.integers(0, sizes[g])
        b = rng.integers(0, sizes[g] - 1)
        b = b + (b >= a)
        i, j = order[starts[g] + a], order[starts[g] + b]
        return np.minimum(i, j), np.maximum(i, j)

    def enum():
        out_i, out_j = [], []
        for g in eligible:
            members = order[starts[g] : starts[g] + sizes[g]]
            a, b = np.triu_indices(sizes[g], k=1)
            i, j = members[a], members[b]
            out_i.append(np.minimum(i, j))
            out_j.append(np.maximum(i, j))
        if not out_i:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(out_i).astype(np.int64), np.concatenate(out_j).astype(np.int64)

    return _Pool(total, draw, enum)


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``values`` found in the sorted array ``sorted_keys`` (binary search, O(m log n))."""
    if sorted_keys.size == 0:
        return np.zeros(values.size, dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_keys, values), sorted_keys.size - 1)
    return sorted_keys[idx] == values


def _collect(
    x: np.ndarray,
    pool: _Pool,
    accept: Callable[[np.ndarray], np.ndarray],
    target: int,
    rng: np.random.Generator,
    gower_args: tuple,
    batch_pairs: int,
    exhaustive_pairs: int,
    patience: int,
    exclude_keys: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Up to ``target`` distinct accepted pairs: (i, j, d, candidates examined)."""
    n = x.shape[0]
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0)
    if target <= 0 or pool.n_pairs == 0:
        return empty
    if pool.n_pairs <= exhaustive_pairs:
        i_all, j_all = pool.enumerate()
        keep_i, keep_j, keep_d = [], [], []
        for s in range(0, i_all.size, batch_pairs):
            i, j = i_all[s : s + batch_pairs], j_all[s : s + batch_pairs]
            d = gower_pairs(x[i], x[j], *gower_args)
            ok = accept(d)
            keep_i.append(i[ok])
            keep_j.append(j[ok])
            keep_d.append(d[ok])
        i, j, d = np.concatenate(keep_i), np.concatenate(keep_j), np.concatenate(keep_d)
        if exclude_keys is not None and exclude_keys.size:
            ok = ~np.isin(i * n + j, exclude_keys)
            i, j, d = i[ok], j[ok], d[ok]
        if i.size > target:
            pick = np.sort(rng.choice(i.size, target, replace=False))
            i, j, d = i[pick], j[pick], d[pick]
        return i, j, d, int(i_all.size)
    keys = np.zeros(0, np.int64) if exclude_keys is None else np.sort(exclude_keys)
    chosen_i, chosen_j, chosen_d = [], [], []
    count, examined, idle = 0, 0, 0
    while count < target and idle < patience:
        i, j = pool.draw(batch_pairs, rng)
        examined += i.size
        d = gower_pairs(x[i], x[j], *gower_args)
        ok = accept(d)
        i, j, d = i[ok], j[ok], d[ok]
        k = i * n + j
        k, first = np.unique(k, return_index=True)
        i, j, d = i[first], j[first], d[first]
        fresh = ~_member(k, keys)
        i, j, d, k = i[fresh], j[fresh], d[fresh], k[fresh]
        if i.size == 0:
            idle += 1
            continue
        idle = 0
        if i.size > target - count:
            pick = np.sort(rng.choice(i.size, target - count, replace=False))
            i, j, d, k = i[pick], j[pick], d[pick], k[pick]
        chosen_i.append(i)
        chosen_j.append(j)
        chosen_d.append(d)
        k_sorted = np.sort(k)
        keys = np.insert(keys, np.searchsorted(keys, k_sorted), k_sorted)
        count += i.size
    if not chosen_i:
        return empty[0], empty[1], empty[2], examined
    return np.concatenate(chosen_i), np.concatenate(chosen_j), np.concatenate(chosen_d), examined


def sample_constraints(
    x: np.ndarray,
    categorical: Sequence[bool] | np.ndarray,
    ranges: Sequence[float] | np.ndarray,
    weights: Sequence[float] | np.ndarray | None = None,
    n_must: int = 1000,
    n_cannot: int = 1000,
    epsilon: float = 0.1,
    phi: float = 0.5,
    blocks: np.ndarray | None = None,
    seed: int = 1,
    batch_pairs: int = 65536,
    exhaustive_pairs: int = 2_000_000,
    patience: int = 20,
) -> tuple[pd.DataFrame, dict]:
    """Constraints among the rows of ``x`` (Gower rows, see :mod:`pacslabel.tags.gower`).

    Returns a frame with integer row indices ``i < j``, ``kind`` ("must" / "cannot") and ``gower``, and
    a summary (requested / produced per kind, candidates examined, pool sizes).
    """
    if not 0 <= epsilon <= phi:
        raise ValueError(f"need 0 <= epsilon <= phi, got epsilon={epsilon}, phi={phi}")
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[0]
    if n >= 3_000_000_000:
        raise ValueError("too many rows for 64-bit pair keys")
    rng = np.random.default_rng(seed)
    gargs = (categorical, ranges, weights)
    must_pool = _block_pool(np.asarray(blocks)) if blocks is not None else _uniform_pool(n)
    cannot_pool = _uniform_pool(n)
    common = dict(
        rng=rng,
        gower_args=gargs,
        batch_pairs=batch_pairs,
        exhaustive_pairs=exhaustive_pairs,
        patience=patience,
    )
    mi, mj, md, m_seen = _collect(x, must_pool, lambda d: d < epsilon, n_must, **common)
    ci, cj, cd, c_seen = _collect(x, cannot_pool, lambda d: d > phi, n_cannot, **common)
    frame = pd.DataFrame(
        {
            "i": np.concatenate([mi, ci]).astype(np.int64),
            "j": np.concatenate([mj, cj]).astype(np.int64),
            "kind": np.array(["must"] * mi.size + ["cannot"] * ci.size, dtype=object),
            "gower": np.concatenate([md, cd]).astype(np.float64),
        }
    )
    summary = {
        "rows": n,
        "must_requested": int(n_must),
        "must": int(mi.size),
        "cannot_requested": int(n_cannot),
        "cannot": int(ci.size),
        "must_candidates_examined": int(m_seen),
        "cannot_candidates_examined": int(c_seen),
        "must_pool_pairs": int(must_pool.n_pairs),
        "epsilon": epsilon,
        "phi": phi,
    }
    for kind in ("must", "cannot"):
        if summary[kind] < summary[f"{kind}_requested"]:
            log.warning("%s-link pool ran dry: %d of %d", kind, summary[kind], summary[f"{kind}_requested"])
    return frame, summary
