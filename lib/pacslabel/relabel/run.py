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

import numpy as np
import yaml

from pacslabel.evaluate import EvaluateConfig
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
from pacslabel.runroot import (
    ACCESSION_KEY,
    EMBEDDINGS,
    EMBEDDINGS_REPORTS,
    FEATURES_TAGS,
    IMAGES,
    LABELS,
    MODELS,
    REGIONS,
    REPORT_TOKENS,
    REPORTS,
    TAG_PREPROCESSOR,
    TAGS,
    UID,
    RunRoot,
    embeddings_table,
)
from pacslabel.tags.batches import EncodeBatch, RegionBatch

log = logging.getLogger(__name__)


def model_for(rr: RunRoot, source: str) -> str:
    """Name of the model under ``models/`` that produced ``embeddings/<source>/`` (by model_version)."""
    import pyarrow.fs as pafs

    table = rr.dataset(embeddings_table(source))
    head = table.head(1, columns=["model_version"]).column(0).to_pylist()
    if not head:
        raise FileNotFoundError(f"{rr.uri_of(EMBEDDINGS, source)} is empty; run the full pipeline first")
    for info in rr.fs.get_file_info(pafs.FileSelector(rr.path(MODELS))):
        name = info.base_name
        if (
            info.type == pafs.FileType.Directory
            and rr.exists(MODELS, name, "meta.json")
            and rr.read_json(MODELS, name, "meta.json").get("model_version") == head[0]
        ):
            return name
    raise FileNotFoundError(f"no model under {rr.uri_of(MODELS)} has model_version {head[0]!r}")


def _saved_config(rr: RunRoot, model: str) -> dict[str, Any]:
    return yaml.safe_load(rr.read_text(MODELS, model, "config.yaml")) or {}


def frozen_tag_settings(rr: RunRoot) -> tuple[str, bool, int]:
    """(region rules path, study consistency, max array values) the tags stage's saved model was fitted
    with: what new instances' regions and tag features are made with."""
    from pacslabel.tags.config import SelectionConfig

    saved = _saved_config(rr, TAG_PREPROCESSOR)
    regions = saved.get("regions") or {}
    max_values = (saved.get("selection") or {}).get("max_array_values", SelectionConfig.max_array_values)
    return regions.get("rules", ""), bool(regions.get("study_consistency", True)), max_values


