"""A DICOM file from outside the archive, placed in the fused space the way relabel places new files.

The file goes through the same steps as a relabelled one, on the driver: ingest's batch processor (header
de-identified, pixels windowed and redacted; in a scratch run root, so the archive is untouched), the
frozen region labeller and tag preprocessor, the frozen image and tag models, the report of its
accession when the archive has one, and the labelling model's fusion.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from pacslabel.embed.batches import Embedder
from pacslabel.imagecol import PIXELS, pixels_to_numpy
from pacslabel.ingest import IngestConfig
from pacslabel.ingest.batches import BatchProcessor
from pacslabel.ingest.config import ExportConfig
from pacslabel.label.assign import CONTEXT, emb_column
from pacslabel.label.batches import PlainEmbedding
from pacslabel.models.store import embedding_model
from pacslabel.relabel.increment import apply_batches, rows_with_keys
from pacslabel.runroot import ACCESSION_KEY, EMBEDDINGS_REPORTS, IMAGES, JOBS, REJECTS, TAGS, UID, RunRoot
from pacslabel.tags.batches import EncodeBatch, RegionBatch
from pacslabel.tags.run import frozen_settings

log = logging.getLogger(__name__)


def ingest_settings(rr: RunRoot):
    """The image export settings the archive was ingested with (the last ingest or pipeline job's saved
    config), in an :class:`IngestConfig` that decodes in-process."""

    export = {}
    for verb, section in (("ingest", ()), ("pipeline", ("ingest",))):
        if rr.exists(JOBS, verb, "config.yaml"):
            saved = yaml.safe_load(rr.read_text(JOBS, verb, "config.yaml")) or {}
            for key in section:
                saved = saved.get(key) or {}
            export = saved.get("export") or {}
            break
    cfg = IngestConfig(input="-", run_root="-", export=ExportConfig(**export))
    return dataclasses.replace(cfg, decode=dataclasses.replace(cfg.decode, isolation="none"))


def ingest_file(rr: RunRoot, path: str) -> tuple[pa.Table, pa.Table]:
    """(tags row, images row) of one DICOM file, made by ingest in a scratch run root; ValueError with
    ingest's reason when the file gives no image."""

    stat = os.stat(path)
    with tempfile.TemporaryDirectory() as tmp:
        proc = BatchProcessor(ingest_settings(rr), rr.salt(), "query", tmp)
        try:
            proc.process([str(path)], [stat.st_size], [stat.st_mtime_ns])
        finally:
            proc.close()
        scratch = RunRoot(tmp)
        if not scratch.has_table(IMAGES):
            reject = pq.read_table(scratch.path(REJECTS), columns=["reason", "message"]).to_pylist()[0]
            raise ValueError(f"{path}: no searchable image ({reject['reason']}: {reject['message']})")
        tags = pq.read_table(scratch.path(TAGS))
        images = pq.read_table(scratch.path(IMAGES), columns=[UID, PIXELS])
    return tags, images


def _embedding(rr: RunRoot, source: str, rows: pa.Table, column: str) -> pa.Table:

    embedder = Embedder(rr.uri, embedding_model(rr, source))
    return PlainEmbedding(source)(apply_batches(embedder, rows.select([UID, column]), "numpy", 64))


def file_inputs(rr: RunRoot, model, path: str) -> tuple[pa.Table, np.ndarray]:
    """(fusion-input row of the file, its ``(S, S)`` uint8 image): ``sop_instance_uid``, ``emb_<source>``
    per source of the labelling model and the context columns."""

    tags, images = ingest_file(rr, path)
    rules, _, max_values = frozen_settings(rr)
    region = apply_batches(RegionBatch(rules, rr.uri), tags, "pandas", 64).column("region")
    row = {UID: tags.column(UID)}
    for c in CONTEXT:
        row[c] = region if c == "region" else tags.column(c) if c in tags.column_names else [None]
    sources = model.fusion.sources
    if "images" in sources:
        row[emb_column("images")] = _embedding(rr, "images", images, PIXELS).column(emb_column("images"))
    if "tags" in sources:
        features = apply_batches(EncodeBatch(rr.uri, rules, max_values), tags, "pandas", 64)
        row[emb_column("tags")] = _embedding(rr, "tags", features, "features").column(emb_column("tags"))
    acc = tags.column(ACCESSION_KEY)[0].as_py() if ACCESSION_KEY in tags.column_names else None
    if "reports" in sources and acc and rr.has_table(EMBEDDINGS_REPORTS):
        report = rows_with_keys(rr, EMBEDDINGS_REPORTS, ACCESSION_KEY, [acc], [ACCESSION_KEY, "embedding"])
        if report is not None and report.num_rows:
            row[emb_column("reports")] = PlainEmbedding("reports")(report.slice(0, 1)).column(
                emb_column("reports")
            )
    return pa.table(row), pixels_to_numpy(images.column(PIXELS))[0]
