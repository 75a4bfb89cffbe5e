"""Bounded reading of run-root tables: column projection, record-batch streaming, tensor columns.

Nothing here loads a whole wide table: callers name the columns they need and get record batches of at
most ``batch_rows`` rows, or read the few rows they want out of single row groups.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds
import pyarrow.parquet as pq

from pacslabel.runroot import RunRoot
from pacslabel.storage import from_uri

log = logging.getLogger(__name__)


def table_exists(root: RunRoot, name: str) -> bool:
    """A directory holding Parquet files, or a single ``.parquet`` file."""
    if name.endswith(".parquet"):
        return root.exists(name)
    return root.has_table(name)


def open_dataset(root: RunRoot, name: str) -> pds.Dataset:
    """The committed files of a table, or a single ``.parquet`` file."""
    if name.endswith(".parquet"):
        return pds.dataset(root.path(name), filesystem=root.fs, format="parquet")
    return root.dataset(name)


def columns_of(root: RunRoot, name: str) -> list[str]:
    return list(open_dataset(root, name).schema.names)


def iter_batches(
    root: RunRoot, name: str, columns: list[str], batch_rows: int = 65_536
) -> Iterator[pa.RecordBatch]:
    """Record batches of ``columns`` (those the table has; the others are skipped) of one table."""
    dataset = open_dataset(root, name)
    present = [c for c in columns if c in dataset.schema.names]
    missing = sorted(set(columns) - set(present))
    if missing:
        log.info("%s has no column(s) %s", name, ", ".join(missing))
    yield from dataset.to_batches(columns=present, batch_size=batch_rows)


def read_small_table(root: RunRoot, name: str, columns: list[str] | None = None) -> pa.Table:
    """A whole table, for tables that are small by construction (tag profile, truth of a sample)."""
    dataset = open_dataset(root, name)
    if columns is not None:
        columns = [c for c in columns if c in dataset.schema.names]
    return dataset.to_table(columns=columns)


def read_parquet_file(path: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """Record batches of a Parquet file or directory given by a local path or URI (e.g. truth=FILE)."""
    fs, base = from_uri(path)
    dataset = pds.dataset(base, filesystem=fs, format="parquet")
    present = [c for c in columns if c in dataset.schema.names]
    yield from dataset.to_batches(columns=present)


def tensor_to_numpy(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A tensor column as one ndarray of shape (rows, *shape).

    Handles Arrow's canonical ``fixed_shape_tensor``, plain ``fixed_size_list`` columns and variable
    lists of equal length (a tensor column read without its extension type registered).
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if isinstance(arr.type, pa.FixedShapeTensorType):
        return arr.to_numpy_ndarray()
    if isinstance(arr, pa.ExtensionArray):
        to_numpy = getattr(arr, "to_numpy", None)
        try:
            out = np.asarray(to_numpy(zero_copy_only=False)) if to_numpy else None
        except TypeError:
            out = None
        if out is not None and out.dtype != object:
            return out
        arr = arr.storage
    if pa.types.is_fixed_size_list(arr.type):
        width = arr.type.list_size
        values = arr.flatten().to_numpy(zero_copy_only=False)
        return values.reshape(len(arr), width)
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        values = arr.flatten().to_numpy(zero_copy_only=False)
        if len(arr) == 0:
            return values.reshape(0, 0)
        return values.reshape(len(arr), -1)
    raise TypeError(f"not a tensor column: {arr.type}")


def as_images(x: np.ndarray) -> np.ndarray:
    """(rows, H, W) uint8 from a tensor read as (rows, H, W), (rows, H*W) or (rows, H, W, 1)."""
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim == 2:
        side = round(float(np.sqrt(x.shape[1])))
        if side * side != x.shape[1]:
            raise ValueError(f"cannot make square images of {x.shape[1]} values")
        x = x.reshape(x.shape[0], side, side)
    return np.asarray(x, dtype=np.uint8)


def take_rows(root: RunRoot, name: str, key: str, wanted: set[str], columns: list[str]) -> Iterator[pa.Table]:
    """Rows whose ``key`` is in ``wanted``, reading wide columns only of the row groups that hold one.

    The key column is read row group by row group; the other columns are read only for the row
    groups with a wanted key, so a gallery of a few hundred images does not decode the archive. A file
    written before a column existed gives its rows without that column.
    """
    if not wanted:
        return
    value_set = pa.array(sorted(wanted), type=pa.string())
    dataset = open_dataset(root, name)
    columns = [c for c in columns if c in dataset.schema.names and c != key]
    for path in dataset.files:
        with root.fs.open_input_file(path) as handle:
            pf = pq.ParquetFile(handle)
            present = [c for c in columns if c in pf.schema_arrow.names]
            for rg in range(pf.num_row_groups):
                keys = pf.read_row_group(rg, columns=[key]).column(key)
                mask = pc.fill_null(pc.is_in(keys, value_set=value_set), False)
                if not pc.any(mask).as_py():
                    continue
                idx = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
                table = pf.read_row_group(rg, columns=[key, *present]).take(pa.array(idx))
                yield table
