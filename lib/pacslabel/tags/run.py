"""The tags stage: regions, profile and selection, features, constraints, optional tag K-medoids.

Reads ``tags/`` under the run root and writes:
  - ``regions/``: sop_instance_uid, study_instance_uid, series_instance_uid, modality, region (REGIONS
    or null), rule_id (a rule, ``remap:<key>``, "learned" or "study"), source (bpe / rules / learned /
    study), probability (learned rows), rules_version; see :mod:`pacslabel.tags.region_stage`
  - ``models/region_model/``: model.pkl, meta.json, config.yaml (the learned fallback of the rules)
  - ``tag_profile/profile.parquet``: one row per profiled column with the selection decision
  - ``models/tag_preprocessor/``: preprocessor.pkl, meta.json (feature names), config.yaml
  - ``features/tags/``: sop_instance_uid, features (fixed_shape_tensor float32 [d]);
    ``features/tags_feature_names.json``
  - ``constraints/``: i, j (sop_instance_uid), kind ("must" | "cannot"), gower
  - ``tag_kmedoids/sweep.parquet`` and ``tag_kmedoids/visual_check.json`` when enabled
Every output is replaced on re-run (never appended twice).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.decomposition import PCA

from pacslabel.config import dump_config
from pacslabel.imagecol import pixels_to_numpy
from pacslabel.models.store import saved_config
from pacslabel.runroot import (
    CONSTRAINTS,
    EMBEDDINGS_IMAGES,
    FEATURE_NAMES,
    FEATURES_TAGS,
    IMAGES,
    MODELS,
    REGIONS,
    TAG_KMEDOIDS,
    TAG_PREPROCESSOR,
    TAG_PROFILE,
    TAGS,
    UID,
    RunRoot,
    Tables,
    model_dir,
)
from pacslabel.tags.batches import (
    EncodeBatch,
    ProfileBatch,
    RegionBatch,
    RegionLabeller,
    feature_frame,
    hash_filter,
    uid_filter,
)
from pacslabel.tags.clustering import best_k, kmedoids_sweep, visual_check
from pacslabel.tags.config import SelectionConfig, TagsConfig
from pacslabel.tags.constraints import block_ids, sample_constraints
from pacslabel.tags.gower import GowerEncoder
from pacslabel.tags.preprocess import TagPreprocessor
from pacslabel.tags.profile import combine_profiles, select_columns
from pacslabel.tags.region_stage import fill_studies, run_regions

log = logging.getLogger(__name__)


def tables(cfg: TagsConfig) -> Tables:
    """What the tags stage reads and, under ``cfg``, writes."""
    writes = [REGIONS, TAG_PROFILE]
    if cfg.features.enabled:
        writes += [model_dir(TAG_PREPROCESSOR), FEATURES_TAGS]
    if cfg.constraints.enabled and cfg.constraints.n_constraints > 0:
        writes.append(CONSTRAINTS)
    if cfg.kmedoids.enabled:
        writes.append(TAG_KMEDOIDS)
    return Tables(reads=(TAGS,), writes=tuple(writes))


def _write_ds(ds, rr: RunRoot, name: str) -> None:
    """Table ``name`` replaced by the rows of ``ds`` (a new segment, then its commit)."""
    segment = rr.new_segment(name)
    ds.write_parquet(rr.uri_of(segment))
    rr.commit(name, segment)


def _parquet_bytes(df: pd.DataFrame):
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), sink)
    return sink.getvalue()


def _write_frame(df: pd.DataFrame, rr: RunRoot, name: str) -> None:
    """Table ``name`` replaced by a small frame."""
    segment = rr.new_segment(name)
    rr.write_bytes(_parquet_bytes(df), segment, "part-0.parquet")
    rr.commit(name, segment)


def _write_file(df: pd.DataFrame, rr: RunRoot, name: str, filename: str) -> None:
    """``name/filename`` as the only file of folder ``name``."""
    if rr.exists(name):
        rr.fs.delete_dir(rr.path(name))
    rr.write_bytes(_parquet_bytes(df), name, filename)


def _sample(ds, n_total: int, n: int, seed: int, columns: list[str] | None = None) -> pd.DataFrame:
    """About ``n`` rows chosen by a keyed hash of sop_instance_uid (stable), at most ``n``."""
    fraction = min(1.0, 1.2 * n / max(n_total, 1))
    if columns is not None:
        ds = ds.select_columns(columns)
    return (
        ds.map_batches(hash_filter, fn_kwargs={"fraction": fraction, "seed": seed}, batch_format="pandas")
        .limit(n)
        .to_pandas()
    )


def _tensor_to_numpy(column) -> np.ndarray:
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if hasattr(arr, "to_numpy_ndarray"):
        return arr.to_numpy_ndarray()
    return np.stack([np.asarray(v) for v in arr.to_pylist()])


def profile_dataset(
    ds,
    cfg: SelectionConfig,
    rules_path: str = "",
    batch_size: int = 4096,
    workers: int = 2,
    run_root: str = "",
) -> pd.DataFrame:
    """Profile a Ray Dataset of the tags table; returns the combined profile with the selection."""
    import ray

    parts = ds.map_batches(
        ProfileBatch,
        fn_constructor_kwargs={"cfg": cfg, "rules_path": rules_path, "run_root": run_root},
        batch_format="pandas",
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=max(1, workers)),
    ).to_pandas()
    profile = combine_profiles(parts, cfg.sketch_size, cfg.top_values, cfg.min_modality_rows)
    return select_columns(profile, cfg)


def run_profile(cfg: TagsConfig, rr: RunRoot, ds, region_sources: dict | None = None) -> pd.DataFrame:
    """tag_profile/; the ``region`` row also says per region how many rows each source labelled."""
    profile = profile_dataset(ds, cfg.selection, cfg.regions.rules, cfg.batch_size, cfg.workers, rr.uri)
    profile["region_sources"] = np.where(
        profile["column"] == "region", json.dumps(region_sources or {}), None
    )
    _write_file(profile, rr, TAG_PROFILE, "profile.parquet")
    return profile


def run_features(cfg: TagsConfig, rr: RunRoot, ds, profile: pd.DataFrame, n_total: int) -> dict[str, Any]:
    import ray

    chosen = profile[profile["selected"]]
    numeric = chosen.loc[chosen["kind"] == "continuous", "column"].tolist()
    categorical = chosen.loc[chosen["kind"] == "categorical", "column"].tolist()
    if not numeric and not categorical:
        raise ValueError("no tag column passed the selection rules; see tag_profile/ for the reasons")
    f = cfg.features
    sample = _sample(ds, n_total, f.fit_sample_rows, cfg.seed)
    frame = feature_frame(
        sample,
        [*numeric, *categorical],
        RegionLabeller(cfg.regions.rules, rr.uri),
        cfg.selection.max_array_values,
    )
    started = time.time()
    pre = TagPreprocessor(
        numeric,
        categorical,
        imputer=f.imputer,
        estimator=f.estimator,
        n_estimators=f.n_estimators,
        max_depth=f.max_depth,
        max_iter=f.max_iter,
        max_categories=cfg.selection.max_categorical_cardinality,
        clip=f.clip,
        presence_indicators=cfg.selection.absent_is_value,
        random_state=cfg.seed,
    ).fit(frame)
    fit_seconds = time.time() - started
    blob = pre.to_bytes()
    rr.write_bytes(blob, MODELS, TAG_PREPROCESSOR, "preprocessor.pkl")
    rr.write_json(pre.meta(), MODELS, TAG_PREPROCESSOR, "meta.json")
    rr.write_text(dump_config(cfg), MODELS, TAG_PREPROCESSOR, "config.yaml")
    rr.write_json(pre.feature_names_, *FEATURE_NAMES)
    encoded = ds.map_batches(
        EncodeBatch,
        fn_constructor_kwargs={
            "run_root": rr.uri,
            "rules_path": cfg.regions.rules,
            "max_array_values": cfg.selection.max_array_values,
        },
        batch_format="pandas",
        batch_size=cfg.batch_size,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=cfg.workers),
    )
    _write_ds(encoded, rr, FEATURES_TAGS)
    return {
        "numeric": len(numeric),
        "categorical": len(categorical),
        "dim": pre.n_features_out_,
        "fit_rows": len(frame),
        "fit_seconds": round(fit_seconds, 3),
        "preprocessor_bytes": len(blob),
        "imputer": f.imputer,
    }


def run_constraints(cfg: TagsConfig, rr: RunRoot, ds, n_total: int) -> dict[str, Any]:
    c = cfg.constraints
    names = set(ds.schema().names)
    numeric = [col for col in c.numeric if col in names]
    categorical = [col for col in c.categorical if col in names]
    missing = sorted(set(c.numeric + c.categorical) - names)
    if missing:
        log.warning("constraint tags absent from tags/: %s", missing)
    block_on = [col for col in c.block_on if col in names]
    columns = [UID, *dict.fromkeys([*numeric, *categorical, *block_on])]
    labelled = (
        ds.select_columns(columns)
        .map_batches(
            hash_filter, fn_kwargs={"fraction": c.labelled_fraction, "seed": cfg.seed}, batch_format="pandas"
        )
        .limit(c.max_labelled_rows)
        .to_pandas()
        .reindex(columns=columns)
    )
    enc = GowerEncoder(numeric, categorical, c.weights).fit(labelled)
    x = enc.transform(labelled)
    keep = ~np.all(np.isnan(x), axis=1)
    labelled, x = labelled[keep].reset_index(drop=True), x[keep]
    n_must = round(c.n_constraints * c.must_fraction)
    started = time.time()
    pairs, summary = sample_constraints(
        x,
        enc.categorical_mask_,
        enc.ranges_,
        enc.weights_,
        n_must=n_must,
        n_cannot=c.n_constraints - n_must,
        epsilon=c.epsilon,
        phi=c.phi,
        blocks=block_ids(labelled, block_on) if block_on else None,
        seed=cfg.seed,
        batch_pairs=c.batch_pairs,
        exhaustive_pairs=c.exhaustive_pairs,
    )
    uids = labelled[UID].astype(object).to_numpy()
    out = pd.DataFrame(
        {
            "i": uids[pairs["i"].to_numpy()],
            "j": uids[pairs["j"].to_numpy()],
            "kind": pairs["kind"],
            "gower": pairs["gower"],
        }
    )
    _write_frame(out, rr, CONSTRAINTS)
    return {
        **summary,
        "labelled_rows": len(labelled),
        "seconds": round(time.time() - started, 3),
        "tags_used": [*categorical, *numeric],
    }


def _embedding_sample(rr: RunRoot, seed: int, n: int, pca_components: int) -> tuple[pd.DataFrame, str] | None:
    """(sop_instance_uid + embedding rows, source) from embeddings/images/ or PCA of images/ pixels."""
    import ray

    if rr.has_table(EMBEDDINGS_IMAGES):
        ds = rr.read_parquet(EMBEDDINGS_IMAGES, columns=[UID, "embedding"])
        source, column = "embeddings/images (image autoencoder)", "embedding"
    elif rr.has_table(IMAGES):
        ds = rr.read_parquet(IMAGES, columns=[UID, "pixels"])
        source, column = "PCA of images/ pixels", "pixels"
    else:
        return None
    rows = ds.map_batches(
        hash_filter,
        fn_kwargs={"fraction": min(1.0, 1.5 * n / max(ds.count(), 1)), "seed": seed + 7},
        batch_format="pandas",
    ).limit(n)
    table = rows.to_arrow_refs()
    tab = pa.concat_tables(ray.get(table))
    col = tab.column(column)
    values = pixels_to_numpy(col) if column == "pixels" else _tensor_to_numpy(col)
    vectors = values.reshape(tab.num_rows, -1).astype(np.float32)
    if column == "pixels":
        n_comp = max(1, min(pca_components, vectors.shape[0] - 1, vectors.shape[1]))
        vectors = PCA(n_components=n_comp, random_state=seed).fit_transform(vectors / 255.0)
    frame = pd.DataFrame({UID: tab.column(UID).to_pylist()})
    frame["embedding"] = list(vectors)
    return frame, source


def run_kmedoids(cfg: TagsConfig, rr: RunRoot, ds, profile: pd.DataFrame, n_total: int) -> dict[str, Any]:
    k = cfg.kmedoids
    chosen = profile[profile["selected"]]
    numeric = chosen.loc[chosen["kind"] == "continuous", "column"].tolist()
    categorical = chosen.loc[chosen["kind"] == "categorical", "column"].tolist()
    regions = RegionLabeller(cfg.regions.rules, rr.uri)
    sample = _sample(ds, n_total, k.sample_rows, cfg.seed + 1)
    frame = feature_frame(sample, [*numeric, *categorical], regions, cfg.selection.max_array_values)
    enc = GowerEncoder(numeric, categorical).fit(frame)
    d = enc.matrix(enc.transform(frame))
    sweep = kmedoids_sweep(d, k.ks, cfg.seed)
    chosen_k = k.k or best_k(sweep, k.ks[0])
    _write_file(sweep, rr, TAG_KMEDOIDS, "sweep.parquet")
    summary: dict[str, Any] = {
        "sample_rows": len(frame),
        "sweep": sweep.to_dict(orient="records"),
        "k": chosen_k,
    }
    if not k.visual_check:
        return summary
    need = k.visual_samples * k.visual_sample_rows
    got = _embedding_sample(rr, cfg.seed, need, k.pca_components)
    if got is None:
        summary["visual_check"] = "skipped: neither embeddings/images/ nor images/ exists"
        return summary
    emb, source = got
    uids = frozenset(emb[UID])
    tags = ds.map_batches(uid_filter, fn_kwargs={"uids": uids}, batch_format="pandas").to_pandas()
    tags = feature_frame(tags, [*numeric, *categorical], regions, cfg.selection.max_array_values)
    merged = emb.merge(tags, on=UID).sample(frac=1.0, random_state=cfg.seed)
    rows = enc.transform(merged)
    vectors = np.stack(merged["embedding"].to_list())
    m = k.visual_sample_rows
    n_samples = min(k.visual_samples, len(merged) // m)
    samples = [(rows[s * m : (s + 1) * m], vectors[s * m : (s + 1) * m]) for s in range(n_samples)]
    result = visual_check(samples, enc.matrix, chosen_k, cfg.seed) if n_samples else {"samples": 0}
    result["embedding_source"] = source
    rr.write_json(result, TAG_KMEDOIDS, "visual_check.json")
    summary["visual_check"] = result
    return summary


def frozen_settings(rr: RunRoot) -> tuple[str, bool, int]:
    """(region rules path, study consistency, max array values) the tags stage's saved model was fitted
    with: what new instances' regions and tag features are made with."""
    saved = saved_config(rr, TAG_PREPROCESSOR)
    regions = saved.get("regions") or {}
    max_values = (saved.get("selection") or {}).get("max_array_values", SelectionConfig.max_array_values)
    return regions.get("rules", ""), bool(regions.get("study_consistency", True)), max_values


