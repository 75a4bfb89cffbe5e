"""The ingest stage on Ray: list -> diff -> supersede -> map_batches(IngestWorker) -> summary.

Data flow (streaming; the driver only ever holds the listing diff and one small stats row per batch):

1. clean up shards of batches an interrupted run never committed;
2. list the input in parallel (one Ray task per top-level folder);
3. diff against the committed manifest: new and changed files are the todo list;
4. supersede changed files (their old rows are removed, manifest last);
5. write the todo list as Parquet under ``_staging/`` and stream it through
   ``ray.data.read_parquet -> map_batches(IngestWorker, ActorPoolStrategy)``; every batch writes and
   commits its own shards, and returns one stats row that the driver folds into the summary.
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
import pyarrow.parquet as pq

from pacslabel.ingest import incremental
from pacslabel.ingest.config import IngestConfig
from pacslabel.ingest.listing import list_files
from pacslabel.ingest.worker import BatchProcessor, IngestWorker
from pacslabel.runroot import RunRoot

log = logging.getLogger(__name__)

STAGING = "_staging"


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _num_workers(cfg: IngestConfig) -> int:
    if cfg.num_workers:
        return cfg.num_workers
    import ray

    cpus = ray.cluster_resources().get("CPU", 1.0)
    return max(1, int(cpus // cfg.cpus_per_worker))


def _write_todo(root: RunRoot, run_id: str, todo: pa.Table, batch_size: int, workers: int) -> tuple[str, int]:
    """Todo list as several Parquet files (so blocks spread over the actor pool); returns the directory."""
    directory = root.makedirs(STAGING, f"ingest-{run_id}")
    # Ray 2.58's Parquet reader drops a column named "path": the staging columns carry a prefix
    todo = todo.rename_columns(["file_path", "file_size", "file_mtime_ns"])
    n_batches = math.ceil(todo.num_rows / batch_size)
    n_files = max(1, min(n_batches, max(4 * workers, math.ceil(n_batches / 16)), 2000))
    per_file = math.ceil(n_batches / n_files) * batch_size
    starts = range(0, todo.num_rows, per_file)
    for i, start in enumerate(starts):
        pq.write_table(todo.slice(start, per_file), f"{directory}/todo-{i:05d}.parquet", filesystem=root.fs)
    return root.uri_of(STAGING, f"ingest-{run_id}"), len(starts)


def _fold(total: dict[str, Any], stats: dict[str, Any]) -> None:
    for key, value in stats.items():
        if key == "batch_id":
            continue
        if key == "pid":  # the actor that ran the batch
            total.setdefault("pids", set()).add(value)
            continue
        if isinstance(value, dict):
            bucket = total.setdefault(key, collections.Counter())
            bucket.update(value)
        elif isinstance(value, int | float):
            total[key] = total.get(key, 0) + value


def _ingest_on_driver(
    todo: pa.Table, cfg: IngestConfig, salt: bytes, run_id: str, root: RunRoot, totals: dict[str, Any]
) -> int:
    """A few files (a scheduled increment): the same batches in this process, with its own decoder child."""
    processor = BatchProcessor(cfg, salt, run_id, root.uri)
    try:
        for start in range(0, todo.num_rows, cfg.batch_size):
            part = todo.slice(start, cfg.batch_size)
            stats = processor.process(
                part["path"].to_pylist(), part["size"].to_pylist(), part["mtime_ns"].to_pylist()
            )
            _fold(totals, stats)
    finally:
        processor.close()
    return math.ceil(todo.num_rows / cfg.batch_size)


def ingest_new_files(
    input_dir: str, root: RunRoot, cfg: IngestConfig, salt: bytes | None = None, run_id: str | None = None
) -> dict[str, Any]:
    """Ingest every file of ``input_dir`` not yet committed under ``root`` (new or changed); returns counts.

    Safe to call repeatedly (e.g. by a scheduled relabel): unchanged files are skipped, an
    interrupted call is completed by the next one.
    """
    import ray

    run_id = run_id or new_run_id()
    salt = salt if salt is not None else root.salt()  # read once on the driver, handed to workers
    started = time.time()
    cleaned = incremental.cleanup_uncommitted(root)
    listing = list_files(input_dir, cfg.settle_seconds, cfg.list_cpus_per_task)
    t_list = time.time() - started
    committed = incremental.read_committed(root)
    todo, superseded, counts = incremental.plan(listing, committed)
    del listing, committed
    counts["superseded"] = incremental.supersede(root, superseded)
    summary: dict[str, Any] = {
        "run_id": run_id,
        "input": input_dir,
        **counts,
        "cleaned": cleaned,
        "to_ingest": todo.num_rows,
        "list_seconds": round(t_list, 3),
    }
    totals: dict[str, Any] = {}
    n_batches = 0
    if 0 < todo.num_rows <= cfg.inline_max_files:
        t0 = time.time()
        n_batches = _ingest_on_driver(todo, cfg, salt, run_id, root, totals)
        summary["workers"] = 0
        summary["ingest_seconds"] = round(time.time() - t0, 3)
    elif todo.num_rows:
        workers = min(_num_workers(cfg), math.ceil(todo.num_rows / cfg.batch_size))
        staging, n_files = _write_todo(root, run_id, todo, cfg.batch_size, workers)
        del todo
        ds = ray.data.read_parquet(staging, ray_remote_args={"num_cpus": 0}, override_num_blocks=n_files)
        # the reader coalesces small files into one block (target_min_block_size, 1 MiB ~ 10k paths):
        # one block is one actor task, so split back into batches for the pool to share
        ds = ds.repartition(target_num_rows_per_block=cfg.batch_size)
        ds = ds.map_batches(
            IngestWorker,
            fn_constructor_args=(cfg, salt, run_id, root.uri),
            batch_size=cfg.batch_size,
            batch_format="pyarrow",
            # 2 tasks in flight per actor: with 1 the pool's utilisation never reaches the upscaling
            # threshold (175 %) and it stays at min_size
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=workers, max_tasks_in_flight_per_actor=2),
            num_cpus=cfg.cpus_per_worker,
        )
        t0 = time.time()
        # closing: a failed run releases its actors at once, not when the traceback is collected
        with contextlib.closing(iter(ds.iter_batches(batch_format="pyarrow", batch_size=None))) as batches:
            for batch in batches:
                for text in batch["stats"].to_pylist():
                    _fold(totals, json.loads(text))
                    n_batches += 1
        summary["workers"] = workers
        summary["ingest_seconds"] = round(time.time() - t0, 3)
        with contextlib.suppress(OSError):
            root.fs.delete_dir(root.path(STAGING, f"ingest-{run_id}"))
    files = int(totals.get("files", 0))
    seconds = summary.get("ingest_seconds") or 0.0
    summary.update(
        batches=n_batches,
        files=files,
        images=int(totals.get("images", 0)),
        tags=int(totals.get("tags", 0)),
        rejects=int(totals.get("rejects", 0)),
        reasons=dict(sorted(totals.get("reasons", {}).items())),
        window_sources=dict(sorted(totals.get("window_sources", {}).items())),
        decoder_restarts=int(totals.get("decoder_restarts", 0)),
        actors_used=len(totals.get("pids", ())),
        megabytes=round(totals.get("bytes", 0) / 1e6, 3),
        files_per_second=round(files / seconds, 2) if seconds else None,
        header_seconds=round(totals.get("header_s", 0.0), 3),
        pixel_seconds=round(totals.get("pixels_s", 0.0), 3),
        seconds=round(time.time() - started, 3),
    )
    return summary


def run_ingest(cfg: IngestConfig) -> dict[str, Any]:
    """The ingest job: ``ingest_new_files`` over ``cfg.input``, then the optional reports join."""
    from pacslabel.runtime import init_ray

    init_ray(cfg.ray)
    root = RunRoot(cfg.run_root)
    salt = root.salt()
    summary = ingest_new_files(cfg.input, root, cfg, salt=salt)
    if cfg.reports:
        from pacslabel.ingest.reports import join_reports

        summary["reports"] = join_reports(cfg.reports, root, salt)
    return summary
