"""Rows a table has that a derived table lacks, and appending a dataset's rows to a table.

Only keys travel through the (hash) anti-join; the increment itself is then read with a key filter,
so the cost of a relabel grows with the new rows, not with the archive (apart from the key scan).
"""

from __future__ import annotations

import uuid

import pyarrow as pa
import pyarrow.fs as pafs

from pacslabel.label.arrow import KeepKeys
from pacslabel.runroot import RunRoot
from pacslabel.runtime import join_kwargs


class StringKey:
    """Batch fn: the ``key`` column alone, as ``string`` (tables written by pandas hold ``large_string``,
    and joins need one key type on both sides)."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, t: pa.Table) -> pa.Table:
        return pa.table({self.key: t.column(self.key).cast(pa.string())})


def _keys(rr: RunRoot, table: str, key: str):
    import ray

    ds = ray.data.read_parquet(rr.uri_of(table), columns=[key])
    return ds.map_batches(StringKey(key), batch_format="pyarrow")


def new_keys(rr: RunRoot, table: str, key: str, done: str, partitions: int = 8) -> list[str]:
    """Distinct ``key`` values of ``table`` absent from ``done`` (every key when ``done`` is empty)."""
    keys = _keys(rr, table, key)
    if rr.has_table(done):
        seen = _keys(rr, done, key)
        keys = keys.join(seen, join_type="left_anti", on=(key,), **join_kwargs(1, partitions))
    out: set[str] = set()
    for batch in keys.iter_batches(batch_format="pyarrow", batch_size=65_536):
        out.update(k for k in batch.column(key).to_pylist() if k is not None)
    return sorted(out)


def read_rows(rr: RunRoot, table: str, key: str, keys: list[str], columns: list[str] | None = None):
    """Lazy dataset of the rows of ``table`` whose ``key`` is in ``keys``."""
    import ray

    ds = ray.data.read_parquet(rr.uri_of(table), columns=columns)
    return ds.map_batches(KeepKeys(key, keys), batch_format="pyarrow")


def append_rows(rr: RunRoot, ds, table: str) -> int:
    """Write ``ds`` to a staging directory, then move its files into ``table`` under a unique prefix.

    A crash before the moves leaves ``table`` as it was; the staging directory is removed afterwards.
    Returns the number of rows appended.
    """
    import pyarrow.dataset as pads

    tag = uuid.uuid4().hex[:12]
    staging = f"_staging/{table.replace('/', '_')}-{tag}"
    ds.write_parquet(rr.uri_of(staging))
    if not rr.exists(staging):
        return 0
    files = [
        info.path
        for info in rr.fs.get_file_info(pafs.FileSelector(rr.path(staging), recursive=False))
        if info.type == pafs.FileType.File and info.path.endswith(".parquet")
    ]
    rows = pads.dataset(files, filesystem=rr.fs, format="parquet").count_rows() if files else 0
    rr.makedirs(*table.split("/"))
    for path in files:
        name = path.rsplit("/", 1)[-1]
        rr.fs.move(path, rr.path(table, f"{tag}-{name}"))
    rr.fs.delete_dir(rr.path(staging))
    if not rr.fs.get_file_info(pafs.FileSelector(rr.path("_staging"))):
        rr.fs.delete_dir(rr.path("_staging"))
    return rows
