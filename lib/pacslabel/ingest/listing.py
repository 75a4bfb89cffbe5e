"""Listing of the PACS dump, no suffix filter: in the driver up to a bounded number of files, else by
Ray tasks over groups of top-level entries. A local dump is walked with ``os.scandir``; a dump on
another filesystem (object storage: ``s3://bucket/prefix``) is listed with recursive
``pyarrow.fs.FileSelector``s, one per top-level folder (prefix), named as :mod:`.source` says.

The listing stays in the object store as parts (``Listing.parts``); only its row count reaches the
driver, so a listing of tens of millions of files can be diffed on the cluster (:mod:`.diff`). An input
of at most ``driver_max_files`` files is listed by the driver itself (a walk that passes the bound is
dropped and redone by tasks): starting worker processes costs seconds, stat'ing 50,000 files well
under one.
Symbolic links to directories are not followed (no loops); a symlink to a file is listed with its
target's size and mtime. Entries that cannot be stat'ed are listed with size -1 so that they end up in
rejects (``unreadable``) instead of disappearing.
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from pacslabel.ingest.source import Source

log = logging.getLogger(__name__)

LISTING_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64())])
TASKS_PER_CPU = 4  # top-level folders are grouped into at most this many listing tasks per cluster CPU
FILES_PER_TASK = 20_000  # files directly under the input folder are stat'ed in groups of this size


@dataclass
class Listing:
    """Object refs of ``LISTING_SCHEMA`` tables (each sorted by path) and their total row count."""

    parts: list
    rows: int

    def table(self) -> pa.Table:
        """The whole listing in this process, sorted by path (small listings only)."""
        import ray

        tables = ray.get(self.parts)
        return pa.concat_tables([LISTING_SCHEMA.empty_table(), *tables]).sort_by("path")


def _add_row(rows: dict[str, list], path: str, stat) -> None:
    """Append ``path`` with the size and mtime of ``stat()`` (-1 when it cannot be stat'ed)."""
    try:
        st = stat()
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError:
        size, mtime = -1, -1
    rows["path"].append(os.path.abspath(path))
    rows["size"].append(size)
    rows["mtime_ns"].append(mtime)


def _entry_row(entry: os.DirEntry, rows: dict[str, list]) -> str | None:
    """Append a file's row; return the path of a directory to descend into (None otherwise)."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return entry.path
        if not entry.is_file(follow_symlinks=True):
            return None
    except OSError:
        pass
    _add_row(rows, entry.path, lambda: entry.stat(follow_symlinks=True))
    return None


def scan_tree(top: str, rows: dict[str, list], max_rows: int | None = None) -> bool:
    """Append every file under ``top`` (recursively) to ``rows``; False when ``rows`` passed ``max_rows``."""
    stack = [top]
    while stack:
        if max_rows is not None and len(rows["path"]) > max_rows:
            return False
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            log.warning("cannot list %s: %s", directory, exc)
            continue
        stack += [d for d in (_entry_row(e, rows) for e in entries) if d]
    return max_rows is None or len(rows["path"]) <= max_rows


def scan_part(
    dirs: list[str], files: list[str], cutoff_ns: int | None, max_rows: int | None = None
) -> tuple[pa.Table | None, int]:
    """The files under ``dirs`` plus ``files``, modified no later than ``cutoff_ns`` (one listing task);
    ``(None, 0)`` as soon as there are more than ``max_rows``."""
    if max_rows is not None and len(files) > max_rows:
        return None, 0
    rows: dict[str, list] = {"path": [], "size": [], "mtime_ns": []}
    for d in dirs:
        if not scan_tree(d, rows, max_rows):
            return None, 0
    for f in files:
        if os.path.isfile(f):
            _add_row(rows, f, lambda f=f: os.stat(f))
    return _finish(rows, cutoff_ns, max_rows)


def _finish(
    rows: dict[str, list], cutoff_ns: int | None, max_rows: int | None
) -> tuple[pa.Table | None, int]:
    if max_rows is not None and len(rows["path"]) > max_rows:
        return None, 0
    table = pa.table(rows, schema=LISTING_SCHEMA)
    if cutoff_ns is not None:
        table = table.filter(pc.less_equal(table["mtime_ns"], cutoff_ns))
    return table.sort_by("path"), table.num_rows


def _add_infos(rows: dict[str, list], source: Source, infos: list[pafs.FileInfo]) -> None:
    for info in infos:
        if info.type == pafs.FileType.File:
            rows["path"].append(source.file_uri(info.path))
            rows["size"].append(info.size if info.size is not None else -1)
            rows["mtime_ns"].append(info.mtime_ns if info.mtime_ns is not None else -1)


def scan_remote_part(
    uri: str, dirs: list[str], cutoff_ns: int | None, max_rows: int | None = None
) -> tuple[pa.Table | None, int]:
    """The objects under the folders ``dirs`` of the dump at ``uri`` (one listing task); ``(None, 0)``
    as soon as there are more than ``max_rows``."""
    source = Source(uri)
    rows: dict[str, list] = {"path": [], "size": [], "mtime_ns": []}
    for d in dirs:
        try:
            _add_infos(rows, source, source.fs.get_file_info(pafs.FileSelector(d, recursive=True)))
        except OSError as exc:
            log.warning("cannot list %s: %s", source.file_uri(d), exc)
        if max_rows is not None and len(rows["path"]) > max_rows:
            return None, 0
    return _finish(rows, cutoff_ns, max_rows)


def _groups(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def list_files(
    input_dir: str, settle_seconds: float = 0.0, num_cpus: float = 0.5, driver_max_files: int = 0
) -> Listing:
    """Listing of ``input_dir`` (a local directory or URI); files modified in the last
    ``settle_seconds`` are left out."""
    import ray

    cutoff = time.time_ns() - int(settle_seconds * 1e9) if settle_seconds > 0 else None
    source = Source(input_dir)
    if not source.is_local:
        return _list_remote(source, cutoff, num_cpus, driver_max_files)
    top = os.path.abspath(input_dir.removeprefix("file://"))
    if not os.path.isdir(top):
        raise FileNotFoundError(f"input directory {top} does not exist")
    dirs: list[str] = []
    files: list[str] = []
    with os.scandir(top) as it:
        for entry in it:
            (dirs if entry.is_dir(follow_symlinks=False) else files).append(entry.path)
    if driver_max_files > 0:
        table, rows = scan_part(dirs, files, cutoff, driver_max_files)
        if table is not None:
            return Listing([ray.put(table)], rows)
    task = ray.remote(num_cpus=num_cpus, num_returns=2)(scan_part)
    task_args = [(group, []) for group in _dir_groups(dirs)]
    task_args += [([], group) for group in _groups(sorted(files), FILES_PER_TASK)]
    refs = [task.remote(d, f, cutoff) for d, f in task_args]
    return _gather([table for table, _ in refs], [n for _, n in refs])


def _dir_groups(dirs: list[str]) -> list[list[str]]:
    """Top-level folders in at most ``TASKS_PER_CPU`` groups per cluster CPU."""
    import ray

    max_tasks = TASKS_PER_CPU * max(1, int(ray.cluster_resources().get("CPU", 1)))
    return _groups(sorted(dirs), max(1, math.ceil(len(dirs) / max_tasks)))


def _gather(parts: list, counts: list, known: int = 0) -> Listing:
    """The listing of table refs ``parts``: ``known`` rows plus the row counts of refs ``counts``."""
    import ray

    return Listing(parts, known + sum(ray.get(counts)))


def _list_remote(source: Source, cutoff: int | None, num_cpus: float, driver_max_files: int) -> Listing:
    """The dump on a filesystem URI: its top level here, its folders here up to ``driver_max_files``
    objects, else by Ray tasks."""
    import ray

    if source.fs.get_file_info(source.base).type != pafs.FileType.Directory:
        raise FileNotFoundError(f"input {source.name} does not exist or holds no files")
    top = source.fs.get_file_info(pafs.FileSelector(source.base))
    dirs = [info.path for info in top if info.type == pafs.FileType.Directory]
    rows: dict[str, list] = {"path": [], "size": [], "mtime_ns": []}
    _add_infos(rows, source, top)
    files, n_files = _finish(rows, cutoff, None)
    if driver_max_files > 0 and n_files <= driver_max_files:
        table, n = scan_remote_part(source.uri, dirs, cutoff, driver_max_files - n_files)
        if table is not None:
            return Listing([ray.put(pa.concat_tables([files, table]).sort_by("path"))], n_files + n)
    task = ray.remote(num_cpus=num_cpus, num_returns=2)(scan_remote_part)
    refs = [task.remote(source.uri, group, cutoff) for group in _dir_groups(dirs)]
    return _gather([ray.put(files), *(t for t, _ in refs)], [n for _, n in refs], n_files)
