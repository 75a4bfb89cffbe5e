"""The run root: one local path or pyarrow filesystem URI under which every stage reads and writes.

Table names are the contract between stages (see DESIGN.md); this module only resolves them to
paths, writes small files atomically and keeps the run's private salt.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

import pyarrow.fs as pafs

MANIFEST = "manifest"
TAGS = "tags"
IMAGES = "images"
REJECTS = "rejects"
REPORTS = "reports"
FEATURES_TAGS = "features/tags"
CONSTRAINTS = "constraints"
MODELS = "models"
EMBEDDINGS = "embeddings"
LABELS = "labels"
REGIONS = "regions"
EXPORTS = "exports"
SEARCH = "models/search"
SEARCH_RESULTS = "search"
PRIVATE = "_private"


class RunRoot:
    """Resolve table paths under a run root and read / write small files atomically."""

    def __init__(self, uri: str | os.PathLike[str]):
        uri = str(uri)
        if "://" not in uri:
            uri = str(Path(uri).expanduser().resolve())
        self.uri = uri
        self.fs, self.base = pafs.FileSystem.from_uri(uri)
        self.is_local = isinstance(self.fs, pafs.LocalFileSystem)

    def __repr__(self) -> str:
        return f"RunRoot({self.uri!r})"

    def path(self, *parts: str) -> str:
        """Filesystem path (no scheme) of ``parts`` under the root, for use with ``self.fs``."""
        return "/".join([self.base.rstrip("/"), *parts])

    def uri_of(self, *parts: str) -> str:
        """URI of ``parts`` under the root, for readers that take URIs (Ray Data, pyarrow.dataset)."""
        if self.is_local:
            return self.path(*parts)
        return "/".join([self.uri.rstrip("/"), *parts])

    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def has_table(self, name: str) -> bool:
        """True when the table directory exists and holds at least one Parquet file."""
        if not self.exists(name):
            return False
        selector = pafs.FileSelector(self.path(name), recursive=True)
        return any(info.path.endswith(".parquet") for info in self.fs.get_file_info(selector))

    def count_rows(self, name: str) -> int:
        """Rows of a table, from its Parquet footers."""
        import pyarrow.dataset as pads

        return pads.dataset(self.path(name), filesystem=self.fs, format="parquet").count_rows()

    def makedirs(self, *parts: str) -> str:
        p = self.path(*parts)
        self.fs.create_dir(p, recursive=True)
        return p

    def write_bytes(self, data: bytes, *parts: str) -> None:
        """Write a small file atomically: a temporary sibling, then a rename (a copy on object stores)."""
        target = self.path(*parts)
        self.fs.create_dir(target.rsplit("/", 1)[0], recursive=True)
        tmp = f"{target}.tmp-{uuid.uuid4().hex}"
        with self.fs.open_output_stream(tmp) as out:
            out.write(data)
        self.fs.move(tmp, target)

    def read_bytes(self, *parts: str) -> bytes:
        with self.fs.open_input_stream(self.path(*parts)) as f:
            return f.read()

    def write_text(self, text: str, *parts: str) -> None:
        self.write_bytes(text.encode(), *parts)

    def read_text(self, *parts: str) -> str:
        return self.read_bytes(*parts).decode()

    def write_json(self, obj: Any, *parts: str) -> None:
        self.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", *parts)

    def read_json(self, *parts: str) -> Any:
        return json.loads(self.read_text(*parts))

    def salt(self) -> bytes:
        """The run's secret salt for hashing linking keys, created on first use and kept under _private/."""
        if not self.exists(PRIVATE, "salt"):
            self.write_bytes(secrets.token_hex(32).encode(), PRIVATE, "salt")
            if self.is_local:
                os.chmod(self.path(PRIVATE, "salt"), 0o600)
        return self.read_bytes(PRIVATE, "salt")
