"""The regions step of the tags stage: fit the region model, write ``regions/``, measure and summarise.

0. The rule readings (modality, rule, matched term) that the archive's BodyPartExamined contradicts in
   most of their rows and in several studies are overruled: the rules skip them from then on (here,
   in relabel, in the tag features), and the model learns those rows from BodyPartExamined instead.
1. The labelled rows (BodyPartExamined names one region and the descriptions no other; or, where it
   names none, the rules read one in the descriptions) are grouped by study and text; a bounded sample
   of studies is split into study-disjoint folds, each scored by a :class:`RegionTextModel` fitted on
   the others, and these out-of-fold scores choose the threshold; the model is then fitted on the
   whole sample and saved to ``models/region_model/`` (relabel applies it unchanged).
2. One Ray Data pass applies the rules and the model to every row (staged under ``_work/``); rows of a
   seeded share of studies are also labelled with BodyPartExamined hidden, for the measurement only
   (those studies are left out of the fit).
3. Open rows of a study whose other rows agree on one region take it (``rule_id`` "study").
4. The summary gives the coverage, the share of each source per region, the fit, and the coverage and
   accuracy of the rules alone, rules + model and rules + model + study on the hidden rows (and, with
   a truth file, on the rows without BodyPartExamined: :func:`truth_measurement`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from pacslabel.config import dump_config
from pacslabel.runroot import MODELS, REGION_MODEL, REGIONS, REGIONS_WORK, STUDY_UID, TAGS, UID, RunRoot
from pacslabel.tags.batches import (
    BPE,
    LABEL_KEYS,
    READING,
    AgreementBatch,
    LabelBatch,
    RegionBatch,
    calibration_folds,
    fill_from_studies,
    fills_by_kind,
    measure_counts,
    reading_agreement,
    region_table,
    rule_overrides,
    sample_studies,
    study_fill,
    study_pairs,
)
from pacslabel.tags.learned_region import MODEL_FIELDS, RegionTextModel, choose_threshold
from pacslabel.tags.regions import Override, region_accuracy

log = logging.getLogger(__name__)

ROWS_PER_PARTITION = 2_000_000
SOURCES = ("bpe", "rules", "learned", "study")


def _actors(cfg) -> dict[str, Any]:
    import ray

    return {
        "batch_format": "pandas",
        "batch_size": cfg.batch_size,
        "compute": ray.data.ActorPoolStrategy(min_size=1, max_size=cfg.workers),
    }


def _replace_dir(rr: RunRoot, name: str) -> None:
    if rr.exists(name):
        rr.fs.delete_dir(rr.path(name))


def _status_rows(batch: pd.DataFrame) -> pd.DataFrame:
    return batch.groupby(["status", "origin"], as_index=False)["n"].sum()


def _unmeasured(cfg) -> dict[str, Any]:
    """The arguments of the callables that read the archive's labelled rows, measured studies left out."""
    return {
        "rules_path": cfg.regions.rules,
        "measure_fraction": cfg.regions.measure_fraction,
        "seed": cfg.seed,
    }


def overruled_readings(cfg, ds) -> pd.DataFrame:
    """The rule readings this archive's BodyPartExamined overrules (:func:`rule_overrides`), from one
    pass that counts every reading's agreement per study, then a Ray groupby per reading."""
    r = cfg.regions
    if r.learned.override_min_studies <= 0:
        return rule_overrides(pd.DataFrame(), 0)
    per_study = ds.map_batches(
        AgreementBatch, fn_constructor_kwargs=_unmeasured(cfg), **_actors(cfg)
    ).materialize()
    if not per_study.count():
        return rule_overrides(pd.DataFrame(), 0)
    readings = per_study.groupby(READING).map_groups(reading_agreement, batch_format="pandas").to_pandas()
    return rule_overrides(readings, r.learned.override_min_studies)


