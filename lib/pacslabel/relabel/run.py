"""Scheduled relabelling: ingest the new files, embed only them with the frozen models, assign them.

Nothing is retrained: the tag preprocessor, the tag and image models, the report embedder and the
k-means centroids stay as the last full run left them. Each step finds its increment as the keys
of its input table that its output table lacks (a scan of key columns only), so an interrupted relabel
is finished by the next one and a re-run adds nothing twice. Only the files holding new keys are read;
increments up to ``inline_max_rows`` are encoded and assigned on the driver, larger ones on Ray Data.
The summary says whether the new instances drifted far enough from the training distribution that a full
run (``jobs.pipeline mode=full``) is recommended.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from typing import Any

import pyarrow as pa

from pacslabel.embed.run import new_embeddings
from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.ingest import run_ingest
from pacslabel.label.model import LabelModel
from pacslabel.label.run import new_labels
from pacslabel.relabel.config import RelabelConfig
from pacslabel.relabel.increment import (
    Increment,
    append_rows,
    apply_batches,
    find_increment,
    increment_dataset,
    read_increment,
    rows_with_keys,
)
from pacslabel.runroot import RunRoot
from pacslabel.runtime import init_ray
from pacslabel.tags.run import new_tag_rows
from pacslabel.text.run import new_report_embeddings

log = logging.getLogger(__name__)


class Increments:
    """The increments of one relabel run: each stage's ``new_*`` function finds the rows its input has
    and its output lacks, applies its frozen models to them and appends the result, through these."""

    def __init__(self, cfg: RelabelConfig, rr: RunRoot):
        import ray

        self.cfg, self.rr = cfg, rr
        use_gpu = cfg.use_gpu
        if use_gpu is None:
            use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
        self.use_gpu = bool(use_gpu)

    @property
    def inline_max_rows(self) -> int:
        return self.cfg.inline_max_rows

    def increment(self, table: str, key: str, done: str) -> Increment | None:
        """The keys of ``table`` that ``done`` lacks, and their files; None when there are none."""
        inc = find_increment(
            self.rr,
            table,
            key,
            done,
            driver_max_keys=self.cfg.driver_max_keys,
            partitions=self.cfg.join_partitions,
        )
        return inc if len(inc) else None

    def apply(
        self, inc: Increment, fn, columns=None, batch_format="pandas", gpu=False, fn_kwargs=None, **ctor
    ):
        """The increment's rows through ``fn`` (a batch function, or a class built once with ``ctor``): on the
        driver up to ``inline_max_rows`` rows, else on Ray Data (an actor pool for classes)."""
        if len(inc) <= self.cfg.inline_max_rows:
            call = fn(**ctor, **({"use_gpu": False} if gpu else {})) if isinstance(fn, type) else fn
            if fn_kwargs:
                call = functools.partial(call, **fn_kwargs)
            table = read_increment(self.rr, inc, columns)
            return apply_batches(call, table, batch_format, self.cfg.batch_size)
        import ray

        ds = increment_dataset(self.rr, inc, columns)
        if not isinstance(fn, type):
            return ds.map_batches(
                fn, fn_kwargs=fn_kwargs, batch_format=batch_format, batch_size=self.cfg.batch_size
            )
        if gpu:
            ctor["use_gpu"] = self.use_gpu
        return ds.map_batches(
            fn,
            fn_constructor_kwargs=ctor,
            batch_format=batch_format,
            batch_size=self.cfg.batch_size,
            num_gpus=1 if gpu and self.use_gpu else 0,
            compute=ray.data.ActorPoolStrategy(min_size=1, max_size=self.cfg.actors),
            num_cpus=self.cfg.cpus_per_actor,
        )

    def read(self, inc: Increment, columns: list[str] | None = None) -> pa.Table:
        """The increment's rows, on the driver."""
        return read_increment(self.rr, inc, columns)

    rows_with_keys = staticmethod(rows_with_keys)

    def append(self, rows, table: str) -> int:
        """Append ``rows`` (an Arrow table or a Ray Dataset) to ``table``; returns how many."""
        return append_rows(self.rr, rows, table)


def run_relabel(cfg: RelabelConfig) -> dict[str, Any]:
    """Ingest → encode / embed the increment → assign it; returns counts, drift and the recommendation."""
    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    if not LabelModel.exists(rr):
        raise FileNotFoundError(f"{rr.uri}: no labelling model yet; run the full pipeline first")
    timings: dict[str, float] = {}
    summary: dict[str, Any] = {}

    def timed(name: str, fn):
        t = time.perf_counter()
        summary[name] = fn()
        timings[name] = round(time.perf_counter() - t, 3)

    ingest = dataclasses.replace(
        cfg.ingest, input=cfg.input, run_root=cfg.run_root, reports=cfg.reports, ray=cfg.ray
    )
    timed("ingest", lambda: run_ingest(ingest))
    steps = Increments(cfg, rr)
    timed("tags", lambda: new_tag_rows(steps))
    timed("embed_tags", lambda: new_embeddings(steps, "tags"))
    timed("embed_images", lambda: new_embeddings(steps, "images"))
    timed("reports", lambda: new_report_embeddings(steps))
    timed("assign", lambda: new_labels(steps, cfg.assign, cfg.drift))
    if cfg.evaluate:
        timed("evaluate", lambda: run_evaluate(EvaluateConfig(run_root=cfg.run_root, truth=cfg.truth)))
    summary["retrain_recommended"] = summary["assign"]["retrain_recommended"]
    summary["seconds"] = timings
    if summary["retrain_recommended"]:
        log.warning("new instances drifted from the training distribution: a full run is recommended")
    return summary
