"""The labelling stage: sample -> fit fusion -> k-means per partition -> assign every instance.

``run_label(cfg)`` (job ``label``) fits a new model on a modality-balanced sample and (re)writes ``labels/``
for every instance; ``assign_new(run_root, ...)`` and ``assign_increment`` (called by relabel) assign only
instances without a label to the saved centroids and append their rows, with a drift report against the
training distances.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import numpy as np
import pyarrow as pa

from pacslabel.label.assign import emb_column
from pacslabel.label.batches import Assigner, pool_group, with_pool_key
from pacslabel.label.config import AssignConfig, LabelConfig
from pacslabel.label.context import read_context
from pacslabel.label.drift import DriftConfig, distance_drift, quantiles
from pacslabel.label.fit import fit_model
from pacslabel.label.inputs import (
    PlainEmbedding,
    anchor_of,
    available_sources,
    count_anchor,
    fusion_inputs,
    increment_table,
    sample_inputs,
)
from pacslabel.label.model import MODEL_DIR, LabelModel
from pacslabel.label.partition import UNASSIGNED
from pacslabel.label.pooling import AGGREGATOR_CPUS, POOL_KEY, pool_table
from pacslabel.runroot import LABEL_MODEL, LABELS, TAGS, UID, RunRoot, Tables, embeddings_table, model_dir
from pacslabel.runtime import init_ray, join_kwargs

log = logging.getLogger(__name__)


def tables(cfg: LabelConfig) -> Tables:
    """The embeddings the labels are made from, and what the label stage writes."""
    return Tables(
        reads=tuple(embeddings_table(s) for s in cfg.sources), writes=(model_dir(LABEL_MODEL), LABELS)
    )


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


# ---------------------------------------------------------------- Ray stage


def _archive_previous(rr: RunRoot, previous: LabelModel) -> str:
    old = previous.meta.get("run_id") or "unknown"
    dest = f"{MODEL_DIR}/previous/{old}"
    for name in ("centroids.npy", "fusion.npz", "train_distances.npy", "meta.json"):
        if rr.exists(MODEL_DIR, name):
            rr.write_bytes(rr.read_bytes(MODEL_DIR, name), dest, name)
    return dest


def _label_stats(batches, k_ids: np.ndarray) -> tuple[int, dict[int, int], np.ndarray]:
    """(rows, rows per label id, distances) of ``labels/`` rows given as numpy batches."""
    counts: dict[int, int] = {int(i): 0 for i in k_ids}
    dists, n = [], 0
    for b in batches:
        lab, cnt = np.unique(b["label"], return_counts=True)
        for a, c in zip(lab, cnt, strict=True):
            counts[int(a)] = counts.get(int(a), 0) + int(c)
        d = np.asarray(b["distance"], np.float32)
        dists.append(d[np.isfinite(d)])
        n += len(b["label"])
    return n, counts, (np.concatenate(dists) if dists else np.zeros(0, np.float32))


def _dataset_stats(ds, k_ids: np.ndarray) -> tuple[int, dict[int, int], np.ndarray]:
    batches = ds.select_columns(["label", "distance"]).iter_batches(batch_format="numpy", batch_size=65536)
    return _label_stats(batches, k_ids)


def pooled(ds, model: LabelModel, partitions: int):
    """The fusion inputs as the model assigns them: pooled by series when it was fitted so."""

    if model.pool != "series":
        return ds
    return pool_dataset(ds, list(model.fusion.sources), model.fusion.dims_, partitions)


def run_label(cfg: LabelConfig) -> dict:
    """Fit the labelling model on a sample and write ``labels/`` for every instance; returns a summary."""

    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    run_id = cfg.run_id or new_run_id()
    t0 = time.perf_counter()
    sources, skipped = available_sources(rr, list(cfg.sources))
    if skipped:
        log.warning("configured sources without embeddings under %s: %s (left out)", rr.uri, skipped)
    if not sources:
        raise FileNotFoundError(
            f"no embeddings/<source>/ table under {rr.uri} for sources {list(cfg.sources)}"
        )
    n_total = count_anchor(rr, sources)
    sample = sample_inputs(
        rr,
        sources,
        cfg.train_sample,
        seed=cfg.seed,
        n_total=n_total,
        balance=cfg.balance_modalities,
        by_series=cfg.pool == "series",
    )
    t_sample = time.perf_counter() - t0
    previous = LabelModel.load(rr) if cfg.stable_ids and LabelModel.exists(rr) else None
    model, fit = fit_model(cfg, sample, previous=previous, run_id=run_id)
    archived = _archive_previous(rr, previous) if previous is not None else None
    model.meta["config"] = {
        "fusion": cfg.fusion,
        "k": cfg.k,
        "k_rule": cfg.k_rule,
        "partition_by": list(cfg.partition_by),
        "pool": cfg.pool,
        "min_series_per_label": cfg.min_series_per_label,
        "device": cfg.device,
        "spherical": cfg.spherical,
        "store_all_distances": cfg.store_all_distances,
        "train_sample": cfg.train_sample,
    }
    model.save(rr)
    t_fit = time.perf_counter() - t0 - t_sample

    ds = fusion_inputs(rr, sources, partitions=cfg.assign.join_partitions)
    ds = pooled(ds, model, cfg.assign.join_partitions)
    out = assign_dataset(
        ds,
        model,
        run_id,
        min_actors=cfg.assign.min_actors,
        max_actors=cfg.assign.max_actors,
        batch_size=cfg.assign.batch_size,
        num_cpus=cfg.assign.num_cpus,
        store_all_distances=cfg.store_all_distances,
    ).materialize()
    segment = rr.new_segment(LABELS)
    out.write_parquet(rr.uri_of(segment))
    rr.commit(LABELS, segment)
    n, counts, dists = _dataset_stats(out, model.label_ids)
    if n != n_total:
        log.warning(
            "labels rows %d != anchor rows %d (duplicate report keys or duplicate instances?)", n, n_total
        )
    drift_check = distance_drift(model.train_distances, dists, cfg.drift) if len(dists) else None
    return {
        "run_id": run_id,
        "n_instances": n_total,
        "n_labelled": n,
        "n_sample": len(sample.uids),
        "sources": sources,
        "sources_skipped": skipped,
        "fusion": cfg.fusion,
        "missing_policy": cfg.missing,
        **fit,
        "label_sizes": {str(k): v for k, v in sorted(counts.items())},
        "empty_labels": sum(1 for v in counts.values() if v == 0),
        "distance": quantiles(dists),
        "model_dir": rr.uri_of(MODEL_DIR),
        "previous_model_archived_to": archived,
        "all_vs_sample_ks": None if drift_check is None else round(drift_check["ks_statistic"], 4),
        "seconds_sample": round(t_sample, 3),
        "seconds_fit": round(t_fit, 3),
        "seconds_assign": round(time.perf_counter() - t0 - t_sample - t_fit, 3),
    }


def assign_new(
    run_root: str | RunRoot,
    uids: list[str] | None = None,
    ds=None,
    *,
    run_id: str | None = None,
    assign: AssignConfig | None = None,
    drift: DriftConfig | None = None,
    method: str | None = None,
) -> dict:
    """Assign instances that have no label yet to the saved centroids and append their ``labels/`` rows.

    - ``uids``: only these instances (they must have embeddings under the run root); ``None``: every
      anchor instance without a label.
    - ``ds``: alternatively a Ray Dataset in fusion-input form (``sop_instance_uid`` + ``emb_<source>``
      columns, as :func:`pacslabel.label.inputs.fusion_inputs` makes), or, for a single-source model, with
      an ``embedding`` column.
    With a series-pooled model the instances assigned together are pooled by series. Append-only: rows
    whose sop_instance_uid is already in ``labels/`` are skipped, so re-running adds
    nothing twice. Returns counts, cluster sizes of the new rows and a drift report.
    """

    rr = run_root if isinstance(run_root, RunRoot) else RunRoot(run_root)
    assign = assign or AssignConfig()
    if not LabelModel.exists(rr):
        raise FileNotFoundError(f"no labelling model under {rr.uri_of(MODEL_DIR)}; run the label job first")
    model = LabelModel.load(rr)
    run_id = run_id or new_run_id()
    sources = list(model.fusion.sources)
    if ds is None:
        ds = fusion_inputs(rr, sources, partitions=assign.join_partitions, uids=uids, exclude_labelled=True)
    else:
        names = ds.columns()
        if "embedding" in names and len(sources) == 1:
            plain = PlainEmbedding(sources[0])
            ds = ds.select_columns([UID, "embedding"]).map_batches(plain, batch_format="pyarrow")
        elif not any(emb_column(s) in names for s in sources):
            raise ValueError(f"dataset needs {UID} and emb_<source> columns for {sources}; it has {names}")
        if "modality" not in names and rr.has_table(TAGS):
            ctx = read_context(rr, False, assign.join_partitions, 2)
            ds = ds.join(ctx, join_type="left_outer", on=(UID,), **join_kwargs(2, assign.join_partitions))
        if rr.has_table(LABELS):
            done = rr.read_parquet(LABELS, columns=[UID])
            ds = ds.join(done, join_type="left_anti", on=(UID,), **join_kwargs(1, assign.join_partitions))
    ds = pooled(ds, model, assign.join_partitions)
    store_all = bool(model.meta.get("config", {}).get("store_all_distances", False))
    out = assign_dataset(
        ds,
        model,
        run_id,
        min_actors=assign.min_actors,
        max_actors=assign.max_actors,
        batch_size=assign.batch_size,
        num_cpus=assign.num_cpus,
        store_all_distances=store_all,
    ).materialize()
    n, counts, dists = _dataset_stats(out, model.label_ids)
    if n:
        segment = rr.new_segment(LABELS)
        out.write_parquet(rr.uri_of(segment))
        rr.commit(LABELS, segment, append=True)
    return _assignment_summary(model, run_id, n, counts, dists, drift)


def assign_increment(
    rr: RunRoot,
    uids: np.ndarray,
    rows_of,
    anchor_rows: pa.Table | None = None,
    *,
    run_id: str | None = None,
    drift: DriftConfig | None = None,
) -> tuple[pa.Table, dict]:
    """:func:`assign_new` on the driver for a few instances without a label: (their ``labels/`` rows, for
    the caller to append; the summary with the drift report). ``rows_of`` reads rows by key (see
    :func:`pacslabel.label.inputs.align_sources`); ``anchor_rows`` spares the anchor table's read."""

    model = LabelModel.load(rr)
    run_id = run_id or new_run_id()
    table = increment_table(rr, list(model.fusion.sources), uids, rows_of, anchor_rows)
    if model.pool == "series":
        table = pool_table(table, list(model.fusion.sources), model.fusion.dims_)
    store_all = bool(model.meta.get("config", {}).get("store_all_distances", False))
    out = Assigner(model, run_id, store_all)(table)
    batch = {"label": out.column("label").to_numpy(), "distance": out.column("distance").to_numpy()}
    n, counts, dists = _label_stats([batch], model.label_ids)
    return out, _assignment_summary(model, run_id, n, counts, dists, drift)


