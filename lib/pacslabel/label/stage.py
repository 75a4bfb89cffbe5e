"""The labelling stage: sample -> fit fusion -> choose K -> FAISS k-means -> assign every instance.

``run_label(cfg)`` (job ``label``) fits a new model on a random sample and (re)writes ``labels/`` for every
instance; ``assign_new(run_root, ...)`` (called by the relabel job) assigns only instances without a label
to the saved centroids and appends their rows, with a drift report against the training distances.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa

from pacslabel.config import ConfigError
from pacslabel.label.drift import DriftConfig, distance_drift, quantiles
from pacslabel.label.model import MODEL_DIR, LabelModel
from pacslabel.runroot import LABELS, RunRoot
from pacslabel.runtime import RayConfig

log = logging.getLogger(__name__)

Source = Literal["images", "tags", "reports"]


@dataclass
class AssignConfig:
    """Ray Data actor pool that assigns instances to centroids (each actor holds the model once)."""

    min_actors: int = 1
    max_actors: int = 2
    batch_size: int = 4096
    num_cpus: float = 0.5  # below 1, so the reads and joins feeding the pool still get whole CPUs
    join_partitions: int = 8  # hash partitions of the source joins (about 1 per 1-2 GB of embeddings)


@dataclass
class LabelConfig:
    run_root: str = ""
    run_id: str = ""  # empty: a new id (UTC time + random suffix)
    sources: list[Source] = field(default_factory=lambda: ["images", "tags", "reports"])
    fusion: Literal["embeddings", "clusterdists", "clusterprobs"] = "embeddings"
    weights: dict[str, float] = field(default_factory=dict)  # per-source weight, default 1 each
    center: bool = True
    missing: Literal["mean", "zeros"] = "mean"
    source_k: int = 20
    temperature: float = 0.1
    k: int | Literal["auto"] = "auto"
    k_min: int = 5
    k_max: int = 80
    k_step: int = 5
    default_k: int = 50
    silhouette_sample: int = 5000
    train_sample: int = 100_000
    seed: int = 0
    niter: int = 25
    nredo: int = 1
    spherical: bool = False
    init: Literal["random", "kmeans++", "afkmc2"] = "kmeans++"
    device: Literal["auto", "cpu", "gpu"] = "auto"
    max_points_per_centroid: int = 256
    stable_ids: bool = True
    store_all_distances: bool = False
    medoids: bool = False
    medoid_sample: int = 2000
    assign: AssignConfig = field(default_factory=AssignConfig)
    drift: DriftConfig = field(default_factory=DriftConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (the run root holding embeddings/)")
        if not self.sources:
            raise ConfigError("sources: give at least one of images, tags, reports")
        if len(set(self.sources)) != len(self.sources):
            raise ConfigError(f"sources: duplicates in {self.sources}")
        unknown = sorted(set(self.weights) - set(self.sources))
        if unknown:
            raise ConfigError(f"weights: {unknown} are not among sources {self.sources}")
        if isinstance(self.k, int) and self.k < 2:
            raise ConfigError(f"k: must be >= 2 or 'auto', got {self.k}")
        if not 2 <= self.k_min <= self.k_max:
            raise ConfigError(f"k_min/k_max: need 2 <= k_min <= k_max, got {self.k_min}, {self.k_max}")
        if self.k_step < 1 or self.default_k < 2 or self.source_k < 2:
            raise ConfigError("k_step must be >= 1, default_k and source_k >= 2")
        if self.temperature <= 0:
            raise ConfigError(f"temperature: must be > 0, got {self.temperature}")
        if self.train_sample < 2:
            raise ConfigError("train_sample: must be >= 2")
        if self.assign.min_actors < 1 or self.assign.max_actors < self.assign.min_actors:
            raise ConfigError("assign.min_actors/max_actors: need 1 <= min_actors <= max_actors")


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


# ---------------------------------------------------------------- fitting (driver, no Ray)


def _stable_ids(
    previous: LabelModel | None, fusion, centroids, parts, present, new_idx
) -> tuple[np.ndarray, str]:
    from pacslabel.label.assign import nearest_centroid
    from pacslabel.label.stable_ids import apply_mapping, match_centroids, match_labels

    k = len(centroids)
    if previous is None:
        return np.arange(k, dtype=np.int32), "fresh"
    old_f = previous.fusion
    if list(old_f.sources) != list(fusion.sources) or old_f.dims_ != fusion.dims_:
        log.warning("sources or dimensions changed since the previous model: label ids start afresh")
        return np.arange(k, dtype=np.int32), "fresh (sources changed)"
    same_space = (
        old_f.method == fusion.method == "embeddings"
        and previous.centroids.shape[1] == centroids.shape[1]
        and old_f.missing == fusion.missing
    )
    if same_space:
        mapping, rule = match_centroids(previous.centroids, centroids, previous.label_ids), "centroids"
    else:
        old_idx, _ = nearest_centroid(old_f.transform(parts, present), previous.centroids)
        mapping, rule = match_labels(previous.label_ids[old_idx], new_idx, k), "co-assignment"
    return apply_mapping(mapping, k), rule


def fit_model(
    cfg: LabelConfig,
    uids: np.ndarray,
    parts: dict,
    present: dict,
    sources: list[str],
    previous: LabelModel | None = None,
    run_id: str = "",
) -> tuple[LabelModel, dict]:
    """Fit fusion, choose K and train FAISS k-means on an in-memory sample; returns (model, summary)."""
    from pacslabel.label.fusion import Fusion
    from pacslabel.label.kmeans import FaissKMeans, check_k
    from pacslabel.label.kselect import k_candidates, select_k
    from pacslabel.label.medoids import kmedoids_sample, nearest_to_centroids

    t0 = time.perf_counter()
    fusion = Fusion(
        sources=list(sources),
        method=cfg.fusion,
        weights={s: w for s, w in cfg.weights.items() if s in sources},
        center=cfg.center,
        missing=cfg.missing,
        source_k=cfg.source_k,
        temperature=cfg.temperature,
        seed=cfg.seed,
        device=cfg.device,
    )
    x = fusion.fit_transform(parts, present)
    t_fusion = time.perf_counter() - t0
    ks = k_candidates(cfg.k_min, cfg.k_max, cfg.k_step, len(x)) if cfg.k == "auto" else []
    sel = select_k(
        x,
        cfg.k,
        ks,
        cfg.default_k,
        niter=cfg.niter,
        seed=cfg.seed,
        device=cfg.device,
        spherical=cfg.spherical,
        silhouette_sample=cfg.silhouette_sample,
        init=cfg.init,
    )
    check_k(sel.k, len(x), "label k-means")
    km = FaissKMeans(
        sel.k,
        niter=cfg.niter,
        nredo=cfg.nredo,
        spherical=cfg.spherical,
        seed=cfg.seed,
        device=cfg.device,
        max_points_per_centroid=cfg.max_points_per_centroid,
        init=cfg.init,
    ).fit(x)
    idx, dist = km.predict(x)
    label_ids, id_rule = _stable_ids(previous, fusion, km.centroids_, parts, present, idx)
    labels = label_ids[idx]
    reps = nearest_to_centroids(x, km.centroids_)
    meta = {
        "run_id": run_id,
        "n_sample": len(x),
        "k_selection": sel.to_dict(),
        "kmeans": km.summary(),
        "label_id_rule": id_rule,
        "train_distance_quantiles": quantiles(dist),
        "representatives": [
            {"label": int(label_ids[j]), "sop_instance_uid": str(uids[reps[j]])} for j in range(sel.k)
        ],
        "missing_rate": {s: float(1.0 - present[s].mean()) for s in sources},
    }
    if previous is not None:
        meta["previous_run_id"] = previous.meta.get("run_id")
    if cfg.medoids:
        med = kmedoids_sample(x, sel.k, n=cfg.medoid_sample, seed=cfg.seed, init_from=km.centroids_)
        mlab, _ = km.predict(x[med["rows"]])
        meta["medoids"] = [
            {"sop_instance_uid": str(uids[r]), "label": int(label_ids[m])}
            for r, m in zip(med["rows"], mlab, strict=True)
        ]
        meta["kmedoids"] = {k: v for k, v in med.items() if k != "rows"}
    model = LabelModel(
        fusion=fusion, centroids=km.centroids_, label_ids=label_ids, meta=meta, train_distances=dist
    )
    sizes = np.bincount(idx, minlength=sel.k)
    summary = {
        "k": sel.k,
        "k_rule": sel.rule,
        "device": km.device_,
        "faiss_gpus": km.n_gpus_,
        "kmeans_seconds": round(km.seconds_, 3),
        "fusion_seconds": round(t_fusion, 3),
        "dims": int(x.shape[1]),
        "label_id_rule": id_rule,
        "sample_cluster_sizes_min_max": [int(sizes.min()), int(sizes.max())],
        "sample_labels": labels,
    }
    return model, summary


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
        dists.append(np.asarray(b["distance"], np.float32))
        n += len(b["label"])
    return n, counts, (np.concatenate(dists) if dists else np.zeros(0, np.float32))


def _dataset_stats(ds, k_ids: np.ndarray) -> tuple[int, dict[int, int], np.ndarray]:
    batches = ds.select_columns(["label", "distance"]).iter_batches(batch_format="numpy", batch_size=65536)
    return _label_stats(batches, k_ids)


def _replace_table(rr: RunRoot, staging: str, name: str) -> None:
    """Swap a freshly written table in: old -> trash, staging -> name, drop trash."""
    trash = f"_trash/{name.replace('/', '_')}-{uuid.uuid4().hex[:8]}"
    if rr.exists(name):
        rr.makedirs("_trash")
        rr.fs.move(rr.path(name), rr.path(trash))
    rr.fs.move(rr.path(staging), rr.path(name))
    if rr.exists(trash):
        rr.fs.delete_dir(rr.path(trash))


def run_label(cfg: LabelConfig) -> dict:
    """Fit the labelling model on a sample and write ``labels/`` for every instance; returns a summary."""
    from pacslabel.label.assign import assign_dataset
    from pacslabel.label.inputs import available_sources, count_anchor, fusion_inputs, sample_inputs
    from pacslabel.runtime import init_ray

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
    uids, parts, present = sample_inputs(rr, sources, cfg.train_sample, seed=cfg.seed, n_total=n_total)
    t_sample = time.perf_counter() - t0
    previous = LabelModel.load(rr) if cfg.stable_ids and LabelModel.exists(rr) else None
    model, fit = fit_model(cfg, uids, parts, present, sources, previous=previous, run_id=run_id)
    fit.pop("sample_labels")
    archived = _archive_previous(rr, previous) if previous is not None else None
    model.meta["config"] = {
        "fusion": cfg.fusion,
        "k": cfg.k,
        "device": cfg.device,
        "spherical": cfg.spherical,
        "store_all_distances": cfg.store_all_distances,
        "train_sample": cfg.train_sample,
    }
    model.save(rr)
    t_fit = time.perf_counter() - t0 - t_sample

    ds = fusion_inputs(rr, sources, partitions=cfg.assign.join_partitions)
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
    staging = f"_staging/labels-{run_id}"
    out.write_parquet(rr.uri_of(staging))
    _replace_table(rr, staging, LABELS)
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
        "n_sample": len(uids),
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
    Append-only: rows whose sop_instance_uid is already in ``labels/`` are skipped, so re-running adds
    nothing twice. Returns counts, cluster sizes of the new rows and a drift report.
    """
    import ray

    from pacslabel.label.assign import UID, assign_dataset, emb_column
    from pacslabel.label.inputs import PlainEmbedding, fusion_inputs
    from pacslabel.runtime import join_kwargs

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
        if rr.has_table(LABELS):
            done = ray.data.read_parquet(rr.uri_of(LABELS), columns=[UID])
            ds = ds.join(done, join_type="left_anti", on=(UID,), **join_kwargs(1, assign.join_partitions))
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
        out.write_parquet(rr.uri_of(LABELS), mode="append")
    return _assignment_summary(model, run_id, n, counts, dists, drift)


def assign_table(
    rr: RunRoot, table: pa.Table, *, run_id: str | None = None, drift: DriftConfig | None = None
) -> tuple[pa.Table, dict]:
    """:func:`assign_new` on the driver for a small fusion-input table of instances without a label:
    (their ``labels/`` rows, for the caller to append; the summary with the drift report)."""
    from pacslabel.label.assign import Assigner

    model = LabelModel.load(rr)
    run_id = run_id or new_run_id()
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
    log.info("assigned %d new instances to %d centroids (run %s)", n, model.k, run_id)
    return {
        "run_id": run_id,
        "model_run_id": model.meta.get("run_id"),
        "n_assigned": n,
        "label_sizes": {str(k): v for k, v in sorted(counts.items()) if v},
        "distance": quantiles(dists),
        "drift": report,
        "retrain_recommended": bool(report and report["retrain_recommended"]),
    }


def drift_for_run(run_root: str | RunRoot, new_distances: np.ndarray, cfg: DriftConfig | None = None) -> dict:
    """Drift report of ``new_distances`` against the saved model's training distances."""
    rr = run_root if isinstance(run_root, RunRoot) else RunRoot(run_root)
    model = LabelModel.load(rr)
    return distance_drift(model.train_distances, new_distances, cfg)
