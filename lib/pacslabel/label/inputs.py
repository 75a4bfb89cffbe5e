"""Reading the fusion inputs from ``embeddings/<source>/`` under a run root (Ray Data).

One row per instance of the *anchor*: the first configured source keyed by ``sop_instance_uid`` (images,
then tags, in the order given in ``sources``); when only reports are configured the anchor is ``tags/``.
Other sources are left-joined to it; reports reach instances through ``tags/`` (sop_instance_uid,
accession_key). Every embedding becomes a plain ``fixed_size_list<float32>`` column ``emb_<source>`` (null
when the instance lacks that source), because Ray 2.58 joins cannot infer schemas of ``fixed_shape_tensor``
columns. Reports must hold one row per accession_key.

The training sample avoids shuffle joins: a random sample of the anchor is collected, the other sources are
filtered to the sampled keys and aligned on the driver (bounded by ``train_sample`` rows).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pacslabel.label.arrow import column_to_matrix, matrix_to_list_array
from pacslabel.label.assign import emb_column, source_key
from pacslabel.label.batches import KeepKeys, PlainEmbedding
from pacslabel.label.context import TEXT, context_rows, read_context, sample_uids
from pacslabel.runroot import ACCESSION_KEY, LABELS, TAGS, UID, RunRoot, embeddings_table
from pacslabel.runtime import join_kwargs

log = logging.getLogger(__name__)

SOURCES = ("images", "tags", "reports")


def available_sources(rr: RunRoot, sources: list[str]) -> tuple[list[str], list[str]]:
    """(present, missing) configured sources; reports also need ``tags/`` to reach instances."""
    have, skipped = [], []
    for s in sources:
        ok = rr.has_table(embeddings_table(s)) and (s != "reports" or rr.has_table(TAGS))
        (have if ok else skipped).append(s)
    return have, skipped


def anchor_of(sources: list[str]) -> str | None:
    """The source whose instances get labels, or None (reports only: the ``tags/`` table)."""
    return next((s for s in sources if s != "reports"), None)


def read_source(rr: RunRoot, source: str):
    key = source_key(source)
    ds = rr.read_parquet(embeddings_table(source), columns=[key, "embedding"])
    return ds.map_batches(PlainEmbedding(source), batch_format="pyarrow", batch_size=4096)


def read_tag_keys(rr: RunRoot):
    return rr.read_parquet(TAGS, columns=[UID, ACCESSION_KEY])


def read_anchor(rr: RunRoot, sources: list[str]):
    anchor = anchor_of(sources)
    if anchor is None:
        return read_tag_keys(rr).select_columns([UID])
    return read_source(rr, anchor)


def fusion_inputs(
    rr: RunRoot,
    sources: list[str],
    *,
    partitions: int = 8,
    uids: list[str] | None = None,
    exclude_labelled: bool = False,
):
    """Lazy dataset: ``sop_instance_uid`` + ``emb_<source>`` for every source + the context columns of
    ``tags/`` and ``regions/`` (one row per anchor row)."""
    ds = read_anchor(rr, sources)
    if uids is not None:
        ds = ds.map_batches(KeepKeys(UID, list(uids)), batch_format="pyarrow")
    anchor = anchor_of(sources)
    anti = exclude_labelled and rr.has_table(LABELS)
    others = [s for s in sources if s not in (anchor, "reports")]
    context = rr.has_table(TAGS)
    n_joins = int(anti) + len(others) + 2 * int(context) + int("reports" in sources)
    args = join_kwargs(n_joins, partitions)
    if anti:
        done = rr.read_parquet(LABELS, columns=[UID])
        ds = ds.join(done, join_type="left_anti", on=(UID,), **args)
    for s in others:
        ds = ds.join(read_source(rr, s), join_type="left_outer", on=(UID,), **args)
    if context:
        tags = read_context(rr, "reports" in sources, partitions, n_joins)
        ds = ds.join(tags, join_type="left_outer", on=(UID,), **args)
    if "reports" in sources:
        ds = ds.join(read_source(rr, "reports"), join_type="left_outer", on=(ACCESSION_KEY,), **args)
        ds = ds.drop_columns([ACCESSION_KEY])
    return ds


def _collect(ds) -> pa.Table:
    tables = [b for b in ds.iter_batches(batch_format="pyarrow", batch_size=None) if b.num_rows]
    return pa.concat_tables(tables) if tables else None


def _align(keys: np.ndarray, table: pa.Table | None, key: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``table`` in the order of ``keys`` (zeros / absent where a key has no row)."""
    n = len(keys)
    if table is None or table.num_rows == 0:
        return None, np.zeros(n, bool)
    mat, ok = column_to_matrix(table.column(emb_column(source)))
    pos = {k: i for i, k in enumerate(table.column(key).to_pylist())}
    out = np.zeros((n, mat.shape[1]), np.float32)
    present = np.zeros(n, bool)
    for i, k in enumerate(keys):
        j = pos.get(k) if k is not None else None
        if j is not None and ok[j]:
            out[i] = mat[j]
            present[i] = True
    return out, present


def count_anchor(rr: RunRoot, sources: list[str]) -> int:
    return int(read_anchor(rr, sources).count())


