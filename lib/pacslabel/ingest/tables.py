"""Schemas of the ingest tables and the atomic shard writer.

Every table is a directory of ``part-<batch_id>.parquet`` shards, one per ingest batch. A shard
appears whole or not at all (:func:`pacslabel.storage.write_atomic`: a hidden temporary name and a
rename on a local disk, one upload on an object store). A batch commits when its manifest shard
appears: tags / images / rejects shards are written first, the manifest shard last (see
:mod:`pacslabel.ingest.incremental` for the clean-up of batches that never committed).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.imagecol import PIXELS, pixels_array, pixels_type
from pacslabel.runroot import UID
from pacslabel.storage import write_atomic

# the to-do list of files to ingest; Ray 2.58's Parquet reader drops a column named "path", so staged
# to-do files carry prefixed names
TODO_COLUMNS = ["file_path", "file_size", "file_mtime_ns"]
MANIFEST_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("status", pa.string()),
        ("run_id", pa.string()),
        ("batch_id", pa.string()),
    ]
)
REJECTS_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("message", pa.string()),
        ("run_id", pa.string()),
        ("transfer_syntax_uid", pa.string()),
        (UID, pa.string()),  # null when the header gave none (no tags row)
    ]
)
IMAGE_SCALARS = [
    ("window_source", pa.string()),
    ("window_center", pa.float64()),
    ("window_width", pa.float64()),
    ("frame_index", pa.int32()),
    ("n_frames", pa.int32()),
    ("inverted", pa.bool_()),
    ("value_ratio", pa.float64()),
    ("orig_rows", pa.int32()),
    ("orig_cols", pa.int32()),
    ("redaction", pa.string()),  # burned-in text: none / ocr / band / excluded (pacslabel.ingest.redact)
    ("run_id", pa.string()),
    ("path", pa.string()),
    ("transfer_syntax_uid", pa.string()),
]


def images_schema(size: int) -> pa.Schema:
    return pa.schema(
        [
            (UID, pa.string()),
            (PIXELS, pixels_type(size)),
            *IMAGE_SCALARS,
        ]
    )


def shard_name(batch_id: str) -> str:
    return f"part-{batch_id}.parquet"


def batch_id_of(filename: str) -> str | None:
    """``part-<batch_id>.parquet`` -> batch_id (None for other names)."""
    name = filename.rsplit("/", 1)[-1]
    if name.startswith("part-") and name.endswith(".parquet"):
        return name[len("part-") : -len(".parquet")]
    return None


def rows_to_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def images_table(rows: list[dict], pixels: list[np.ndarray], size: int) -> pa.Table:
    schema = images_schema(size)
    arr = np.stack(pixels) if pixels else np.zeros((0, size, size), np.uint8)
    cols = {
        UID: pa.array([r[UID] for r in rows], pa.string()),
        PIXELS: pixels_array(arr),
    }
    for name, typ in IMAGE_SCALARS:
        cols[name] = pa.array([r.get(name) for r in rows], typ)
    return pa.Table.from_pydict(cols, schema=schema)


def write_table_atomic(fs, directory: str, name: str, table: pa.Table) -> str:
    """Write ``table`` as ``directory/name``, whole or not at all."""
    target = f"{directory}/{name}"
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    write_atomic(fs, target, sink.getvalue())
    return target