def new_tag_rows(steps) -> dict[str, int]:
    """regions/ (rules, the saved region model, then study consistency within the new rows) and
    features/tags/ rows of the tags that ``steps`` (relabel's increments) finds new, with the saved
    preprocessor."""
    rules, study_consistency, max_values = frozen_settings(steps.rr)
    out = {"regions": 0, "features": 0}
    inc = steps.increment(TAGS, UID, REGIONS)
    if inc is not None:
        rows = steps.apply(inc, RegionBatch, rules_path=rules, run_root=steps.rr.uri)
        if study_consistency:
            rows = fill_studies(rows)
        out["regions"] = steps.append(rows, REGIONS)
    inc = steps.increment(TAGS, UID, FEATURES_TAGS)
    if inc is not None:
        encoded = steps.apply(
            inc, EncodeBatch, run_root=steps.rr.uri, rules_path=rules, max_array_values=max_values
        )
        out["features"] = steps.append(encoded, FEATURES_TAGS)
    return out


def run_tags(cfg: TagsConfig) -> dict[str, Any]:
    """The whole tags stage (see the module docstring for outputs)."""
    rr = RunRoot(cfg.run_root)
    if not rr.has_table(TAGS):
        raise FileNotFoundError(f"{rr.uri_of(TAGS)}: no tags table (run ingest first)")
    ds = rr.read_parquet(TAGS)
    n_total = ds.count()
    summary: dict[str, Any] = {"rows": n_total}
    t = time.time()
    summary["regions"] = run_regions(cfg, rr, ds)
    summary["regions"]["seconds"] = round(time.time() - t, 3)
    t = time.time()
    profile = run_profile(cfg, rr, ds, summary["regions"]["by_region"])
    summary["profile"] = {
        "columns": len(profile),
        "selected": profile.loc[profile["selected"], "column"].tolist(),
        "dropped": profile.loc[~profile["selected"], "reason"].value_counts().to_dict(),
        "seconds": round(time.time() - t, 3),
    }
    if cfg.features.enabled:
        t = time.time()
        summary["features"] = run_features(cfg, rr, ds, profile, n_total)
        summary["features"]["seconds"] = round(time.time() - t, 3)
    if cfg.constraints.enabled and cfg.constraints.n_constraints > 0:
        summary["constraints"] = run_constraints(cfg, rr, ds, n_total)
    if cfg.kmedoids.enabled:
        t = time.time()
        summary["kmedoids"] = run_kmedoids(cfg, rr, ds, profile, n_total)
        summary["kmedoids"]["seconds"] = round(time.time() - t, 3)
    log.info("tags job done: %s", json.dumps({k: v for k, v in summary.items() if k == "rows"}))
    return summary
