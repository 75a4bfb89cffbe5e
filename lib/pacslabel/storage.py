"""Filesystems behind run roots and PACS dumps: a local path, a pyarrow filesystem URI (``s3://``,
``gs://``, ``abfs://``, ``hdfs://``, ``file://``) or any other fsspec URI (wrapped for pyarrow).

A URI may carry the filesystem's options as a query, e.g.
``s3://bucket/prefix?endpoint_override=host:9000&scheme=http`` for an S3-compatible server; options
are kept out of the URIs of the files under it (:func:`bare`), so that the manifest names a file the
same way wherever the job runs. Credentials come from the environment (``AWS_ACCESS_KEY_ID``, …).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.fs as pafs


def is_uri(path: str) -> bool:
    return "://" in path


def from_uri(uri: str) -> tuple[pafs.FileSystem, str]:
    """``(filesystem, path)`` of a local path or URI; schemes pyarrow does not know go through fsspec."""
    if not is_uri(uri):
        return pafs.LocalFileSystem(), str(Path(uri).expanduser().resolve())
    try:
        return pafs.FileSystem.from_uri(uri)
    except pa.ArrowInvalid:  # not a pyarrow scheme
        import fsspec

        fs, path = fsspec.core.url_to_fs(uri)
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path


def join(uri: str, *parts: str) -> str:
    """``parts`` appended to the path of ``uri``, before its query."""
    if not parts:
        return uri
    base, sep, query = uri.partition("?")
    return "/".join([base.rstrip("/"), *parts]) + sep + query


def bare(uri: str) -> str:
    """``uri`` without query, credentials or trailing slash: the name of a place, not how to reach it."""
    if not is_uri(uri):
        return uri.rstrip("/") or "/"
    s = urlsplit(uri)
    return urlunsplit((s.scheme, s.hostname or "", s.path, "", "")).rstrip("/")


def redacted(uri: str) -> str:
    """``uri`` with any credentials taken out, for summaries and logs."""
    if not is_uri(uri):
        return uri
    s = urlsplit(uri)
    netloc = s.netloc.rpartition("@")[2]
    secret = ("access_key", "secret_key", "session_token")
    query = "&".join(kv for kv in s.query.split("&") if kv and kv.split("=", 1)[0] not in secret)
    return urlunsplit((s.scheme, netloc, s.path, query, s.fragment))


def renames(fs: pafs.FileSystem) -> bool:
    """Whether ``fs`` has an atomic rename (a POSIX or HDFS filesystem, not an object store)."""
    return isinstance(fs, pafs.LocalFileSystem | pafs.HadoopFileSystem)


def write_atomic(fs: pafs.FileSystem, target: str, data: bytes | pa.Buffer) -> None:
    """Write ``data`` so that ``target`` appears whole or not at all.

    With a rename: through a hidden sibling. Object stores publish an object only when its upload
    has completed (one PUT, or the completion of a multipart upload), so ``target`` is written
    directly, from memory: an upload that fails half-way is never completed.
    """
    directory, _, name = target.rpartition("/")
    fs.create_dir(directory, recursive=True)
    path = f"{directory}/.tmp-{uuid.uuid4().hex}-{name}" if renames(fs) else target
    with fs.open_output_stream(path) as out:
        out.write(data)
    if path != target:
        fs.move(path, target)
