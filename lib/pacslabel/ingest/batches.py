"""The ``map_batches`` callables of ingest: the per-batch worker and the classification of the diff's join.

:class:`IngestWorker` is a callable class for ``map_batches`` (one decoder child per actor, started
once): header pass in the worker, pixels in its isolated decoder process, burned-in text redacted
(:mod:`.redact`, its OCR engine loaded once), the batch's duplicate instances resolved (:mod:`.dedup`),
atomic commit.
:class:`BatchProcessor` is the same logic without Ray, used by the worker, by the driver for a few files
and by tests. :func:`classify` turns a partition of the Ray diff's join into to-do rows.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import time
import uuid
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pydicom

from pacslabel.ingest import dedup
from pacslabel.ingest.decode import DecoderProcess
from pacslabel.ingest.header import inspect_file
from pacslabel.ingest.pixels import guarded, process_dataset, process_file
from pacslabel.ingest.readahead import ReadAhead
from pacslabel.ingest.redact import NONE, Redactor
from pacslabel.ingest.rejects import check_reason
from pacslabel.ingest.source import Source
from pacslabel.ingest.tables import (
    MANIFEST_SCHEMA,
    REJECTS_SCHEMA,
    TODO_COLUMNS,
    images_table,
    rows_to_table,
    shard_name,
    write_table_atomic,
)
from pacslabel.ingest.tag_row import TAGS_SCHEMA
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, TAGS, UID, RunRoot

log = logging.getLogger(__name__)


class InjectedFailure(RuntimeError):
    """Raised by ``fail_after_batches``: a worker dies between its data shards and its commit (tests only)."""


STATS_SCHEMA = pa.schema([("batch_id", pa.string()), ("stats", pa.string())])


def _quiet_pydicom() -> None:
    pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
    logging.getLogger("pydicom").setLevel(logging.ERROR)


class BatchProcessor:
    """Turns (path, size, mtime_ns) rows of the dump at ``source`` (a local path or URI; "": local
    paths) into committed shards; holds the decoder process."""

    def __init__(self, cfg: Any, salt: bytes, run_id: str, run_root: str, source: str = ""):
        _quiet_pydicom()
        self.cfg = cfg
        self.salt = salt
        self.run_id = run_id
        self.root = RunRoot(run_root)
        self.source = Source(source)
        self.decoder = None
        self.committed = 0
        d = cfg.decode
        read = None if self.source.is_local else self.source.read_head
        self.read_ahead = ReadAhead(d.read_ahead_files, d.read_ahead_bytes, d.header_read_bytes, read)
        self.redactor = Redactor(cfg.redact)
        if d.isolation == "process":
            # not at the top: the decoder child runs ``decode`` as __main__ after importing this package

            self.decoder = DecoderProcess(
                cfg.export, d.timeout_s, d.max_file_bytes, d.fault_hook, d.child_memory_gb, source
            )

    def _pixels(self, path: str, hdr: Any) -> dict[str, Any]:
        if hdr.dataset is not None:
            return guarded(process_dataset, hdr.dataset, self.cfg.export, hdr.values)
        if self.decoder is not None:
            return self.decoder.process(path)
        return guarded(
            process_file, path, self.cfg.export, self.cfg.decode.max_file_bytes, self.source.read_head
        )

    def process(self, paths: list[str], sizes: list[int], mtimes: list[int]) -> dict[str, Any]:
        batch_id = f"{self.run_id}-{uuid.uuid4().hex[:12]}"
        restarts_before = getattr(self.decoder, "restarts", 0)
        tags_rows, image_rows, pixels, reject_rows, manifest_rows = [], [], [], [], []
        stats: dict[str, Any] = collections.defaultdict(int)
        reasons: collections.Counter = collections.Counter()
        windows: collections.Counter = collections.Counter()
        redactions: collections.Counter = collections.Counter()
        t_header = t_pixels = t_redact = 0.0
        wanted = [0 < size <= self.cfg.decode.max_file_bytes for size in sizes]
        heads = self.read_ahead.heads(paths, sizes, wanted)
        for path, size, mtime, head in zip(paths, sizes, mtimes, heads, strict=True):
            status = "rejected"
            tsuid = uid = None
            try:
                t0 = time.perf_counter()
                hdr = inspect_file(path, size, self.salt, self.run_id, self.cfg, head, self.source.read_head)
                t_header += time.perf_counter() - t0
                tsuid = hdr.transfer_syntax_uid
                if hdr.tags is not None:
                    tags_rows.append(hdr.tags)
                    uid = hdr.tags[UID]
                if hdr.reject is not None:
                    stage, reason, message = hdr.reject
                else:
                    t0 = time.perf_counter()
                    res = self._pixels(path, hdr)
                    t_pixels += time.perf_counter() - t0
                    if res.get("ok"):
                        status = "ok"
                        res["redaction"] = NONE
                        if hdr.redact_rule is not None:
                            t0 = time.perf_counter()
                            res["pixels"], res["redaction"], words = self.redactor(
                                res["pixels"], res["orig_rows"], res["orig_cols"]
                            )
                            t_redact += time.perf_counter() - t0
                            stats["redacted_words"] += words
                        redactions[res["redaction"]] += 1
                        pixels.append(res.pop("pixels"))
                        image_rows.append(
                            {
                                **res,
                                UID: hdr.sop_instance_uid,
                                "path": path,
                                "run_id": self.run_id,
                                "transfer_syntax_uid": tsuid,
                            }
                        )
                        windows[res.get("window_source")] += 1
                    else:
                        stage, reason, message = res["stage"], res["reason"], res.get("message", "")
            except Exception as exc:  # a bug in our code must not lose the file: it becomes a reject
                log.exception("internal error on %s", path)
                stage, reason, message = "header", "internal_error", f"{type(exc).__name__}: {exc}"[:500]
            if status != "ok":
                reject_rows.append(
                    {
                        "path": path,
                        "stage": stage,
                        "reason": check_reason(reason),
                        "message": message,
                        "run_id": self.run_id,
                        "transfer_syntax_uid": tsuid,
                        UID: uid,
                    }
                )
                reasons[reason] += 1
            manifest_rows.append(
                {
                    "path": path,
                    "size": size,
                    "mtime_ns": mtime,
                    "status": status,
                    "run_id": self.run_id,
                    "batch_id": batch_id,
                }
            )
            stats["bytes"] += max(size, 0)
        losers = dedup.batch_losers(tags_rows, {row["path"] for row in image_rows})
        if losers:
            demoted = [row for row in tags_rows if row["path"] in losers]
            tags_rows = [row for row in tags_rows if row["path"] not in losers]
            kept = [i for i, row in enumerate(image_rows) if row["path"] not in losers]
            windows.subtract(row["window_source"] for row in image_rows if row["path"] in losers)
            redactions.subtract(row["redaction"] for row in image_rows if row["path"] in losers)
            image_rows, pixels = [image_rows[i] for i in kept], [pixels[i] for i in kept]
            reasons.subtract(row["reason"] for row in reject_rows if row["path"] in losers)
            reject_rows = [row for row in reject_rows if row["path"] not in losers]
            reject_rows += [self._duplicate(row, losers[row["path"]]) for row in demoted]
            for row in manifest_rows:
                if row["path"] in losers:
                    row["status"] = "rejected"
            reasons[dedup.DUPLICATE] += len(losers)
        name = shard_name(batch_id)
        fs = self.root.fs
        if tags_rows:
            write_table_atomic(fs, self.root.path(TAGS), name, rows_to_table(tags_rows, TAGS_SCHEMA))
        if image_rows:
            table = images_table(image_rows, pixels, self.cfg.export.size)
            write_table_atomic(fs, self.root.path(IMAGES), name, table)
        if reject_rows:
            write_table_atomic(fs, self.root.path(REJECTS), name, rows_to_table(reject_rows, REJECTS_SCHEMA))
        if self.cfg.fail_after_batches and self.committed >= self.cfg.fail_after_batches:
            raise InjectedFailure(
                f"fail_after_batches={self.cfg.fail_after_batches}: stopping before the commit"
            )
        # commit point: the manifest shard is written last
        write_table_atomic(fs, self.root.path(MANIFEST), name, rows_to_table(manifest_rows, MANIFEST_SCHEMA))
        stats.update(
            files=len(paths),
            images=len(image_rows),
            tags=len(tags_rows),
            rejects=len(reject_rows),
            header_s=t_header,
            pixels_s=t_pixels,
            redact_s=t_redact,
            reasons={k: v for k, v in reasons.items() if v},
            window_sources={k: v for k, v in windows.items() if v},
            redactions={k: v for k, v in redactions.items() if v},
            duplicates=len(losers),
            decoder_restarts=getattr(self.decoder, "restarts", 0) - restarts_before,
            pid=os.getpid(),
        )
        self.committed += 1
        return {"batch_id": batch_id, **stats}

    def _duplicate(self, tags: dict[str, Any], kept: str) -> dict[str, Any]:
        """The rejects row of the file of tags row ``tags``, a copy of the instance kept at ``kept``."""
        return {
            "path": tags["path"],
            "stage": dedup.STAGE,
            "reason": dedup.DUPLICATE,
            "message": dedup.duplicate_message(kept),
            "run_id": self.run_id,
            "transfer_syntax_uid": tags["transfer_syntax_uid"],
            UID: tags[UID],
        }

    def close(self) -> None:
        self.read_ahead.close()
        if self.decoder is not None:
            self.decoder.close()


class IngestWorker(BatchProcessor):
    """``map_batches`` callable: pyarrow batch of (file_path, file_size, file_mtime_ns) -> one stats row."""

    def __call__(self, batch: pa.Table) -> pa.Table:
        stats = self.process(*(batch[c].to_pylist() for c in TODO_COLUMNS))
        return pa.table({"batch_id": [stats["batch_id"]], "stats": [json.dumps(stats)]}, schema=STATS_SCHEMA)


def classify(joined: pa.Table) -> pa.Table:
    """Listed rows that are new or changed, one per path, with the batches holding their old rows."""
    listed = pc.is_valid(joined["size"])
    is_new = pc.is_null(joined["old_size"])
    differs = pc.or_kleene(
        pc.not_equal(joined["size"], joined["old_size"]),
        pc.not_equal(joined["mtime_ns"], joined["old_mtime_ns"]),
    )
    changed = pc.fill_null(pc.and_kleene(pc.invert(is_new), differs), False)
    keep = pc.and_(listed, pc.or_(is_new, changed))
    rows = pa.table(
        {
            "file_path": joined["path"],
            "file_size": joined["size"],
            "file_mtime_ns": joined["mtime_ns"],
            "old_batch_id": joined["batch_id"],
            "changed": changed,
        }
    ).filter(keep)
    # a path sits in several old batches only after a bug: one to-do row, every old batch superseded
    grouped = rows.group_by(TODO_COLUMNS, use_threads=False).aggregate(
        [("old_batch_id", "list"), ("changed", "any")]
    )
    return grouped.rename_columns([*TODO_COLUMNS, "old_batch_ids", "changed"]).sort_by("file_path")
