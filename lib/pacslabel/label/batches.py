"""The label stage's ``map_batches`` / ``map_groups`` callables: embeddings as plain list columns, key and
share filters, series pooling keys and groups, and the assigning actor."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pacslabel.label.arrow import column_to_matrix, matrix_to_list_array
from pacslabel.label.assign import assign_batch, emb_column, source_key
from pacslabel.label.pooling import POOL_KEY, pool_keys, pool_table
from pacslabel.runroot import SERIES_UID, UID
from pacslabel.splits import unit_hash


class PlainEmbedding:
    """Batch fn: keep the key and turn ``embedding`` into ``emb_<source>`` fixed_size_list<float32>."""

    def __init__(self, source: str):
        self.source = source
        self.key = source_key(source)

    def __call__(self, t: pa.Table) -> pa.Table:
        mat, present = column_to_matrix(t.column("embedding"))
        return pa.table(
            {self.key: t.column(self.key), emb_column(self.source): matrix_to_list_array(mat, present)}
        )


class KeepKeys:
    """Batch fn (pyarrow): the rows whose ``column`` is one of ``keys``."""

    def __init__(self, column: str, keys: list[str]):
        self.column = column
        self.keys = pa.array(keys, pa.string())

    def __call__(self, t: pa.Table) -> pa.Table:
        return t.filter(pc.is_in(t.column(self.column), value_set=self.keys))


def plain_strings(t: pa.Table) -> pa.Table:
    """Batch fn (pyarrow): ``large_string`` columns as ``string`` (join keys must share one type)."""
    return t.cast(
        pa.schema([pa.field(f.name, pa.string()) if f.type == pa.large_string() else f for f in t.schema])
    )


class HashFilter:
    """Batch fn (pyarrow): keep a seeded pseudo-random share of rows, per modality; with ``by_series`` the
    draw is made per series, so a series is kept whole or not at all."""

    def __init__(self, shares: dict[str, float], seed: int, by_series: bool = False):
        self.shares = shares
        self.seed = seed
        self.by_series = by_series

    def __call__(self, t: pa.Table) -> pa.Table:
        mods = t.column("modality").to_pylist() if "modality" in t.column_names else [None] * t.num_rows
        share = np.asarray([self.shares.get(str(m), 0.0) for m in mods])
        keys = t.column(UID).to_pylist()
        if self.by_series and SERIES_UID in t.column_names:
            keys = pool_keys(t.column(SERIES_UID).to_pylist(), keys)
        keep = unit_hash(keys, self.seed) < share
        return t.select([UID]).filter(pa.array(keep))


def with_pool_key(t: pa.Table) -> pa.Table:
    """Batch fn (pyarrow): the grouping key, the series or else the instance itself."""
    series = t.column(SERIES_UID).to_pylist() if SERIES_UID in t.column_names else [None] * t.num_rows
    keys = pool_keys(series, t.column(UID).to_pylist())
    return t.append_column(POOL_KEY, pa.array(keys, pa.string()))


def pool_group(t: pa.Table, sources: list[str], dims: dict[str, int]) -> pa.Table:
    """``map_groups`` fn (pyarrow): pool one series' rows and drop the grouping key."""
    return pool_table(t, sources, dims).drop_columns([POOL_KEY])


class Assigner:
    """Ray Data actor: holds the model (fusion state + FAISS index) once, assigns batch after batch."""

    def __init__(self, model, run_id: str, store_all_distances: bool = False, threads: int = 1):
        import faiss

        if threads > 0:
            faiss.omp_set_num_threads(threads)
        self.model = model
        self.run_id = run_id
        self.store_all = store_all_distances
        self.index = model.index()

    def __call__(self, batch: pa.Table) -> pa.Table:
        return assign_batch(batch, self.model, self.run_id, self.store_all, self.index)
