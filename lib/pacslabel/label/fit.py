"""Fitting the labelling model on the in-memory sample (driver, no Ray).

The sample's instances are split by patient (else study) into train / validation / test
(:mod:`pacslabel.splits`); the fusion and every partition's centroids are fitted on train, K is chosen on
validation, and test is never seen. Label ids stay stable across retraining: new centroids take the id of
the old label whose sample rows they took over (Hungarian matching on co-assignments).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from pacslabel.label.drift import quantiles
from pacslabel.label.fusion import Fusion
from pacslabel.label.kfit import fit_partitions
from pacslabel.label.kmeans import resolve_device
from pacslabel.label.medoids import kmedoids_sample, nearest_to_centroids
from pacslabel.label.model import LabelModel
from pacslabel.label.names import label_names
from pacslabel.label.partition import UNASSIGNED, partition_keys, without_study_sources
from pacslabel.label.pooling import pool_arrays, series_groups
from pacslabel.label.stable_ids import apply_mapping, match_labels
from pacslabel.runroot import SERIES_UID, STUDY_UID, UID
from pacslabel.splits import assign_splits, group_keys

log = logging.getLogger(__name__)


def sample_splits(sample, cfg) -> np.ndarray:
    """Split name of every sample row (by patient key, else study, else the instance itself)."""
    ctx = sample.context
    n = len(sample.uids)
    patient = ctx.get("patient_key", np.full(n, None, dtype=object))
    study = ctx.get(STUDY_UID)
    study = sample.uids if study is None else np.where(study == None, sample.uids, study)  # noqa: E711
    return assign_splits(group_keys(patient, study), cfg.split_seed, cfg.split)


def _previous_ids(previous: LabelModel | None, fusion, parts, present, context) -> np.ndarray | None:
    """Label ids the previous model gives the sample rows; None when it cannot read this sample."""
    if previous is None:
        return None
    old = previous.fusion
    if list(old.sources) != list(fusion.sources) or old.dims_ != fusion.dims_:
        log.warning("sources or dimensions changed since the previous model: label ids start afresh")
        return None
    ids, _, _ = previous.assign(parts, present, context)
    return ids


def stable_label_ids(old_ids: np.ndarray | None, new_index: np.ndarray, k: int) -> tuple[np.ndarray, str]:
    """Label id of every new centroid: the old id it shares most rows with, else a fresh one."""

    if old_ids is None:
        return np.arange(k, dtype=np.int32), "fresh"
    ok = (old_ids != UNASSIGNED) & (new_index >= 0)
    return apply_mapping(match_labels(old_ids[ok], new_index[ok], k), k), "co-assignment"


def _texts(ctx: dict, n: int) -> list[str]:
    cols = [ctx.get(c, np.full(n, None, dtype=object)) for c in ("series_description", "protocol_name")]
    return [" ".join(str(v) for v in vals if v is not None) for vals in zip(*cols, strict=True)]


def fit_model(cfg, sample, previous: LabelModel | None = None, run_id: str = "") -> tuple[LabelModel, dict]:
    """Fit fusion and per-partition k-means on the sample; returns (model, summary)."""

    t0 = time.perf_counter()
    n = len(sample.uids)
    groups = series_groups(sample.context.get(SERIES_UID, [None] * n), sample.uids)
    parts, present = sample.parts, sample.present
    if cfg.pool == "series":
        parts, present = pool_arrays(parts, present, groups)
    split = sample_splits(sample, cfg)
    train, val = split == "train", split == "validation"
    if not train.any():
        train, val = np.ones(n, bool), np.zeros(n, bool)
    fusion = Fusion(
        sources=list(sample.parts),
        method=cfg.fusion,
        weights={s: w for s, w in cfg.weights.items() if s in sample.parts},
        center=cfg.center,
        missing=cfg.missing,
        source_k=cfg.source_k,
        temperature=cfg.temperature,
        seed=cfg.seed,
        device=cfg.device,
    )
    fusion.fit({s: p[train] for s, p in parts.items()}, {s: m[train] for s, m in present.items()})
    keys = partition_keys(sample.context, cfg.partition_by, n)
    x = fusion.transform(parts, present)
    x = without_study_sources(x, keys, cfg.partition_by, fusion, cfg.study_sources)
    t_fusion = time.perf_counter() - t0
    centroids, partitions, fits = fit_partitions(x, keys, train, val, cfg, groups)
    model = LabelModel(
        fusion=fusion,
        centroids=centroids,
        label_ids=np.arange(len(centroids), dtype=np.int32),
        partition_by=list(cfg.partition_by),
        partitions=partitions,
        study_sources=list(cfg.study_sources),
        pool=cfg.pool,
    )
    idx, dist = model.index().search(x, keys)
    model.label_ids, id_rule = stable_label_ids(
        _previous_ids(previous, fusion, parts, present, sample.context), idx, model.k
    )
    labels = np.where(idx >= 0, model.label_ids[np.maximum(idx, 0)], UNASSIGNED)
    ctx = sample.context
    fitted = train | val
    model.names = label_names(
        labels[fitted],
        ctx.get("modality", np.full(n, None, dtype=object))[fitted],
        ctx.get("region", np.full(n, None, dtype=object))[fitted],
        keys[fitted],
        [t for t, f in zip(_texts(ctx, n), fitted, strict=True) if f],
    )
    model.train_distances = dist[train]
    model.meta = {
        "run_id": run_id,
        "n_sample": n,
        "split": {"seed": cfg.split_seed, "fractions": list(cfg.split)},
        "n_split": {s: int((split == s).sum()) for s in ("train", "validation", "test")},
        "sampling": sample.summary,
        "k_selection": {f.key: f.summary() for f in fits},
        "label_id_rule": id_rule,
        "train_distance_quantiles": quantiles(dist[train]),
        "missing_rate": {s: float(1.0 - m.mean()) for s, m in sample.present.items()},
    }
    reps = nearest_to_centroids(x[fitted], model.centroids)
    model.meta["representatives"] = [
        {"label": int(model.label_ids[j]), UID: str(sample.uids[fitted][r])} for j, r in enumerate(reps)
    ]
    if previous is not None:
        model.meta["previous_run_id"] = previous.meta.get("run_id")
    if cfg.medoids:
        _add_medoids(model, x[fitted], labels[fitted], sample.uids[fitted], cfg)
    sizes = np.bincount(idx[idx >= 0], minlength=model.k)
    summary = {
        "k": model.k,
        "n_partitions": len(fits),
        "k_per_partition": {f.key: f.k for f in fits},
        "device": resolve_device(cfg.device),
        "fusion_seconds": round(t_fusion, 3),
        "fit_seconds": round(time.perf_counter() - t0, 3),
        "dims": int(x.shape[1]),
        "label_id_rule": id_rule,
        "n_split": model.meta["n_split"],
        "sample_cluster_sizes_min_max": [int(sizes.min()), int(sizes.max())],
    }
    return model, summary


def _add_medoids(model: LabelModel, x: np.ndarray, labels: np.ndarray, uids: np.ndarray, cfg) -> None:
    """k-medoids (FasterPAM) of a subsample; medoid instances and their labels go to meta.json."""

    med = kmedoids_sample(x, model.k, n=cfg.medoid_sample, seed=cfg.seed, init_from=model.centroids)
    model.meta["medoids"] = [{UID: str(uids[r]), "label": int(labels[r])} for r in med["rows"]]
    model.meta["kmedoids"] = {k: v for k, v in med.items() if k != "rows"}