class _Steps:
    """The increments of one relabel run; each method appends one derived table's new rows."""

    def __init__(self, cfg: RelabelConfig, rr: RunRoot):
        import ray

        self.cfg, self.rr = cfg, rr
        use_gpu = cfg.use_gpu
        if use_gpu is None:
            use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
        self.use_gpu = bool(use_gpu)

    def _increment(self, table: str, key: str, done: str) -> Increment | None:
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

    def _apply(
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

    def tags(self) -> dict[str, int]:
        """regions/ (rules, the saved region model, then study consistency within the new rows) and
        features/tags/ rows of the new tags, with the saved preprocessor."""
        from pacslabel.tags.region_stage import fill_studies

        rules, study_consistency, max_values = frozen_tag_settings(self.rr)
        out = {"regions": 0, "features": 0}
        inc = self._increment(TAGS, UID, REGIONS)
        if inc is not None:
            rows = self._apply(inc, RegionBatch, rules_path=rules, run_root=self.rr.uri)
            if study_consistency:
                rows = fill_studies(rows)
            out["regions"] = append_rows(self.rr, rows, REGIONS)
        inc = self._increment(TAGS, UID, FEATURES_TAGS)
        if inc is not None:
            encoded = self._apply(
                inc, EncodeBatch, run_root=self.rr.uri, rules_path=rules, max_array_values=max_values
            )
            out["features"] = append_rows(self.rr, encoded, FEATURES_TAGS)
        return out

    def embed(self, source: str) -> int:
        """embeddings/<source>/ rows of the new images or tag features, with the frozen model."""
        from pacslabel.embed.batches import Embedder

        table, column = (IMAGES, "pixels") if source == "images" else (FEATURES_TAGS, "features")
        target = embeddings_table(source)
        if not self.rr.has_table(table):
            return 0
        model = model_for(self.rr, source)
        inc = self._increment(table, UID, target)
        if inc is None:
            return 0
        out = self._apply(
            inc, Embedder, [UID, column], batch_format="numpy", gpu=True, run_root=self.rr.uri, name=model
        )
        return append_rows(self.rr, out, target)

    def reports(self) -> dict[str, int]:
        """Tokens and embeddings/reports/ rows of the new reports, with the saved cleaning and embedder."""
        from pacslabel.text.batches import EmbedReports, clean_batch

        target = EMBEDDINGS_REPORTS
        if not (self.rr.has_table(REPORTS) and self.rr.has_table(target)):
            return {"tokens": 0, "embedded": 0}
        model = model_for(self.rr, "reports")
        saved = _saved_config(self.rr, model)
        inc = self._increment(REPORTS, ACCESSION_KEY, REPORT_TOKENS)
        tokens = 0
        if inc is not None:
            cleaned = self._apply(
                inc,
                clean_batch,
                [ACCESSION_KEY, "text"],
                batch_format="pyarrow",
                fn_kwargs={"cfg": saved.get("clean") or {}},
            )
            tokens = append_rows(self.rr, cleaned, REPORT_TOKENS)
        inc = self._increment(REPORT_TOKENS, ACCESSION_KEY, target)
        if inc is None:
            return {"tokens": tokens, "embedded": 0}
        version = self.rr.read_json(MODELS, model, "meta.json")["model_version"]
        out = self._apply(
            inc,
            EmbedReports,
            [ACCESSION_KEY, "tokens", "excluded"],
            batch_format="pyarrow",
            model_uri=self.rr.uri_of(MODELS, model),
            model_version=version,
        )
        return {"tokens": tokens, "embedded": append_rows(self.rr, out, target)}

    def assign(self) -> dict[str, Any]:
        """labels/ rows of the instances without one (on the driver when few), with the drift report."""
        from pacslabel.label import assign_increment, assign_new
        from pacslabel.label.inputs import PlainEmbedding, anchor_of
        from pacslabel.label.model import LabelModel

        sources = list(LabelModel.load(self.rr).fusion.sources)
        anchor = anchor_of(sources)
        inc = self._increment(embeddings_table(anchor) if anchor else TAGS, UID, LABELS)
        uids = np.asarray(inc.keys.to_pylist() if inc else [], dtype=object)
        if len(uids) > self.cfg.inline_max_rows:
            return assign_new(self.rr, uids=list(uids), assign=self.cfg.assign, drift=self.cfg.drift)
        # the anchor's new rows are in the increment's files: no second key scan of that table
        anchor_rows = None
        if anchor and len(uids):
            anchor_rows = PlainEmbedding(anchor)(read_increment(self.rr, inc, [UID, "embedding"]))
        labels, summary = assign_increment(self.rr, uids, rows_with_keys, anchor_rows, drift=self.cfg.drift)
        append_rows(self.rr, labels, LABELS)
        return summary


def run_relabel(cfg: RelabelConfig) -> dict[str, Any]:
    """Ingest → encode / embed the increment → assign it; returns counts, drift and the recommendation."""
    from pacslabel.evaluate import run_evaluate
    from pacslabel.ingest import run_ingest
    from pacslabel.label.model import LabelModel
    from pacslabel.runtime import init_ray

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
    steps = _Steps(cfg, rr)
    timed("tags", steps.tags)
    timed("embed_tags", lambda: steps.embed("tags"))
    timed("embed_images", lambda: steps.embed("images"))
    timed("reports", steps.reports)
    timed("assign", steps.assign)
    if cfg.evaluate:
        timed("evaluate", lambda: run_evaluate(EvaluateConfig(run_root=cfg.run_root, truth=cfg.truth)))
    summary["retrain_recommended"] = summary["assign"]["retrain_recommended"]
    summary["seconds"] = timings
    if summary["retrain_recommended"]:
        log.warning("new instances drifted from the training distribution: a full run is recommended")
    return summary
