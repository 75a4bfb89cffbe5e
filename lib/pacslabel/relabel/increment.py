"""Increments between tables: the rows a table has that a derived table lacks, found by key, and appends.

Only key columns are scanned to find an increment, and it is then read from the files that hold it, so
what a relabel reads and computes grows with the new rows; the key scan itself is a projection of one
column per file. Up to ``driver_max_keys`` keys the scan runs on the driver (it holds the derived table's
keys: ~100 bytes per key); beyond that, as a Ray Data hash anti-join (spread over the cluster). An
append is a new segment of the table, committed after its last file (:mod:`pacslabel.commits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pacslabel.label.batches import KeepKeys
from pacslabel.runroot import RunRoot
from pacslabel.runtime import join_kwargs


@dataclass
class Increment:
    """New keys of ``table`` and the files (full paths under the run root's filesystem) that hold them."""

    table: str
    key: str
    keys: pa.Array
    files: list[str]

    def __len__(self) -> int:
        return len(self.keys)


def _file_keys(rr: RunRoot, path: str, key: str) -> pa.Array:
    column = pq.read_table(path, columns=[key], filesystem=rr.fs).column(key)
    return pc.drop_null(column.cast(pa.string())).combine_chunks()


def _distinct(parts: list[pa.Array]) -> pa.Array:
    if not parts:
        return pa.array([], pa.string())
    return pc.unique(pa.chunked_array(parts, pa.string()))


def _read_filtered(rr: RunRoot, files: list[str], key: str, keys: pa.Array, columns) -> pa.Table | None:
    parts = []
    for path in files:
        t = pq.read_table(path, columns=columns, filesystem=rr.fs)
        parts.append(t.filter(pc.is_in(t.column(key).cast(pa.string()), value_set=keys)))
    return pa.concat_tables(parts, promote_options="permissive") if parts else None


def _driver_increment(rr: RunRoot, table: str, key: str, done: str) -> Increment:
    seen = _distinct([_file_keys(rr, path, key) for path in rr.table_files(done)])
    files, keys = [], []
    for path in rr.table_files(table):
        new = _file_keys(rr, path, key)
        if len(seen):
            new = new.filter(pc.invert(pc.is_in(new, value_set=seen)))
        if len(new):
            files.append(path)
            keys.append(new)
    return Increment(table, key, _distinct(keys), files)


class _KeyAndPath:
    """Batch fn: ``key`` as ``string`` (pandas-written tables hold ``large_string``) and the file path."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, t: pa.Table) -> pa.Table:
        return pa.table({self.key: t.column(self.key).cast(pa.string()), "path": t.column("path")})


def _ray_increment(rr: RunRoot, table: str, key: str, done: str, partitions: int) -> Increment:
    def keys_of(name: str):
        ds = rr.read_parquet(name, columns=[key], include_paths=True)
        return ds.map_batches(_KeyAndPath(key), batch_format="pyarrow")

    ds = keys_of(table)
    if rr.has_table(done):
        seen = keys_of(done).select_columns([key])
        ds = ds.join(seen, join_type="left_anti", on=(key,), **join_kwargs(1, partitions))
    keys, files = set(), set()
    for batch in ds.iter_batches(batch_format="pyarrow", batch_size=65_536):
        batch = batch.filter(pc.is_valid(batch.column(key)))
        keys.update(batch.column(key).to_pylist())
        files.update(batch.column("path").to_pylist())
    # Ray's paths are filesystem paths without a scheme, as RunRoot.path gives them
    return Increment(table, key, pa.array(sorted(keys), pa.string()), sorted(files))


def find_increment(
    rr: RunRoot, table: str, key: str, done: str, *, driver_max_keys: int = 5_000_000, partitions: int = 8
) -> Increment:
    """The distinct ``key`` values of ``table`` absent from ``done`` (all of them when ``done`` is empty)."""
    if not rr.has_table(table):
        return Increment(table, key, pa.array([], pa.string()), [])
    n_keys = rr.count_rows(table) + (rr.count_rows(done) if rr.has_table(done) else 0)
    if n_keys <= driver_max_keys:
        return _driver_increment(rr, table, key, done)
    return _ray_increment(rr, table, key, done, partitions)


def read_increment(rr: RunRoot, inc: Increment, columns: list[str] | None = None) -> pa.Table:
    """The increment's rows as one table, on the driver (only the files that hold new keys are read)."""
    return _read_filtered(rr, inc.files, inc.key, inc.keys, columns)


def rows_with_keys(rr: RunRoot, table: str, key: str, keys: list[str], columns: list[str]) -> pa.Table | None:
    """The rows of ``table`` whose ``key`` is in ``keys``, on the driver: a scan of the key column, then
    reads of only the files that hold some of them (a row reader for ``label.inputs.align_sources``)."""
    wanted = pa.array(keys, pa.string())
    files = [
        path
        for path in rr.table_files(table)
        if pc.any(pc.is_in(_file_keys(rr, path, key), value_set=wanted)).as_py()
    ]
    return _read_filtered(rr, files, key, wanted, columns)


def apply_batches(fn, table: pa.Table, batch_format: str, batch_size: int) -> pa.Table:
    """``fn`` over ``table`` in batches on the driver, with Ray Data's own batch and block conversions (so a
    ``map_batches`` function gives the same rows here as on the cluster)."""
    from ray.data.block import BlockAccessor

    out = []
    for start in range(0, table.num_rows, batch_size):
        batch = BlockAccessor.for_block(table.slice(start, batch_size)).to_batch_format(batch_format)
        out.append(BlockAccessor.for_block(BlockAccessor.batch_to_block(fn(batch))).to_arrow())
    return pa.concat_tables(out, promote_options="permissive") if out else table.slice(0, 0)


def increment_dataset(rr: RunRoot, inc: Increment, columns: list[str] | None = None):
    """The increment's rows as a lazy Ray Dataset over the files that hold them."""
    import ray

    ds = ray.data.read_parquet(inc.files, filesystem=rr.fs, columns=columns)
    return ds.map_batches(KeepKeys(inc.key, inc.keys.to_pylist()), batch_format="pyarrow")


def append_rows(rr: RunRoot, rows, table: str) -> int:
    """Append ``rows`` (a ``pa.Table`` or a Ray Dataset) to ``table``: a new segment, then its commit.

    A crash before the commit leaves ``table`` as it was. Returns the number of rows appended.
    """
    if isinstance(rows, pa.Table) and rows.num_rows == 0:
        return 0
    segment = rr.new_segment(table)
    if isinstance(rows, pa.Table):
        rr.makedirs(segment)
        pq.write_table(rows, rr.path(segment, "part-0.parquet"), filesystem=rr.fs)
    else:
        rows.write_parquet(rr.uri_of(segment))
    n = rr.count_rows(segment)
    if n:
        rr.commit(table, segment, append=True)
    elif rr.exists(segment):
        rr.fs.delete_dir(rr.path(segment))
    return n