def _labelled_sample(cfg, ds, overrides: tuple[Override, ...]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Labelled (study, text) rows of a bounded sample of studies, and the archive's row counts:
    labelled by BodyPartExamined, labelled by the rules, contradicted (BodyPartExamined names one
    region, the descriptions another); the rules read without the ``overrides``."""
    r = cfg.regions
    grouped = ds.map_batches(
        LabelBatch,
        fn_constructor_kwargs={
            **_unmeasured(cfg),
            "rule_labels": r.learned.rule_labels,
            "overrides": overrides,
        },
        **_actors(cfg),
    ).materialize()
    n_groups = grouped.count()
    counts = {"labelled_groups": n_groups}
    counts.update(dict.fromkeys(("labelled_rows", "rule_labelled_rows", "contradicted_rows"), 0))
    if not n_groups:
        return pd.DataFrame(), counts
    fraction = min(1.0, r.learned.sample_rows / n_groups)
    sample = grouped.map_batches(
        sample_studies, fn_kwargs={"fraction": fraction, "seed": cfg.seed}, batch_format="pandas"
    ).to_pandas()
    sample = sample.groupby(LABEL_KEYS, as_index=False, sort=False)[["n", "series"]].sum()
    totals = grouped.map_batches(_status_rows, batch_format="pandas").to_pandas()
    totals = totals.groupby(["status", "origin"])["n"].sum()
    counts["labelled_rows"] = int(totals.get(("label", "bpe"), 0))
    counts["rule_labelled_rows"] = int(totals.get(("label", "rules"), 0))
    counts["contradicted_rows"] = int(totals.get(("contradicted", "bpe"), 0))
    counts["sampled_fraction"] = round(fraction, 6)
    return sample[sample["status"] == "label"].reset_index(drop=True), counts


def _fit(cfg, rows: pd.DataFrame) -> RegionTextModel:
    lc = cfg.regions.learned
    distinct = rows.groupby([*MODEL_FIELDS, "label"], as_index=False)["series"].sum()
    return RegionTextModel(
        ngram_range=(lc.ngram_min, lc.ngram_max),
        max_features=lc.max_features,
        c=lc.c,
        min_known=lc.min_known_ngrams,
        abbreviations=lc.abbreviations,
        random_state=cfg.seed,
    ).fit(distinct, distinct["label"], sample_weight=distinct["series"].clip(lower=1))


def held_out_scores(cfg, rows: pd.DataFrame) -> pd.DataFrame:
    """Out-of-fold predictions: ``rows`` split into ``calibration_folds`` study-disjoint folds, each
    scored by a model fitted on the others (``region``, ``probability``, ``known`` added; folds whose
    other rows hold fewer than two regions are left out)."""
    studies = rows[STUDY_UID].to_numpy(dtype=object)
    folds = calibration_folds(studies, cfg.regions.learned.calibration_folds, cfg.seed)
    parts = []
    for fold in np.unique(folds):
        held = folds == fold
        if rows.loc[~held, "label"].nunique() < 2:
            continue
        part = rows[held].reset_index(drop=True)
        scored = _fit(cfg, rows[~held]).predict(part)
        parts.append(part.assign(**{c: scored[c].to_numpy() for c in ("region", "probability", "known")}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def calibrate(held: pd.DataFrame, lc) -> dict[str, Any]:
    """Threshold on the out-of-fold rows like the ones the model fills (labelled by BodyPartExamined,
    left open by the rules); on all out-of-fold rows when those are fewer than ``min_calibration``."""
    population, basis = held[(held["origin"] == "bpe") & held["text_open"]], "rows the rules leave open"
    if len(population) < lc.min_calibration:
        population, basis = held, "all held-out rows"
    fillable = (population["known"] >= lc.min_known_ngrams).to_numpy()
    correct = (population["region"] == population["label"]).to_numpy()
    weight = population["n"].to_numpy(dtype=np.float64)
    chosen = choose_threshold(
        np.where(fillable, population["probability"], -1.0), correct, weight, lc.precision, lc.min_probability
    )
    return {"basis": basis, "held_out_groups": len(population), **chosen}


def fit_region_model(cfg, rr: RunRoot, ds) -> dict[str, Any]:
    """Fit, calibrate and save the region model; removes a stale one when no model can be fitted."""
    started = time.time()
    _replace_dir(rr, f"{MODELS}/{REGION_MODEL}")
    lc = cfg.regions.learned
    overruled = overruled_readings(cfg, ds)
    overrides = tuple(tuple(o) for o in overruled[READING].itertuples(index=False))
    rows, summary = _labelled_sample(cfg, ds, overrides)
    summary["rule_overrides"] = overruled.to_dict(orient="records")
    classes = rows["label"].nunique() if len(rows) else 0
    if len(rows) < lc.min_labelled or classes < 2:
        summary["model"] = f"none: {len(rows)} labelled groups, {classes} regions (need {lc.min_labelled}, 2)"
        return summary
    held = held_out_scores(cfg, rows)
    if held.empty:
        summary["model"] = "none: the labelled studies do not split into fit and held-out parts"
        return summary
    calibration = calibrate(held, lc)
    model = _fit(cfg, rows)
    model.threshold_ = calibration["threshold"]
    model.rule_overrides_ = overrides
    rr.write_bytes(model.to_bytes(), MODELS, REGION_MODEL, "model.pkl")
    rr.write_json(model.meta(), MODELS, REGION_MODEL, "meta.json")
    rr.write_text(dump_config(cfg), MODELS, REGION_MODEL, "config.yaml")
    summary.update(
        model="fitted"
        if model.threshold_ is not None
        else "fitted, unused: no threshold reaches the precision",
        fit_groups=len(rows),
        classes=[str(c) for c in model.classes_],
        n_features=int(model.n_features_),
        calibration=calibration,
        seconds=round(time.time() - started, 3),
    )
    return summary


def study_fills(stage) -> dict[str, dict[str, str]]:
    """kind -> study -> region for the open rows of studies whose other rows agree (a Ray Data groupby
    by study, one hash partition per ``ROWS_PER_PARTITION`` staged rows)."""
    partitions = int(np.clip(stage.count() // ROWS_PER_PARTITION, 1, 200))
    pairs = stage.map_batches(study_pairs, batch_format="pandas")
    fills = pairs.groupby(STUDY_UID, num_partitions=partitions).map_groups(study_fill, batch_format="pandas")
    fills = fills.to_pandas()
    return fills_by_kind(fills) if len(fills) else {}


def fill_studies(rows):
    """Region rows (an Arrow table on the driver, or a Ray Dataset) with the open rows of each study
    filled where the study's other rows agree; the same rule as the tags stage, within ``rows``."""
    if isinstance(rows, pa.Table):
        frame = rows.to_pandas()
        return region_table(fill_from_studies(frame, fills_by_kind(study_fill(study_pairs(frame)))))
    rows = rows.materialize()
    return rows.map_batches(_final_rows, fn_kwargs={"fills": study_fills(rows)}, batch_format="pandas")


def _final_rows(batch: pd.DataFrame, fills: dict[str, dict[str, str]]):
    return region_table(fill_from_studies(batch, fills))


def _measured_counts(batch: pd.DataFrame, fills: dict[str, dict[str, str]]) -> pd.DataFrame:
    return measure_counts(fill_from_studies(batch[batch["measured"].astype(bool)], fills))


def _rates(n: int, covered: int, correct: int) -> dict[str, Any]:
    return {
        "covered": covered,
        "correct": correct,
        "coverage": round(covered / n, 4) if n else None,
        "accuracy": round(correct / covered, 4) if covered else None,
    }


VARIANT_SOURCES = {
    "rules": ("rules",),
    "rules_model": ("rules", "learned"),
    "rules_model_study": ("rules", "learned", "study"),
}
"""The measured variants and the ``source`` values of the regions each one counts."""


def measurement(counts: pd.DataFrame) -> dict[str, Any]:
    """Coverage and accuracy per modality (and ALL) of each variant, from per-modality counts."""
    counts = counts.groupby("modality").sum()
    counts.loc["ALL"] = counts.sum()
    by_modality = {
        str(m): {
            "n": int(row["n"]),
            **{
                v: _rates(int(row["n"]), int(row[f"{v}_covered"]), int(row[f"{v}_correct"]))
                for v in VARIANT_SOURCES
            },
        }
        for m, row in counts.iterrows()
    }
    return by_modality


def truth_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per modality, over ``rows`` (modality, region, source, truth): rows, and covered / correct rows
    of each of :data:`VARIANT_SOURCES`."""
    truth = rows["truth"].astype(object).to_numpy()
    out = pd.DataFrame({"modality": rows["modality"].astype(object).fillna("(none)").to_numpy(), "n": 1})
    for name, sources in VARIANT_SOURCES.items():
        used = rows["source"].isin(sources).to_numpy() & rows["region"].notna().to_numpy()
        region = np.where(used, rows["region"].astype(object).fillna("").to_numpy(), "")
        out[f"{name}_covered"] = used.astype(int)
        out[f"{name}_correct"] = (used & (region == truth)).astype(int)
    return out.groupby("modality", as_index=False).sum()


def _read(rr: RunRoot, table: str, columns: list[str], uids: list[str]) -> pd.DataFrame:
    dataset = rr.dataset(table)
    present = [c for c in columns if c in dataset.schema.names]
    frame = dataset.to_table(columns=present, filter=pads.field(UID).isin(uids)).to_pandas()
    return frame.reindex(columns=columns)


def truth_measurement(rr: RunRoot, truth_path: str) -> dict[str, Any]:
    """``regions/`` scored against a truth file (sop_instance_uid, anatomical_region): coverage and
    accuracy per modality on the rows whose BodyPartExamined is absent from ``tags/``, for the rules
    alone, rules + model and rules + model + study (the layout of :func:`measurement`)."""
    truth = pd.read_parquet(truth_path, columns=[UID, "anatomical_region"])
    truth = truth.dropna(subset=[UID, "anatomical_region"])
    uids = truth[UID].tolist()
    regions = _read(rr, REGIONS, [UID, "modality", "region", "source"], uids)
    tags = _read(rr, TAGS, [UID, BPE], uids)
    value = tags[BPE].astype(object)
    absent = tags.loc[value.isna() | (value.astype(str).str.strip() == ""), [UID]]
    rows = regions.merge(absent, on=UID).merge(truth, on=UID)
    rows = rows.rename(columns={"anatomical_region": "truth"})
    if rows.empty:
        return {"rows": 0}
    return {"rows": len(rows), "by_modality": measurement(truth_counts(rows))}


def _source_counts(rr: RunRoot) -> pd.DataFrame:
    def count(batch: pd.DataFrame) -> pd.DataFrame:
        frame = batch[["modality", "region", "rule_id", "source"]].astype(object).fillna("(none)")
        return frame.value_counts().rename("rows").reset_index()

    counts = (
        rr.read_parquet(REGIONS, columns=["modality", "region", "rule_id", "source"])
        .map_batches(count, batch_format="pandas")
        .to_pandas()
    )
    return counts.groupby(["modality", "region", "rule_id", "source"], as_index=False)["rows"].sum()


def _truth_scores(rr: RunRoot, truth_path: str) -> dict[str, Any]:
    """regions/ scored against a truth file: on all its rows (``accuracy_vs_truth``) and per variant on
    the rows without BodyPartExamined (``absent_bpe``)."""
    truth = pd.read_parquet(truth_path, columns=[UID, "anatomical_region"]).dropna(subset=[UID])
    table = rr.dataset(REGIONS).to_table(
        columns=[UID, "modality", "region"], filter=pads.field(UID).isin(truth[UID].tolist())
    )
    joined = table.to_pandas().merge(truth, on=UID)
    acc = region_accuracy(joined["modality"], joined["region"], joined["anatomical_region"])
    return {
        "accuracy_vs_truth": acc.to_dict(orient="records"),
        "absent_bpe": truth_measurement(rr, truth_path),
    }


def run_regions(cfg, rr: RunRoot, ds) -> dict[str, Any]:
    """Fit the model, write ``regions/`` and return the regions summary (see the module docstring),
    scored against ``regions.truth`` when it names a file."""
    r = cfg.regions
    summary: dict[str, Any] = {}
    if r.learned.enabled:
        summary["learned"] = fit_region_model(cfg, rr, ds)
    else:
        _replace_dir(rr, f"{MODELS}/{REGION_MODEL}")
    _replace_dir(rr, REGIONS_WORK)
    ds.map_batches(
        RegionBatch,
        fn_constructor_kwargs={
            "rules_path": r.rules,
            "run_root": rr.uri,
            "measure_fraction": r.measure_fraction,
            "seed": cfg.seed,
        },
        **_actors(cfg),
    ).write_parquet(rr.uri_of(REGIONS_WORK))
    stage = rr.read_parquet(REGIONS_WORK)
    fills = study_fills(stage) if r.study_consistency else {}
    segment = rr.new_segment(REGIONS)
    stage.map_batches(_final_rows, fn_kwargs={"fills": fills}, batch_format="pandas").write_parquet(
        rr.uri_of(segment)
    )
    rr.commit(REGIONS, segment)
    if r.measure_fraction > 0:
        parts = stage.map_batches(
            _measured_counts, fn_kwargs={"fills": fills}, batch_format="pandas"
        ).to_pandas()
        if len(parts):
            summary["hidden_bpe"] = {"fraction": r.measure_fraction, "by_modality": measurement(parts)}
    _replace_dir(rr, REGIONS_WORK)

    counts = _source_counts(rr)
    per_mod = counts.assign(covered=np.where(counts["region"] != "(none)", counts["rows"], 0))
    per_mod = per_mod.groupby("modality")[["rows", "covered"]].sum()
    covered = counts[counts["region"] != "(none)"]
    by_region = covered.pivot_table(
        index="region", columns="source", values="rows", aggfunc="sum", fill_value=0
    )
    summary.update(
        rows=int(counts["rows"].sum()),
        covered=int(per_mod["covered"].sum()),
        coverage_by_modality={m: round(x.covered / x.rows, 4) for m, x in per_mod.iterrows() if x.rows},
        rule_hits=counts.groupby("rule_id")["rows"].sum().sort_values(ascending=False).to_dict(),
        sources={s: int(covered.loc[covered["source"] == s, "rows"].sum()) for s in SOURCES},
        by_region={
            str(region): {s: int(row.get(s, 0)) for s in SOURCES} for region, row in by_region.iterrows()
        },
        studies_filled=len(fills.get("region", {})),
    )
    if r.truth:
        summary.update(_truth_scores(rr, r.truth))
    return summary
