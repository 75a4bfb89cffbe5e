"""The PACS dump being ingested: a local directory, or a prefix on any filesystem URI (object storage).

Files are named by absolute local paths, or by URIs under the dump's URI without its query or
credentials (``s3://bucket/dump/study/1.dcm``): the manifest names a file the same way whatever
endpoint reaches it. Local files are read with plain ``open`` (the fast path); others through the
pyarrow filesystem of the dump's URI, made once per process.
"""

from __future__ import annotations

import pyarrow.fs as pafs

from pacslabel import storage
from pacslabel.ingest.pixels import read_head


class Source:
    """Where the dump is and how to read its files. ``uri`` "" or a local path: the local fast path."""

    def __init__(self, uri: str = ""):
        self.uri = uri
        self.is_local = not storage.is_uri(uri) or uri.startswith("file://")
        self.fs: pafs.FileSystem | None = None
        self.base = self.name = ""  # of a dump on a filesystem URI: its path in ``fs`` and its name
        if not self.is_local:
            self.fs, base = storage.from_uri(uri)
            self.base = base.rstrip("/")
            self.name = storage.bare(uri)

    def file_uri(self, fs_path: str) -> str:
        """The name of the file at ``fs_path`` (a path of ``self.fs`` under the dump)."""
        return self.name + fs_path[len(self.base) :]

    def fs_path(self, name: str) -> str:
        """The path of ``self.fs`` of the file named ``name``."""
        if not name.startswith(self.name):
            raise ValueError(f"{name} is not under {self.name}")
        return self.base + name[len(self.name) :]

    def read_head(self, name: str, limit: int | None = None) -> bytes:
        """At most ``limit`` bytes (None: all) from the start of the file ``name``."""
        if self.is_local:
            return read_head(name, limit)
        with self.fs.open_input_file(self.fs_path(name)) as f:
            n = f.size()
            return f.read(n if limit is None else min(limit, n))
