"""Table commits without renames: segment directories and a committed pointer.

A table that a stage writes whole or appends to (embeddings, labels, features, regions, reports, …)
lives in segments ``<table>/v-<id>/`` named by a pointer ``<table>/_committed.json``. A writer fills
a new segment, then commits it: one small atomic write of the pointer (a rename on a local disk, a
single PUT on an object store) that either replaces the table by the segment or appends the segment.
Readers list the files of the pointer's segments only: a half-written segment is never read, and a job
killed before its commit leaves the table as it was. Each commit deletes the segments that the new
pointer does not name (the replaced ones, and those of killed jobs), so one writer per table at a time.

Tables without a pointer are read as plain directories, their ``v-*`` folders left out: ingest's
tables (a batch commits by its manifest shard; :func:`batch_files`) and the tables of run roots written
before segments existed. Such a table's top-level files become segment ``.`` on its first append.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

import pyarrow.fs as pafs

from pacslabel.storage import write_atomic

log = logging.getLogger(__name__)

POINTER = "_committed.json"
SEGMENT_PREFIX = "v-"
TOP = "."


def new_segment_name() -> str:
    """A fresh segment name; names sort in the order they were made."""
    return f"{SEGMENT_PREFIX}{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{uuid.uuid4().hex[:8]}"


def segments(fs: pafs.FileSystem, table: str) -> list[str] | None:
    """The committed segments of the table at ``table`` (a filesystem path); None without a pointer."""
    try:
        with fs.open_input_stream(f"{table}/{POINTER}") as f:
            return list(json.loads(f.read())["segments"])
    except FileNotFoundError:
        return None


def _parquet_name(relative: str) -> bool:
    """A Parquet file whose path (relative to a table) has no hidden or private part."""
    return relative.endswith(".parquet") and not any(p.startswith((".", "_")) for p in relative.split("/"))


def _parquet(fs: pafs.FileSystem, directory: str, recursive: bool) -> list[pafs.FileInfo]:
    """Parquet files under ``directory`` whose relative path has no hidden or private part."""
    selector = pafs.FileSelector(directory, recursive=recursive, allow_not_found=True)
    base = directory.rstrip("/") + "/"
    infos = fs.get_file_info(selector)
    return [i for i in infos if i.type == pafs.FileType.File and _parquet_name(i.path[len(base) :])]


def file_infos(fs: pafs.FileSystem, table: str) -> list[pafs.FileInfo]:
    """The committed Parquet files of the table at ``table``, sorted by path."""
    names = segments(fs, table)
    if names is None:
        base = table.rstrip("/") + "/"
        found = [i for i in _parquet(fs, table, True) if not i.path[len(base) :].startswith(SEGMENT_PREFIX)]
    else:
        found = [i for s in names for i in _parquet(fs, table if s == TOP else f"{table}/{s}", s != TOP)]
    return sorted(found, key=lambda info: info.path)


def batch_files(fs: pafs.FileSystem, table: str, manifest: str) -> list[str]:
    """The shards ``part-<batch>.parquet`` of an ingest table whose batch has a manifest shard."""
    committed = {info.base_name for info in _parquet(fs, manifest, False)}
    return [info.path for info in _parquet(fs, table, False) if info.base_name in committed]


def commit(fs: pafs.FileSystem, table: str, segment: str, append: bool = False) -> list[str]:
    """Commit ``segment`` (a name made by :func:`new_segment_name`, its files written) as the table at
    ``table``, or appended to it; returns the committed segments."""
    names = segments(fs, table)
    if names is None:
        names = [TOP] if append and _parquet(fs, table, False) else []
    names = [*names, segment] if append else [segment]
    write_atomic(fs, f"{table}/{POINTER}", json.dumps({"segments": names}, indent=1).encode())
    _collect(fs, table, names)
    return names


def _collect(fs: pafs.FileSystem, table: str, keep: list[str]) -> None:
    """Delete the segments not in ``keep`` (and top-level Parquet files unless ``.`` is kept)."""
    for info in fs.get_file_info(pafs.FileSelector(table, allow_not_found=True)):
        name = info.base_name
        try:
            if info.type == pafs.FileType.Directory and name.startswith(SEGMENT_PREFIX) and name not in keep:
                fs.delete_dir(info.path)
            elif info.type == pafs.FileType.File and TOP not in keep and _parquet_name(name):
                fs.delete_file(info.path)
        except OSError as exc:
            log.warning("could not delete %s, no longer committed: %s", info.path, exc)