def _assignment_summary(
    model: LabelModel, run_id: str, n: int, counts: dict, dists: np.ndarray, drift
) -> dict:
    report = (
        distance_drift(model.train_distances, dists, drift)
        if model.train_distances is not None and len(model.train_distances)
        else None
    )
    unassigned = counts.get(UNASSIGNED, 0)
    log.info("assigned %d new instances to %d centroids (run %s)", n, model.k, run_id)
    if unassigned:
        log.warning("%d new instances have a modality the model never saw: label %d", unassigned, UNASSIGNED)
    return {
        "run_id": run_id,
        "model_run_id": model.meta.get("run_id"),
        "n_assigned": n,
        "n_unassigned": unassigned,
        "label_sizes": {str(k): v for k, v in sorted(counts.items()) if v},
        "distance": quantiles(dists),
        "drift": report,
        "retrain_recommended": bool(unassigned or (report and report["retrain_recommended"])),
    }


def drift_for_run(run_root: str | RunRoot, new_distances: np.ndarray, cfg: DriftConfig | None = None) -> dict:
    """Drift report of ``new_distances`` against the saved model's training distances."""
    rr = run_root if isinstance(run_root, RunRoot) else RunRoot(run_root)
    model = LabelModel.load(rr)
    return distance_drift(model.train_distances, new_distances, cfg)


