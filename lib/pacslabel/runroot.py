"""The run root: one local path or filesystem URI under which every stage reads and writes.

Table names are the contract between stages (see DESIGN.md); this module resolves them to paths,
lists a table's committed files and commits new segments of it (:mod:`pacslabel.commits`: no
directory is ever renamed, so object stores work like a local disk), writes small files atomically
and keeps the run's private salt.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

import pyarrow.dataset as pads
import pyarrow.fs as pafs

from pacslabel import commits, storage

# Every table and artifact, as a path under the run root; the comment names the stage that writes it.
MANIFEST = "manifest"  # ingest
TAGS = "tags"  # ingest
IMAGES = "images"  # ingest
REJECTS = "rejects"  # ingest
REPORTS = "reports"  # ingest (the reports file joined to tags)
REGIONS = "regions"  # tags
REGIONS_WORK = "_work/regions"  # tags (staging of regions/)
TAG_PROFILE = "tag_profile"  # tags
FEATURES_TAGS = "features/tags"  # tags
FEATURE_NAMES = ("features", "tags_feature_names.json")  # tags
CONSTRAINTS = "constraints"  # tags
TAG_KMEDOIDS = "tag_kmedoids"  # tags
REPORT_TOKENS = "_work/reports/tokens"  # text
MODELS = "models"  # tags, train, text, label: one folder per model
REGION_MODEL = "region_model"  # tags, under MODELS
TAG_PREPROCESSOR = "tag_preprocessor"  # tags, under MODELS
LABEL_MODEL = "kmeans"  # label, under MODELS
EMBEDDINGS = "embeddings"  # embed, text: one table per source
EMBEDDINGS_TAGS = f"{EMBEDDINGS}/tags"
EMBEDDINGS_IMAGES = f"{EMBEDDINGS}/images"
EMBEDDINGS_REPORTS = f"{EMBEDDINGS}/reports"
LABELS = "labels"  # label, relabel
METRICS = "metrics.json"  # evaluate
REPORT_HTML = "report.html"  # evaluate
PROJECTION_CACHE = ("_work", "evaluate", "projection.npz")  # evaluate
COMPARE_JSON = "compare.json"  # compare
COMPARE_MD = "compare.md"  # compare
ABLATION_JSON = "ablation.json"  # ablate
ABLATION_MD = "ablation.md"  # ablate
EXPORTS = "exports"  # export
SEARCH = "models/search"  # search
SEARCH_RESULTS = "search"  # search
TRAIN_STORAGE = "_train"  # train: Ray Train checkpoints unless storage_path is set
JOBS = "_jobs"  # every job: _jobs/<verb>/config.yaml, summary.json
PRIVATE = "_private"
BATCH_TABLES = (TAGS, IMAGES, REJECTS)  # committed batch by batch by MANIFEST shards, once it exists

# Key columns
UID = "sop_instance_uid"
STUDY_UID = "study_instance_uid"
SERIES_UID = "series_instance_uid"
ACCESSION_KEY = "accession_key"


@dataclass(frozen=True)
class Tables:
    """The run-root tables a stage reads and those it writes: the pipeline re-runs a stage when what
    it reads changed, or when something it writes is missing."""

    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()


def embeddings_table(source: str) -> str:
    """The embeddings table of ``source`` (images, tags or reports)."""
    return f"{EMBEDDINGS}/{source}"


def model_dir(name: str) -> str:
    """The folder of model ``name``."""
    return f"{MODELS}/{name}"


class RunRoot:
    """Resolve table paths under a run root and read / write small files atomically."""

    def __init__(self, uri: str | os.PathLike[str]):
        self.fs, self.base = storage.from_uri(str(uri))
        self.uri = str(uri) if storage.is_uri(str(uri)) else self.base
        self.is_local = isinstance(self.fs, pafs.LocalFileSystem)

    def __repr__(self) -> str:
        return f"RunRoot({storage.redacted(self.uri)!r})"

    def path(self, *parts: str) -> str:
        """Filesystem path (no scheme) of ``parts`` under the root, for use with ``self.fs``."""
        return "/".join([self.base.rstrip("/"), *parts])

    def uri_of(self, *parts: str) -> str:
        """URI of ``parts`` under the root, for readers that take URIs (Ray Data, pyarrow.dataset)."""
        if self.is_local:
            return self.path(*parts)
        return storage.join(self.uri, *parts)

    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    # ---- tables: committed files only (see pacslabel.commits)

    def table_files(self, name: str) -> list[str]:
        """The committed Parquet files of a table (filesystem paths, for use with ``self.fs``)."""
        if name in BATCH_TABLES and self.exists(MANIFEST):
            return commits.batch_files(self.fs, self.path(name), self.path(MANIFEST))
        return [info.path for info in commits.file_infos(self.fs, self.path(name))]

    def has_table(self, name: str) -> bool:
        """True when the table has at least one committed Parquet file."""
        return bool(self.table_files(name))

    def dataset(self, name: str):
        """The committed files of a table as a ``pyarrow.dataset.Dataset``."""

        return pads.dataset(self.table_files(name), filesystem=self.fs, format="parquet")

    def count_rows(self, name: str) -> int:
        """Rows of a table, from its Parquet footers."""
        return self.dataset(name).count_rows()

    def read_parquet(self, name: str, **kwargs: Any):
        """The committed files of a table as a Ray Dataset (``kwargs`` go to ``ray.data.read_parquet``)."""
        import ray

        return ray.data.read_parquet(self.table_files(name), filesystem=self.fs, **kwargs)

    def new_segment(self, name: str) -> str:
        """A new segment of a table to write into (path relative to the root); unseen until committed."""
        return f"{name}/{commits.new_segment_name()}"

    def commit(self, name: str, segment: str, append: bool = False) -> None:
        """Make ``segment`` (from :meth:`new_segment`, fully written) the table, or append it to it."""
        commits.commit(self.fs, self.path(name), segment.rsplit("/", 1)[-1], append)

    # ---- small files

    def makedirs(self, *parts: str) -> str:
        p = self.path(*parts)
        self.fs.create_dir(p, recursive=True)
        return p

    def write_bytes(self, data: bytes, *parts: str) -> None:
        """Write a small file atomically (see :func:`pacslabel.storage.write_atomic`)."""
        storage.write_atomic(self.fs, self.path(*parts), data)

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
