"""Tag profiling and selection: per-batch partial aggregates, combined on the driver.

Per column and batch: rows, missing (null, NaN or blank), values that parse as numbers, min / max,
a K-minimum-values sketch of the case-insensitive distinct values (exact while the column has fewer
distinct values than the sketch size, an estimate above) and the most frequent values. Combining is
associative, so the partials of any number of batches merge into the same profile.

Per column and modality, the rows where it is present: a tag that only one modality carries (the
InversionTime of MR, the ViewPosition of radiographs, the laterality of mammograms) is judged on the fill
rate inside that modality, not diluted by the rest of the archive.

Selection (RadiologyNET defaults): fill rate >= 0.2 (in the archive, or in one modality with enough rows),
at least 2 distinct values (absence counts as one where it is a value: a tag present only in contrast
series tells them apart), categorical cardinality <= 50, no identifiers, paths / keys, dates or free text.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pandas as pd

from pacslabel.tags.config import SelectionConfig
from pacslabel.tags.schema import KNOWN_CATEGORICAL, OTHER_PREFIX, exclusion_reason
from pacslabel.vocab import code_value

_HASH_KEY = "pacslabel-prof01"
GROUP_COLUMN = "modality"
"""The column whose values the fill rate is also measured within."""
_TWO64 = float(2**64)


def blank_mask(series: pd.Series) -> np.ndarray:
    """True where a value is missing: null, NaN or a blank string."""
    missing = series.isna().to_numpy()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        text = series.astype(object).map(lambda v: isinstance(v, str) and not v.strip())
        missing = missing | text.to_numpy(dtype=bool)
    return missing


def _hashes(values: pd.Series, numeric: bool) -> np.ndarray:
    if numeric:
        arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        arr = np.where(arr == 0.0, 0.0, arr)  # -0.0 and 0.0 are one value
        return pd.util.hash_array(arr, hash_key=_HASH_KEY)
    text = np.asarray([str(v).strip().casefold() for v in values.tolist()], dtype=object)
    return pd.util.hash_array(text, hash_key=_HASH_KEY, categorize=True)


def _group_counts(groups: pd.Series) -> str:
    return json.dumps({str(k): int(v) for k, v in groups.value_counts().items()})


def profile_frame(df: pd.DataFrame, sketch_size: int = 1024, top_values: int = 10) -> pd.DataFrame:
    """Partial profile of one batch: one row per column (see module docstring)."""
    rows = []
    n = len(df)
    if GROUP_COLUMN in df.columns:
        groups = df[GROUP_COLUMN].map(lambda v: code_value(v) if pd.notna(v) else "").fillna("")
    else:
        groups = pd.Series([""] * n, index=df.index, dtype=object)
    group_rows = _group_counts(groups)
    for col in df.columns:
        series = df[col]
        missing = blank_mask(series)
        present = series[~missing]
        numeric_vals = pd.to_numeric(present, errors="coerce") if len(present) else present
        is_num = np.asarray(pd.notna(numeric_vals), dtype=bool) if len(present) else np.zeros(0, bool)
        n_numeric = int(is_num.sum())
        all_numeric = len(present) > 0 and n_numeric == len(present)
        nums = np.asarray(numeric_vals[is_num], dtype=np.float64) if n_numeric else np.zeros(0)
        hashes = np.unique(_hashes(present, all_numeric)) if len(present) else np.zeros(0, np.uint64)
        if hashes.size > sketch_size:
            hashes = hashes[:sketch_size]
        if len(present):
            keys = (
                pd.Series(nums).map(lambda v: f"{v:.10g}")
                if all_numeric
                else present.map(lambda v: str(v).strip().casefold())
            )
            top = keys.value_counts().head(max(top_values * 3, 20))
            top_json = json.dumps([[str(k), int(c)] for k, c in top.items()])
        else:
            top_json = "[]"
        rows.append(
            {
                "column": str(col),
                "n": n,
                "n_missing": int(missing.sum()),
                "n_numeric": n_numeric,
                "vmin": float(nums.min()) if nums.size else np.nan,
                "vmax": float(nums.max()) if nums.size else np.nan,
                "sketch": hashes.astype(np.uint64).tobytes(),
                "top": top_json,
                "group_rows": group_rows,
                "group_present": _group_counts(groups[~missing]),
            }
        )
    return pd.DataFrame(rows)


def _sum_counts(values) -> Counter:
    total: Counter = Counter()
    for v in values:
        total.update(json.loads(v))
    return total


def _group_fill(group_rows: Counter, present: Counter, min_rows: int) -> tuple[float, str]:
    """The highest fill rate inside one group of at least ``min_rows`` rows, and that group."""
    best, where = 0.0, ""
    for group, rows in sorted(group_rows.items()):
        if group and rows >= min_rows and present.get(group, 0) / rows > best:
            best, where = present.get(group, 0) / rows, group
    return best, where


def combine_profiles(
    parts: pd.DataFrame, sketch_size: int = 1024, top_values: int = 10, min_group_rows: int = 50
) -> pd.DataFrame:
    """Merge partial profiles (rows of :func:`profile_frame` from any number of batches) per column.

    A column absent from a batch counts as missing in all of that batch's rows. ``group_fill_rate`` is
    the highest fill rate inside one modality of at least ``min_group_rows`` rows (``group`` names it).
    """
    batches = parts.drop_duplicates("batch") if "batch" in parts else None
    total_rows = int(batches["batch_rows"].sum()) if batches is not None else None
    all_group_rows = _sum_counts(batches["group_rows"]) if batches is not None else None
    out = []
    for col, grp in parts.groupby("column", sort=True):
        group_rows = all_group_rows if all_group_rows is not None else _sum_counts(grp["group_rows"])
        group_fill, group = _group_fill(group_rows, _sum_counts(grp["group_present"]), min_group_rows)
        n_present = int((grp["n"] - grp["n_missing"]).sum())
        n_rows = total_rows if total_rows is not None else int(grp["n"].sum())
        sketches = [np.frombuffer(s, dtype=np.uint64) for s in grp["sketch"] if s is not None and len(s)]
        merged = np.unique(np.concatenate(sketches)) if sketches else np.zeros(0, np.uint64)
        if merged.size < sketch_size:
            n_distinct, exact = int(merged.size), True
        else:
            kth = float(merged[sketch_size - 1]) + 1.0
            n_distinct, exact = round((sketch_size - 1) * _TWO64 / kth), False
        counts: Counter = Counter()
        for top in grp["top"]:
            counts.update({k: c for k, c in json.loads(top)})
        n_numeric = int(grp["n_numeric"].sum())
        out.append(
            {
                "column": str(col),
                "source": "other_tags" if str(col).startswith(OTHER_PREFIX) else "column",
                "n_rows": n_rows,
                "n_present": n_present,
                "fill_rate": n_present / n_rows if n_rows else 0.0,
                "group_fill_rate": group_fill,
                "group": group,
                "n_distinct": n_distinct,
                "distinct_exact": exact,
                "numeric_fraction": n_numeric / n_present if n_present else 0.0,
                "min": float(np.nanmin(grp["vmin"])) if grp["vmin"].notna().any() else np.nan,
                "max": float(np.nanmax(grp["vmax"])) if grp["vmax"].notna().any() else np.nan,
                "top_values": json.dumps(counts.most_common(top_values)),
            }
        )
    return pd.DataFrame(out)


def infer_kind(profile: pd.DataFrame, numeric_fraction: float = 0.95) -> pd.Series:
    """ "continuous" when at least ``numeric_fraction`` of present values are numbers (and the column is
    not a known categorical), else "categorical"."""
    return pd.Series(
        [
            "categorical"
            if col in KNOWN_CATEGORICAL or frac < numeric_fraction or n_present == 0
            else "continuous"
            for col, frac, n_present in zip(
                profile["column"], profile["numeric_fraction"], profile["n_present"], strict=True
            )
        ],
        index=profile.index,
    )


def select_columns(profile: pd.DataFrame, cfg: SelectionConfig) -> pd.DataFrame:
    """``profile`` plus ``kind``, ``selected`` and ``reason`` ("ok" or the first rule that dropped it)."""
    prof = profile.copy()
    prof["kind"] = infer_kind(prof, cfg.numeric_fraction)
    reasons = []
    for row in prof.itertuples(index=False):
        col = row.column
        reason = exclusion_reason(col)
        if col in cfg.exclude:
            reason = "excluded by config"
        elif col in cfg.include and reason is None:
            reason = None if row.n_present > 0 else "empty"
            reasons.append(reason or "ok (included by config)")
            continue
        elif reason is None and cfg.replace_body_part_with_region and col == "body_part_examined":
            reason = "replaced by region"
        fill = row.fill_rate
        if cfg.fill_rate_within == "modality":
            fill = max(fill, row.group_fill_rate)
        if reason is None and fill < cfg.min_fill_rate:
            reason = f"fill rate < {cfg.min_fill_rate:g}"
        absent = int(cfg.absent_is_value and row.n_present < row.n_rows)
        if reason is None and row.n_distinct + absent < cfg.min_distinct:
            reason = f"distinct < {cfg.min_distinct}"
        if reason is None and row.kind == "categorical" and row.n_distinct > cfg.max_categorical_cardinality:
            reason = f"cardinality > {cfg.max_categorical_cardinality}"
        reasons.append(reason or "ok")
    prof["reason"] = reasons
    prof["selected"] = prof["reason"].str.startswith("ok")
    return prof