def new_labels(steps, assign: AssignConfig, drift: DriftConfig) -> dict[str, Any]:
    """labels/ rows of the instances that ``steps`` (relabel's increments) finds without one (on the
    driver up to ``steps.inline_max_rows``), with the drift report."""
    sources = list(LabelModel.load(steps.rr).fusion.sources)
    anchor = anchor_of(sources)
    inc = steps.increment(embeddings_table(anchor) if anchor else TAGS, UID, LABELS)
    uids = np.asarray(inc.keys.to_pylist() if inc else [], dtype=object)
    if len(uids) > steps.inline_max_rows:
        return assign_new(steps.rr, uids=list(uids), assign=assign, drift=drift)
    # the anchor's new rows are in the increment's files: no second key scan of that table
    anchor_rows = None
    if anchor and len(uids):
        anchor_rows = PlainEmbedding(anchor)(steps.read(inc, [UID, "embedding"]))
    labels, summary = assign_increment(steps.rr, uids, steps.rows_with_keys, anchor_rows, drift=drift)
    steps.append(labels, LABELS)
    return summary


def assign_dataset(
    ds,
    model,
    run_id: str,
    *,
    min_actors: int = 1,
    max_actors: int = 2,
    batch_size: int = 4096,
    num_cpus: float = 1.0,
    store_all_distances: bool = False,
):
    """Lazy Ray Dataset of label rows: ``map_batches(Assigner)`` on an actor pool."""
    import ray

    return ds.map_batches(
        Assigner,
        fn_constructor_kwargs={
            "model": model,
            "run_id": run_id,
            "store_all_distances": store_all_distances,
            "threads": max(1, int(num_cpus)),
        },
        compute=ray.data.ActorPoolStrategy(min_size=min_actors, max_size=max_actors),
        batch_size=batch_size,
        batch_format="pyarrow",
        num_cpus=num_cpus,
    )


def pool_dataset(ds, sources: list[str], dims: dict[str, int], partitions: int):
    """Lazy Ray Dataset with every instance's embeddings pooled over its series: a hash shuffle into
    ``partitions`` partitions. Its aggregators only hold rows until the groups are complete, so they
    reserve no CPU (:data:`AGGREGATOR_CPUS`): the joins before them and the assigners after them
    already hold fractions of the CPUs, and the shuffle's own tasks need whole ones."""
    keyed = ds.map_batches(with_pool_key, batch_format="pyarrow")
    keyed.context.hash_shuffle_operator_actor_num_cpus_override = AGGREGATOR_CPUS
    return keyed.groupby(POOL_KEY, num_partitions=partitions).map_groups(
        pool_group, batch_format="pyarrow", fn_kwargs={"sources": list(sources), "dims": dict(dims)}
    )
