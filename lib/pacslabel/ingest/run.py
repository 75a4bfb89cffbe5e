"""The ingest stage on Ray: list -> diff -> supersede -> map_batches(IngestWorker) -> dedup -> summary.

Data flow (streaming; the driver holds a bounded diff, the changed paths and one stats row per batch):

1. clean up shards of batches an interrupted run never committed;
2. list the input, a local directory or a filesystem URI such as ``s3://bucket/prefix`` (in the
   driver up to ``driver_list_max_files`` files, else Ray tasks over groups of top-level folders; the
   parts stay in the object store);
3. diff against the committed manifest (in the driver up to ``driver_diff_max_rows`` rows, else as a
   Ray hash join that stages new and changed files as Parquet under ``_staging/``);
4. supersede changed files (their old rows are removed, manifest last);
5. stream the to-do list (one block per batch: made in the driver for a bounded list, else
   ``read_parquet -> repartition``) through ``map_batches(IngestWorker, ActorPoolStrategy)`` (a few
   files: the same batches in the driver process); every batch resolves its own duplicate instances,
   writes and commits its own shards, and returns one stats row that the driver folds into the summary;
6. resolve duplicate instances across batches and runs (:mod:`.dedup`: in the driver for a small run
   root, else a Ray hash aggregation on sop_instance_uid) and rewrite the batches that hold losers.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import math
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads

from pacslabel.ingest import dedup, incremental
from pacslabel.ingest.batches import BatchProcessor, IngestWorker
from pacslabel.ingest.config import IngestConfig
from pacslabel.ingest.diff import Diff, diff_partition_count, plan_on_ray
from pacslabel.ingest.listing import Listing, list_files
from pacslabel.ingest.reports import join_reports
from pacslabel.ingest.tables import TODO_COLUMNS
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, REPORTS, TAGS, RunRoot, Tables
from pacslabel.runtime import init_ray
from pacslabel.storage import redacted

log = logging.getLogger(__name__)


def tables(cfg: IngestConfig) -> Tables:
    """What ingest reads (the dump, outside the run root) and writes."""
    return Tables(writes=(MANIFEST, TAGS, IMAGES, REJECTS, REPORTS))


STAGING = "_staging"


def new_run_id() -> str:
    """Start time to the microsecond and a random suffix: run ids sort in the order the runs began."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]


