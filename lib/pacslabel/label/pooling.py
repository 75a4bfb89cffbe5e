"""Series pooling: every instance takes its series' mean embedding, source by source.

What a series looks like (sequence and plane, kernel and phase, projection and view) is one property
of the whole series, while single slices are noisy views of it (an apex slice, a localiser-like edge
slice). With ``pool: series`` the label stage replaces each instance's embedding of every source by the
mean over the instances of its series that have that source, before the fusion; an instance without a
source takes its series' mean where another instance of the series has one. Instances without a
SeriesInstanceUID stay on their own. The fit sample is drawn series by series so that the means are
the same in the sample as in the archive; relabels pool the instances that arrive together.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pacslabel.label.arrow import matrix_to_list_array
from pacslabel.label.assign import batch_parts, emb_column
from pacslabel.runroot import SERIES_UID, UID

POOL_KEY = "_pool_key"
AGGREGATOR_CPUS = 0.0


def pool_keys(series, uids) -> list[str]:
    """The pooling key per row: its series, or the instance itself when it has none."""
    return [s if isinstance(s, str) and s else f"\0{u}" for s, u in zip(series, uids, strict=True)]


def series_groups(series, uids) -> np.ndarray:
    """Group index per row: rows of one series share one; a row without a series is its own group."""
    _, groups = np.unique(np.asarray(pool_keys(series, uids), dtype=str), return_inverse=True)
    return groups.astype(np.int64)


def pool_arrays(parts: dict, present: dict, groups: np.ndarray) -> tuple[dict, dict]:
    """Per-source group means (over present rows) broadcast back to every row of the group."""
    from scipy import sparse

    n = len(groups)
    n_groups = int(groups.max()) + 1 if n else 0
    pooled, has = {}, {}
    for s, mat in parts.items():
        if mat is None:
            pooled[s], has[s] = None, present[s]
            continue
        w = present[s].astype(np.float64)
        member = sparse.csr_matrix((w, (groups, np.arange(n))), shape=(n_groups, n))
        counts = np.asarray(member.sum(axis=1)).ravel()
        sums = member @ mat.astype(np.float64)
        means = sums / np.maximum(counts, 1.0)[:, None]
        pooled[s] = means[groups].astype(np.float32)
        has[s] = (counts > 0)[groups]
    return pooled, has


def pool_table(t: pa.Table, sources: list[str], dims: dict[str, int]) -> pa.Table:
    """A fusion-input table with every ``emb_<source>`` column pooled by series."""
    if t.num_rows == 0:
        return t
    series = t.column(SERIES_UID).to_pylist() if SERIES_UID in t.column_names else [None] * t.num_rows
    groups = series_groups(series, t.column(UID).to_pylist())
    present_cols = [s for s in sources if emb_column(s) in t.column_names]
    parts, present = batch_parts(t, present_cols, dims)
    parts, present = pool_arrays(parts, present, groups)
    for s in present_cols:
        at = t.column_names.index(emb_column(s))
        t = t.set_column(at, emb_column(s), matrix_to_list_array(parts[s], present[s]))
    return t
