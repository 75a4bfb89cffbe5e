"""Incremental, resumable ingest: commit protocol, clean-up of uncommitted batches, diff, superseding.

Commit protocol (per batch ``b``): write ``tags/part-b.parquet``, ``images/part-b.parquet``,
``rejects/part-b.parquet`` (each whole or not at all: see :mod:`.tables`), then
``manifest/part-b.parquet`` last. A batch is committed iff its manifest shard exists. At the start of
every run, shards of batches without a manifest shard and stray temp files are deleted, so a killed
run leaves nothing behind that the next run could double-count.

Diff: the new listing is joined with the committed manifest on ``path``. New paths are ingested;
paths whose (size, mtime_ns) changed are superseded (their rows are removed from every table,
manifest last, so a crash during superseding is redone by the next run) and ingested again;
unchanged paths are skipped; committed paths no longer present are counted as ``missing`` and kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pacslabel.ingest.tables import MANIFEST_SCHEMA, batch_id_of, write_table_atomic
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, TAGS, RunRoot

log = logging.getLogger(__name__)

DATA_TABLES = (TAGS, IMAGES, REJECTS)


def _files(root: RunRoot, table: str) -> list[str]:
    if not root.exists(table):
        return []
    infos = root.fs.get_file_info(pafs.FileSelector(root.path(table), recursive=False))
    return [i.path for i in infos if i.type == pafs.FileType.File]


def committed_batches(root: RunRoot) -> set[str]:
    """Batch ids whose manifest shard exists."""
    return {b for b in (batch_id_of(p) for p in _files(root, MANIFEST)) if b}


def cleanup_uncommitted(root: RunRoot) -> dict[str, int]:
    """Delete temp files everywhere and data shards of batches that never committed."""
    committed = committed_batches(root)
    removed = {"temp_files": 0, "orphan_shards": 0}
    for table in (*DATA_TABLES, MANIFEST):
        for path in _files(root, table):
            name = path.rsplit("/", 1)[-1]
            if name.startswith(".tmp-"):
                root.fs.delete_file(path)
                removed["temp_files"] += 1
            elif table != MANIFEST and batch_id_of(name) and batch_id_of(name) not in committed:
                root.fs.delete_file(path)
                removed["orphan_shards"] += 1
    if any(removed.values()):
        log.info("cleaned up after an interrupted run: %s", removed)
    return removed


def manifest_files(root: RunRoot) -> list[str]:
    """The committed manifest shards."""
    return [p for p in _files(root, MANIFEST) if batch_id_of(p)]


def read_committed(root: RunRoot, files: list[str]) -> pa.Table:
    """(path, size, mtime_ns, batch_id) of every row of the committed manifest ``files``."""
    cols = ["path", "size", "mtime_ns", "batch_id"]
    if not files:
        return MANIFEST_SCHEMA.empty_table().select(cols)
    dataset = pads.dataset(files, schema=MANIFEST_SCHEMA, filesystem=root.fs, format="parquet")
    return dataset.to_table(columns=cols)


def plan(listing: pa.Table, committed: pa.Table) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """(todo: path/size/mtime_ns, superseded: path/batch_id, counts) from listing and committed manifest."""
    old = committed.rename_columns(["path", "old_size", "old_mtime_ns", "batch_id"])
    joined = listing.join(old, keys="path", join_type="left outer")
    is_new = pc.is_null(joined["old_size"])
    changed = pc.and_kleene(
        pc.invert(is_new),
        pc.or_kleene(
            pc.not_equal(joined["size"], joined["old_size"]),
            pc.not_equal(joined["mtime_ns"], joined["old_mtime_ns"]),
        ),
    )
    todo = joined.filter(pc.or_kleene(is_new, changed)).select(["path", "size", "mtime_ns"])
    # a changed path may sit in several old batches only after a bug; dedupe the todo anyway
    todo = todo.group_by(["path", "size", "mtime_ns"]).aggregate([]).sort_by("path")
    superseded = joined.filter(changed).select(["path", "batch_id"])
    listed = pc.is_in(committed["path"], value_set=listing["path"])
    counts = {
        "listed": listing.num_rows,
        "new": int(pc.sum(is_new).as_py() or 0),
        "changed": superseded.num_rows,
        "unchanged": listing.num_rows - int(pc.sum(is_new).as_py() or 0) - superseded.num_rows,
        "missing": int(committed.num_rows - (pc.sum(listed).as_py() or 0)),
    }
    return todo, superseded, counts


def _filter_shard(root: RunRoot, table: str, batch_id: str, paths: pa.Array) -> None:
    path = root.path(table, f"part-{batch_id}.parquet")
    if root.fs.get_file_info(path).type == pafs.FileType.NotFound:
        return
    data = pq.read_table(path, filesystem=root.fs)
    kept = data.filter(pc.invert(pc.is_in(data["path"], value_set=paths)))
    if kept.num_rows == data.num_rows:
        return
    if kept.num_rows == 0:
        root.fs.delete_file(path)
    else:
        write_table_atomic(root.fs, root.path(table), f"part-{batch_id}.parquet", kept)


def supersede(root: RunRoot, superseded: pa.Table) -> int:
    """Remove ``superseded`` paths' rows from their batches' shards (data tables first, manifest last)."""
    if superseded.num_rows == 0:
        return 0
    by_batch: dict[str, list[str]] = {}
    for path, batch in zip(superseded["path"].to_pylist(), superseded["batch_id"].to_pylist(), strict=True):
        by_batch.setdefault(batch, []).append(path)
    for batch, paths in by_batch.items():
        arr = pa.array(paths, pa.string())
        for table in DATA_TABLES:
            _filter_shard(root, table, batch, arr)
        _filter_shard(root, MANIFEST, batch, arr)
    return superseded.num_rows


def table_paths(root: RunRoot, table: str, columns: Iterable[str]) -> pa.Table:
    """Selected columns of a whole table (for tests and small summaries only)."""
    files = [p for p in _files(root, table) if batch_id_of(p)]
    if not files:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    return pads.dataset(files, filesystem=root.fs, format="parquet").to_table(columns=list(columns))