def _num_workers(cfg: IngestConfig) -> int:
    if cfg.num_workers:
        return cfg.num_workers
    import ray

    cpus = ray.cluster_resources().get("CPU", 1.0)
    return max(1, int(cpus // cfg.cpus_per_worker))


def _diff(listing: Listing, root: RunRoot, cfg: IngestConfig, staging: str) -> Diff:
    """New and changed files: diffed in this process when the listing and the committed manifest are
    small, else as a Ray hash join staged under ``staging``/todo (the driver's memory stays flat)."""
    files = incremental.manifest_files(root)
    committed = pads.dataset(files, filesystem=root.fs, format="parquet").count_rows() if files else 0
    rows = listing.rows + committed
    if rows > cfg.driver_diff_max_rows:
        partitions = diff_partition_count(rows, cfg.diff_partitions, cfg.diff_partition_rows)
        return plan_on_ray(listing, root, files, committed, staging, partitions)
    todo, superseded, counts = incremental.plan(listing.table(), incremental.read_committed(root, files))
    return Diff(todo.num_rows, superseded, counts, todo=todo.rename_columns(TODO_COLUMNS))


def _fold(total: dict[str, Any], stats: dict[str, Any]) -> None:
    for key, value in stats.items():
        if key == "batch_id":
            continue
        if key == "pid":  # the actor that ran the batch
            total.setdefault("pids", set()).add(value)
            continue
        if isinstance(value, dict):
            bucket = total.setdefault(key, collections.Counter())
            bucket.update(value)  # counts of a deduplication's rewrites may be negative
        elif isinstance(value, int | float):
            total[key] = total.get(key, 0) + value


def _todo_dataset(diff: Diff, root: RunRoot, cfg: IngestConfig):
    """The to-do list as a Ray dataset of one block per batch (one block = one actor task), and whether
    its blocks were made here (no read or split task then needs a CPU that the actor pool holds)."""
    import ray

    if diff.todo_rows <= cfg.driver_diff_max_rows:
        todo = _todo_table(diff, root)
        slices = [todo.slice(i, cfg.batch_size) for i in range(0, todo.num_rows, cfg.batch_size)]
        return ray.data.from_arrow(slices), True
    ds = ray.data.read_parquet(
        root.uri_of(diff.todo_dir), columns=TODO_COLUMNS, ray_remote_args={"num_cpus": 0}
    )
    # the reader coalesces small files into one block (target_min_block_size, 1 MiB ~ 10k paths)
    return ds.repartition(target_num_rows_per_block=cfg.batch_size), False


def _todo_table(diff: Diff, root: RunRoot) -> pa.Table:
    """The to-do rows in this process (bounded lists only)."""
    if diff.todo is not None:
        return diff.todo
    dataset = pads.dataset(root.path(diff.todo_dir), filesystem=root.fs, format="parquet")
    return dataset.to_table(columns=TODO_COLUMNS)


def _ingest_on_driver(
    todo: pa.Table, cfg: IngestConfig, salt: bytes, run_id: str, root: RunRoot, source: str, totals: dict
) -> int:
    """A few files (a scheduled increment): the same batches in this process, with its own decoder child."""
    processor = BatchProcessor(cfg, salt, run_id, root.uri, source)
    try:
        for start in range(0, todo.num_rows, cfg.batch_size):
            part = todo.slice(start, cfg.batch_size)
            _fold(totals, processor.process(*(part[c].to_pylist() for c in TODO_COLUMNS)))
    finally:
        processor.close()
    return math.ceil(todo.num_rows / cfg.batch_size)


def ingest_new_files(
    input_dir: str, root: RunRoot, cfg: IngestConfig, salt: bytes | None = None, run_id: str | None = None
) -> dict[str, Any]:
    """Ingest every file of ``input_dir`` (a local directory or URI) not yet committed under ``root`` (new
    or changed); returns counts.

    Safe to call repeatedly (e.g. by a scheduled relabel): unchanged files are skipped, an
    interrupted call is completed by the next one.
    """
    import ray

    run_id = run_id or new_run_id()
    salt = salt if salt is not None else root.salt()  # read once on the driver, handed to workers
    started = time.time()
    cleaned = incremental.cleanup_uncommitted(root)
    root.makedirs(MANIFEST)  # from now on tags / images / rejects count only batches with a manifest shard
    listing = list_files(input_dir, cfg.settle_seconds, cfg.list_cpus_per_task, cfg.driver_list_max_files)
    t_list = time.time() - started
    staging = f"{STAGING}/ingest-{run_id}"
    diff = _diff(listing, root, cfg, staging)
    del listing
    counts = {**diff.counts, "superseded": incremental.supersede(root, diff.superseded)}
    summary: dict[str, Any] = {
        "run_id": run_id,
        "input": redacted(input_dir),
        **counts,
        "cleaned": cleaned,
        "to_ingest": diff.todo_rows,
        "list_seconds": round(t_list, 3),
        "diff_seconds": round(time.time() - started - t_list, 3),
        "diff_partitions": diff.partitions,
    }
    totals: dict[str, Any] = {}
    n_batches = 0
    t0 = time.time()
    if diff.todo_rows:
        root.write_bytes(b"", *dedup.PENDING)
    if 0 < diff.todo_rows <= cfg.inline_max_files:
        n_batches = _ingest_on_driver(_todo_table(diff, root), cfg, salt, run_id, root, input_dir, totals)
        summary["workers"] = 0
    elif diff.todo_rows:
        workers = min(_num_workers(cfg), math.ceil(diff.todo_rows / cfg.batch_size))
        ds, blocks_made_here = _todo_dataset(diff, root, cfg)
        # blocks made here: the whole pool starts at once. Otherwise one actor first, so that the read
        # and split tasks find a CPU (an actor holds its CPUs for the whole run), and 2 tasks in flight
        # per actor, without which the utilisation never reaches the upscaling threshold (175 %)
        pool = ray.data.ActorPoolStrategy(
            min_size=workers if blocks_made_here else 1, max_size=workers, max_tasks_in_flight_per_actor=2
        )
        ds = ds.map_batches(
            IngestWorker,
            fn_constructor_args=(cfg, salt, run_id, root.uri, input_dir),
            batch_size=cfg.batch_size,
            batch_format="pyarrow",
            compute=pool,
            num_cpus=cfg.cpus_per_worker,
        )
        # closing: a failed run releases its actors at once, not when the traceback is collected
        with contextlib.closing(iter(ds.iter_batches(batch_format="pyarrow", batch_size=None))) as batches:
            for batch in batches:
                for text in batch["stats"].to_pylist():
                    _fold(totals, json.loads(text))
                    n_batches += 1
        summary["workers"] = workers
    if diff.todo_rows:
        summary["ingest_seconds"] = round(time.time() - t0, 3)
    if root.exists(*dedup.PENDING):
        found = dedup.deduplicate(
            root,
            run_id,
            cfg.driver_dedup_max_rows,
            lambda rows: diff_partition_count(rows, cfg.diff_partitions, cfg.diff_partition_rows),
            staging,
        )
        _fold(totals, found.pop("this_run", {}))
        summary["duplicates"] = {"in_batches": int(totals.get("duplicates", 0)), **found}
        root.fs.delete_file(root.path(*dedup.PENDING))
    with contextlib.suppress(OSError):
        root.fs.delete_dir(root.path(staging))
    files = int(totals.get("files", 0))
    seconds = summary.get("ingest_seconds") or 0.0
    summary.update(
        batches=n_batches,
        files=files,
        images=int(totals.get("images", 0)),
        tags=int(totals.get("tags", 0)),
        rejects=int(totals.get("rejects", 0)),
        reasons={k: v for k, v in sorted(totals.get("reasons", {}).items()) if v},
        window_sources=dict(sorted(totals.get("window_sources", {}).items())),
        redactions={k: v for k, v in sorted(totals.get("redactions", {}).items()) if v},
        redacted_words=int(totals.get("redacted_words", 0)),
        decoder_restarts=int(totals.get("decoder_restarts", 0)),
        actors_used=len(totals.get("pids", ())),
        megabytes=round(totals.get("bytes", 0) / 1e6, 3),
        files_per_second=round(files / seconds, 2) if seconds else None,
        header_seconds=round(totals.get("header_s", 0.0), 3),
        pixel_seconds=round(totals.get("pixels_s", 0.0), 3),
        redact_seconds=round(totals.get("redact_s", 0.0), 3),
        seconds=round(time.time() - started, 3),
    )
    return summary


def run_ingest(cfg: IngestConfig) -> dict[str, Any]:
    """The ingest stage: ``ingest_new_files`` over ``cfg.input``, then the optional reports join."""
    init_ray(cfg.ray)
    root = RunRoot(cfg.run_root)
    salt = root.salt()
    summary = ingest_new_files(cfg.input, root, cfg, salt=salt)
    if cfg.reports:
        summary["reports"] = join_reports(cfg.reports, root, salt)
    return summary