def ray_rows(rr: RunRoot, table: str, key: str, keys: list[str], columns: list[str]) -> pa.Table | None:
    """The rows of ``table`` whose ``key`` is in ``keys`` (a Ray Data scan of the whole table)."""
    ds = rr.read_parquet(table, columns=columns)
    return _collect(ds.map_batches(KeepKeys(key, keys), batch_format="pyarrow"))


def align_sources(
    rr: RunRoot,
    sources: list[str],
    uids: np.ndarray,
    rows_of=ray_rows,
    anchor_rows: pa.Table | None = None,
) -> tuple[dict, dict]:
    """(parts, present) per source for the instances ``uids``, in that order, on the driver.

    ``rows_of(rr, table, key, keys, columns)`` fetches rows by key (:func:`ray_rows`, or a cheaper reader
    that knows where the keys are); ``anchor_rows`` (``emb_<anchor>`` form) spares the anchor's read.
    """
    parts, present = {}, {}
    anchor = anchor_of(sources)
    keep = list(uids)

    def embeddings(source: str, keys: list[str]) -> pa.Table | None:
        key = source_key(source)
        rows = rows_of(rr, embeddings_table(source), key, keys, [key, "embedding"])
        return PlainEmbedding(source)(rows) if rows is not None and rows.num_rows else None

    for s in sources:
        if s == anchor and anchor_rows is not None:
            parts[s], present[s] = _align(uids, anchor_rows, UID, s)
        elif s != "reports":
            parts[s], present[s] = _align(uids, embeddings(s, keep), UID, s)
    if "reports" in sources:
        tk = rows_of(rr, TAGS, UID, keep, [UID, ACCESSION_KEY])
        acc_of = (
            dict(zip(tk.column(UID).to_pylist(), tk.column(ACCESSION_KEY).to_pylist(), strict=True))
            if tk
            else {}
        )
        accs = np.asarray([acc_of.get(u) for u in uids], dtype=object)
        wanted = sorted({a for a in accs if a is not None})
        parts["reports"], present["reports"] = _align(
            accs, embeddings("reports", wanted), ACCESSION_KEY, "reports"
        )
    return parts, present


def increment_table(
    rr: RunRoot, sources: list[str], uids: np.ndarray, rows_of=ray_rows, anchor_rows: pa.Table | None = None
) -> pa.Table:
    """Fusion-input table (embeddings + context) of a few instances, built on the driver."""
    columns = {UID: pa.array(list(uids), pa.string())}
    if len(uids):
        parts, present = align_sources(rr, sources, uids, rows_of, anchor_rows)
        for s in sources:
            if parts[s] is not None:
                columns[emb_column(s)] = matrix_to_list_array(parts[s], present[s])
    context = context_rows(rr, uids, rows_of) if rr.has_table(TAGS) else {}
    for c, values in context.items():
        columns[c] = pa.array(list(values), pa.string())
    return pa.table(columns)


@dataclass
class Sample:
    """The fit sample: instance keys, per-source matrices and presence masks, context columns."""

    uids: np.ndarray
    parts: dict
    present: dict
    context: dict
    summary: dict


def sample_inputs(
    rr: RunRoot,
    sources: list[str],
    n_sample: int,
    seed: int = 0,
    n_total: int | None = None,
    balance: bool = True,
    by_series: bool = False,
) -> Sample:
    """About ``n_sample`` anchor instances (modality-balanced when asked, drawn series by series with
    ``by_series``) with their embeddings and context, on the driver."""
    n_total = count_anchor(rr, sources) if n_total is None else n_total
    if n_total == 0:
        raise ValueError("no instances to label: the anchor table is empty")
    if rr.has_table(TAGS):
        uids, summary = sample_uids(rr, n_sample, seed, balance, by_series)
        anchor_rows = None
    else:
        anchor_ds = read_anchor(rr, sources)
        frac = min(1.0, 1.15 * n_sample / n_total)
        anchor_rows = _collect(anchor_ds if frac >= 1.0 else anchor_ds.random_sample(frac, seed=seed))
        if anchor_rows is None:
            raise ValueError("the random sample of instances came back empty")
        uids, summary = np.asarray(anchor_rows.column(UID).to_pylist(), dtype=object), {}
    parts, present = align_sources(rr, sources, uids, anchor_rows=anchor_rows)
    anchor = anchor_of(sources)
    keep = present[anchor] if anchor is not None else np.ones(len(uids), bool)
    if len(uids) > n_sample or not keep.all():
        order = np.flatnonzero(keep)
        if len(order) > n_sample:
            order = np.sort(np.random.default_rng(seed).choice(order, n_sample, replace=False))
        uids = uids[order]
        parts = {s: None if p is None else p[order] for s, p in parts.items()}
        present = {s: m[order] for s, m in present.items()}
    if len(uids) == 0:
        raise ValueError("the sample of instances came back empty")
    for s in sources:
        if parts[s] is None or not present[s].any():
            raise ValueError(f"source {s!r}: no sampled instance has an embedding")
    context = context_rows(rr, uids, ray_rows, TEXT) if rr.has_table(TAGS) else {}
    log.info(
        "sampled %d of %d instances; present per source: %s",
        len(uids),
        n_total,
        {s: int(present[s].sum()) for s in sources},
    )
    return Sample(uids, parts, present, context, summary)
