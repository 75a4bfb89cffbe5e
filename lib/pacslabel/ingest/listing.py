"""Parallel listing of the PACS dump: one Ray task per top-level sub-folder, ``os.scandir``, no suffix filter.

Symbolic links to directories are not followed (no loops); a symlink to a file is listed with its
target's size and mtime. Entries that cannot be stat'ed are listed with size -1 so that they end up
in rejects (``unreadable``) instead of disappearing.
"""

from __future__ import annotations

import logging
import os
import time

import pyarrow as pa

log = logging.getLogger(__name__)

LISTING_SCHEMA = pa.schema([("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64())])


def scan_tree(top: str) -> pa.Table:
    """Every file under ``top`` (recursively) as a (path, size, mtime_ns) table."""
    paths: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = list(it)
        except OSError as exc:
            log.warning("cannot list %s: %s", directory, exc)
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                if not entry.is_file(follow_symlinks=True):
                    continue
                st = entry.stat(follow_symlinks=True)
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError:
                size, mtime = -1, -1
            paths.append(os.path.abspath(entry.path))
            sizes.append(size)
            mtimes.append(mtime)
    return pa.table({"path": paths, "size": sizes, "mtime_ns": mtimes}, schema=LISTING_SCHEMA)


def list_files(input_dir: str, settle_seconds: float = 0.0, num_cpus: float = 0.5) -> pa.Table:
    """Listing of ``input_dir`` sorted by path; files modified in the last ``settle_seconds`` are left out."""
    import ray

    top = os.path.abspath(input_dir)
    if not os.path.isdir(top):
        raise FileNotFoundError(f"input directory {top} does not exist")
    scan = ray.remote(num_cpus=num_cpus)(scan_tree)
    refs = []
    direct: list[str] = []
    with os.scandir(top) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                refs.append(scan.remote(entry.path))
            else:
                direct.append(entry.path)
    tables = [_stat_files(direct), *ray.get(refs)]
    table = pa.concat_tables(tables)
    if settle_seconds > 0:
        import pyarrow.compute as pc

        cutoff = time.time_ns() - int(settle_seconds * 1e9)
        table = table.filter(pc.less_equal(table["mtime_ns"], cutoff))
    return table.sort_by("path")


def _stat_files(paths: list[str]) -> pa.Table:
    rows = {"path": [], "size": [], "mtime_ns": []}
    for p in paths:
        try:
            if not os.path.isfile(p):
                continue
            st = os.stat(p)
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime = -1, -1
        rows["path"].append(os.path.abspath(p))
        rows["size"].append(size)
        rows["mtime_ns"].append(mtime)
    return pa.table(rows, schema=LISTING_SCHEMA)
