"""What the label stage knows of an instance beside its embeddings: Modality tag, reconstructed region,
patient and study keys (for the split) and descriptions (for label names), read from ``tags/`` and
``regions/``; and the modality-balanced choice of the instances the model is fitted on."""

from __future__ import annotations

import logging

import numpy as np

from pacslabel.label.assign import CONTEXT
from pacslabel.label.batches import HashFilter, plain_strings
from pacslabel.runroot import ACCESSION_KEY, REGIONS, SERIES_UID, TAGS, UID, RunRoot
from pacslabel.runtime import join_kwargs

log = logging.getLogger(__name__)

TEXT = ("series_description", "protocol_name")


def table_columns(rr: RunRoot, name: str) -> list[str]:
    """Column names of a Parquet table under the run root ([] when it does not exist)."""

    if not rr.has_table(name):
        return []
    return list(rr.dataset(name).schema.names)


def _tag_columns(rr: RunRoot, extra: tuple[str, ...] = ()) -> list[str]:
    have = set(table_columns(rr, TAGS))
    return [UID, *(c for c in (*CONTEXT, *extra) if c in have and c != "region")]


def read_context(rr: RunRoot, with_acc: bool, partitions: int, n_joins: int):
    """Lazy dataset: sop_instance_uid + the context columns (+ accession_key) of every ``tags/`` row."""

    ds = rr.read_parquet(TAGS, columns=_tag_columns(rr, (ACCESSION_KEY,) if with_acc else ()))
    ds = ds.map_batches(plain_strings, batch_format="pyarrow")
    if "region" in table_columns(rr, REGIONS):
        regions = rr.read_parquet(REGIONS, columns=[UID, "region"])
        regions = regions.map_batches(plain_strings, batch_format="pyarrow")
        ds = ds.join(regions, join_type="left_outer", on=(UID,), **join_kwargs(n_joins, partitions))
    return ds


def context_rows(
    rr: RunRoot, uids: np.ndarray, rows_of, extra: tuple[str, ...] = ()
) -> dict[str, np.ndarray]:
    """Context (and ``extra`` tag columns) of the instances ``uids``, in that order, on the driver."""
    keys = list(uids)
    out = {c: np.full(len(uids), None, dtype=object) for c in (*CONTEXT, *extra)}
    pos = {u: i for i, u in enumerate(keys)}
    sources = [(TAGS, _tag_columns(rr, extra))]
    if "region" in table_columns(rr, REGIONS):
        sources.append((REGIONS, [UID, "region"]))
    for table, columns in sources:
        if not rr.has_table(table):
            continue
        rows = rows_of(rr, table, UID, keys, columns)
        if rows is None or rows.num_rows == 0:
            continue
        at = np.asarray([pos[u] for u in rows.column(UID).to_pylist()], dtype=np.int64)
        for c in columns[1:]:
            out[c][at] = np.asarray(rows.column(c).to_pylist(), dtype=object)
    return out


def modality_shares(counts: dict[str, int], n_sample: int, balance: bool) -> dict[str, float]:
    """Sampling share per modality: a uniform share, or equal numbers per modality (capped by what each
    has; what a small modality cannot use goes to the others)."""
    total = sum(counts.values())
    if not balance or total <= n_sample:
        return {m: min(1.0, n_sample / max(total, 1)) for m in counts}
    quota, left = {}, dict(counts)
    budget = float(n_sample)
    while left:
        even = budget / len(left)
        small = {m: c for m, c in left.items() if c <= even}
        if not small:
            quota.update({m: even for m in left})
            break
        for m, c in small.items():
            quota[m] = float(c)
            budget -= c
            del left[m]
    return {m: min(1.0, quota[m] / counts[m]) for m in counts}


def sample_uids(
    rr: RunRoot, n_sample: int, seed: int, balance: bool, by_series: bool = False
) -> tuple[np.ndarray, dict]:
    """Instance keys of the fit sample (about ``n_sample``, modality-balanced when asked, whole series
    with ``by_series``) from ``tags/``."""

    columns = [c for c in (UID, "modality", SERIES_UID) if c in table_columns(rr, TAGS)]
    ds = rr.read_parquet(TAGS, columns=columns)
    if "modality" in columns:
        counts = {str(r["modality"]): int(r["count()"]) for r in ds.groupby("modality").count().take_all()}
    else:
        counts = {"None": int(ds.count())}
    shares = modality_shares(counts, n_sample, balance)
    kept = ds.map_batches(HashFilter(shares, seed, by_series), batch_format="pyarrow")
    uids = [
        u
        for b in kept.iter_batches(batch_format="pyarrow", batch_size=None)
        for u in b.column(UID).to_pylist()
    ]
    log.info(
        "fit sample: %d instances; share per modality %s",
        len(uids),
        {m: round(s, 4) for m, s in shares.items()},
    )
    return np.asarray(uids, dtype=object), {"modality_counts": counts, "modality_shares": shares}
