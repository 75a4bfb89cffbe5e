"""The ``map_batches`` callables of the tags stage and the per-batch functions they use.

Regions (rules then the learned model per row, the labelled rows the model learns from, study-level
consistency), the partial tag profile, and the encoding of tag features with the fitted preprocessor.
Every function maps a pandas batch of ``tags/`` (or of the staged region rows) to a pandas frame or,
for region rows, an Arrow table of fixed types, so the same code runs in Ray Data's ``map_batches``
and on a driver-side table (relabel, search).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pacslabel.runroot import MODELS, REGION_MODEL, SERIES_UID, STUDY_UID, TAG_PREPROCESSOR, UID, RunRoot
from pacslabel.tags.config import SelectionConfig
from pacslabel.tags.constraints import labelled_mask
from pacslabel.tags.learned_region import MODEL_FIELDS, RegionTextModel
from pacslabel.tags.preprocess import TagPreprocessor
from pacslabel.tags.profile import profile_frame
from pacslabel.tags.regions import Override, RegionReconstructor, bpe_key
from pacslabel.tags.schema import OTHER_PREFIX, with_other_tags
from pacslabel.vocab import code_value

BPE = "body_part_examined"
REGION_SCHEMA = pa.schema(
    [
        (UID, pa.string()),
        (STUDY_UID, pa.string()),
        (SERIES_UID, pa.string()),
        ("modality", pa.string()),
        ("region", pa.string()),
        ("rule_id", pa.string()),
        ("source", pa.string()),
        ("probability", pa.float32()),
        ("rules_version", pa.int32()),
    ]
)
MEASURE_SCHEMA = pa.schema(
    [
        ("measured", pa.bool_()),
        ("truth", pa.string()),
        ("rules_only", pa.string()),
        ("masked_region", pa.string()),
        ("masked_source", pa.string()),
    ]
)
LABEL_KEYS = [STUDY_UID, *MODEL_FIELDS, "label", "status", "origin", "text_open"]
_MEASURE_SEED, _CALIBRATION_SEED, _SAMPLE_SEED = 101, 202, 303


def _text(batch: pd.DataFrame, name: str) -> pd.Series:
    """Column as object strings with None for missing or blank (a column of Nones when absent)."""
    if name not in batch.columns:
        return pd.Series([None] * len(batch), index=batch.index, dtype=object)
    values = [
        None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in batch[name].tolist()
    ]
    return pd.Series([v or None for v in values], index=batch.index, dtype=object)


def region_table(frame: pd.DataFrame, measure: bool = False) -> pa.Table:
    """Region rows as Arrow with fixed types (a batch whose regions are all open stays ``string``)."""
    schema = pa.unify_schemas([REGION_SCHEMA, MEASURE_SCHEMA]) if measure else REGION_SCHEMA
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def study_keys(batch: pd.DataFrame) -> np.ndarray:
    """Study uid per row (the instance uid where the study is missing), for study-disjoint choices."""
    study = _text(batch, STUDY_UID)
    return study.fillna(_text(batch, UID)).fillna("").to_numpy(dtype=object)


def measured_studies(batch: pd.DataFrame, fraction: float, seed: int) -> np.ndarray:
    """Rows of the studies whose BodyPartExamined is hidden for the measurement (stable keyed hash)."""
    if fraction <= 0:
        return np.zeros(len(batch), dtype=bool)
    return labelled_mask(study_keys(batch), fraction, seed + _MEASURE_SEED)


def load_region_model(run_root: str) -> RegionTextModel | None:
    """The saved region model under ``models/region_model/`` of ``run_root`` (None when there is none)."""
    if not run_root:
        return None
    rr = RunRoot(run_root)
    if not rr.exists(MODELS, REGION_MODEL, "model.pkl"):
        return None
    return RegionTextModel.from_bytes(rr.read_bytes(MODELS, REGION_MODEL, "model.pkl"))


class RegionLabeller:
    """The rules, then the learned model where they leave the region open (``df -> (region, rule_id)``,
    like :class:`RegionReconstructor`, so feature code takes either). The rule readings the archive
    overrules travel with the model (``rule_overrides_``); ``overrides`` gives them where there is
    none yet."""

    def __init__(self, rules_path: str = "", run_root: str = "", overrides: tuple[Override, ...] = ()):
        self.model = load_region_model(run_root)
        if self.model is not None:
            overrides = self.model.rule_overrides_
        self.rules = RegionReconstructor(rules_path or None, overrides)

    def explain(self, batch: pd.DataFrame, hide: tuple[str, ...] = ()) -> pd.DataFrame:
        """region, rule_id, source (bpe / rules / learned) and probability (learned rows) per row."""
        out = self.rules.explain(batch, hide=hide)
        out["probability"] = np.nan
        open_rows = np.flatnonzero(out["region"].isna().to_numpy())
        if self.model is not None and len(open_rows):
            frame = batch.iloc[open_rows].drop(columns=[c for c in hide if c in batch.columns])
            decided = self.model.decide(frame)
            hit = decided["region"].notna().to_numpy()
            rows = open_rows[hit]
            out.iloc[rows, out.columns.get_loc("region")] = decided["region"].to_numpy(dtype=object)[hit]
            for column in ("rule_id", "source"):
                out.iloc[rows, out.columns.get_loc(column)] = "learned"
            out.iloc[rows, out.columns.get_loc("probability")] = decided["probability"].to_numpy()[hit]
        return out

    def __call__(self, batch: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        out = self.explain(batch)
        return out["region"].rename("region"), out["rule_id"].rename("rule_id")

    def body_part_region(self, batch: pd.DataFrame) -> pd.Series:
        """The one region BodyPartExamined names on its own (None: missing, generic or multi-region)."""
        others = tuple(f for f in self.rules.rules.fields if f != BPE)
        region = self.rules.explain(batch, hide=others)["region"]
        multi = _text(batch, BPE).map(lambda v: v is not None and bpe_key(v) in self.rules.rules.multi)
        return region.where(~multi.to_numpy(dtype=bool), None).astype(object)


class RegionBatch:
    """map_batches callable: region rows of a pandas batch of tags (rules, then the saved model).

    With ``measure_fraction`` > 0 the rows of that share of studies also carry the measurement columns:
    ``truth`` (the region BodyPartExamined names), ``rules_only`` and ``masked_region`` /
    ``masked_source`` (rules, then the model, with BodyPartExamined hidden)."""

    def __init__(
        self, rules_path: str = "", run_root: str = "", measure_fraction: float = 0.0, seed: int = 1
    ):
        self.labeller = RegionLabeller(rules_path, run_root)
        self.measure_fraction = measure_fraction
        self.seed = seed

    def __call__(self, batch: pd.DataFrame) -> pa.Table:
        out = self.labeller.explain(batch)
        frame = pd.DataFrame(
            {
                UID: _text(batch, UID).to_numpy(),
                STUDY_UID: _text(batch, STUDY_UID).to_numpy(),
                SERIES_UID: _text(batch, SERIES_UID).to_numpy(),
                "modality": _text(batch, "modality").to_numpy(),
                "region": out["region"].to_numpy(dtype=object),
                "rule_id": out["rule_id"].to_numpy(dtype=object),
                "source": out["source"].to_numpy(dtype=object),
                "probability": out["probability"].to_numpy(dtype=np.float32),
                "rules_version": np.full(len(batch), self.labeller.rules.rules.version, dtype=np.int32),
            }
        )
        if self.measure_fraction <= 0:
            return region_table(frame)
        measured = measured_studies(batch, self.measure_fraction, self.seed)
        frame["measured"] = measured
        for name in MEASURE_SCHEMA.names[1:]:
            frame[name] = np.full(len(batch), None, dtype=object)
        if measured.any():
            part = batch.loc[measured]
            masked = self.labeller.explain(part, hide=(BPE,))
            frame.loc[measured, "truth"] = self.labeller.body_part_region(part).to_numpy(dtype=object)
            frame.loc[measured, "rules_only"] = self.labeller.rules.explain(part, hide=(BPE,))[
                "region"
            ].to_numpy()
            frame.loc[measured, "masked_region"] = masked["region"].to_numpy(dtype=object)
            frame.loc[measured, "masked_source"] = masked["source"].to_numpy(dtype=object)
        return region_table(frame, measure=True)


class AgreementBatch:
    """map_batches callable: how the rule readings (modality, rule id, matched term) agree with
    BodyPartExamined, per reading and study (:func:`agreement_rows`): ``rows`` read by the rule where
    BodyPartExamined names one region, ``disagree`` of them where it names another, and
    ``bpe_region`` (the region it then names most often). Rows of measured studies are left out."""

    def __init__(self, rules_path: str = "", measure_fraction: float = 0.0, seed: int = 1):
        self.labeller = RegionLabeller(rules_path)
        self.measure_fraction = measure_fraction
        self.seed = seed

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        bpe = self.labeller.body_part_region(batch)
        read = self.labeller.rules.explain(batch, hide=(BPE,))
        keep = (bpe.notna() & (read["source"] == "rules")).to_numpy() & ~measured_studies(
            batch, self.measure_fraction, self.seed
        )
        frame = pd.DataFrame(
            {
                "modality": _text(batch, "modality").map(code_value).to_numpy(dtype=object),
                "rule_id": read["rule_id"].str.split(">").str[0].to_numpy(dtype=object),
                "term": read["term"].to_numpy(dtype=object),
                STUDY_UID: study_keys(batch),
                "bpe_region": bpe.to_numpy(dtype=object),
                "disagree": (bpe != read["region"]).to_numpy(),
            }
        )[keep]
        return agreement_rows(frame)


READING = ["modality", "rule_id", "term"]


def agreement_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of :class:`AgreementBatch` (or of its own output) summed per reading and study."""
    keys = [*READING, STUDY_UID]
    columns = [*keys, "rows", "disagree", "bpe_region"]
    if "rows" not in frame.columns:
        frame = frame.assign(rows=1, disagree=frame["disagree"].astype(int))
        frame["bpe_region"] = frame["bpe_region"].where(frame["disagree"] > 0, "")
    if frame.empty:
        return pd.DataFrame(columns=columns)
    out = frame.groupby(keys).agg(
        rows=("rows", "sum"), disagree=("disagree", "sum"), bpe_region=("bpe_region", _mode)
    )
    return out.reset_index()[columns]


def reading_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per reading (modality, rule id, term) of :func:`agreement_rows` rows: ``rows``,
    ``disagree``, ``studies`` (where it disagrees) and ``bpe_region``."""
    per_study = agreement_rows(frame)
    per_study["studies"] = (per_study["disagree"] > 0).astype(int)
    out = per_study.groupby(READING).agg(
        rows=("rows", "sum"),
        disagree=("disagree", "sum"),
        studies=("studies", "sum"),
        bpe_region=("bpe_region", _mode),
    )
    return out.reset_index()


def _mode(values: pd.Series) -> str:
    named = values[values != ""]
    return str(named.mode().iloc[0]) if len(named) else ""


def rule_overrides(readings: pd.DataFrame, min_studies: int) -> pd.DataFrame:
    """The readings of :func:`reading_agreement` that BodyPartExamined contradicts in most of their
    rows and in at least ``min_studies`` studies (none when ``min_studies`` is 0), most contradicted
    first."""
    if min_studies <= 0 or readings.empty:
        return pd.DataFrame(columns=[*READING, "rows", "disagree", "studies", "bpe_region"])
    out = readings[(2 * readings["disagree"] > readings["rows"]) & (readings["studies"] >= min_studies)]
    return out.sort_values(["disagree", *READING], ascending=[False, True, True, True]).reset_index(drop=True)


class LabelBatch:
    """map_batches callable: the rows the region model learns from, grouped by study and text.

    A row is labelled by BodyPartExamined (``origin`` "bpe") when it names one region; ``status`` is
    "contradicted" when the descriptions (read by the rules without it) name another, else "label".
    With ``rule_labels``, a row whose BodyPartExamined names no region is labelled by the region the
    rules read from its descriptions (``origin`` "rules"), so the model also learns the codes that
    stand beside words the rules know. Rows of measured studies are left out. Columns:
    study_instance_uid, the model fields ("" when missing), label, status, origin, text_open (the rules
    alone leave it open), n (instances), series (distinct series)."""

    def __init__(
        self,
        rules_path: str = "",
        measure_fraction: float = 0.0,
        seed: int = 1,
        rule_labels: bool = True,
        overrides: tuple[Override, ...] = (),
    ):
        self.labeller = RegionLabeller(rules_path, overrides=overrides)
        self.measure_fraction = measure_fraction
        self.seed = seed
        self.rule_labels = rule_labels

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        bpe = self.labeller.body_part_region(batch)
        text = self.labeller.rules.explain(batch, hide=(BPE,))["region"]
        named = bpe.notna().to_numpy()
        read = text.notna().to_numpy()
        measured = measured_studies(batch, self.measure_fraction, self.seed)
        keep = (named | (read & self.rule_labels)) & ~measured
        frame = pd.DataFrame({STUDY_UID: study_keys(batch)}, index=batch.index)
        for name in MODEL_FIELDS:
            frame[name] = _text(batch, name).fillna("").to_numpy(dtype=object)
        frame["label"] = np.where(named, bpe.to_numpy(dtype=object), text.to_numpy(dtype=object))
        frame["text_open"] = ~read
        frame["status"] = np.where(named & read & (text != bpe).to_numpy(), "contradicted", "label")
        frame["origin"] = np.where(named, "bpe", "rules")
        frame["series"] = _text(batch, SERIES_UID).fillna("").to_numpy(dtype=object)
        grouped = frame.loc[keep].groupby(LABEL_KEYS, sort=False)["series"].agg(["size", "nunique"])
        return grouped.rename(columns={"size": "n", "nunique": "series"}).reset_index()


def sample_studies(batch: pd.DataFrame, fraction: float, seed: int) -> pd.DataFrame:
    """Rows of a stable ``fraction`` of the studies (by keyed hash of the study uid)."""
    return batch[labelled_mask(batch[STUDY_UID].astype(object).to_numpy(), fraction, seed + _SAMPLE_SEED)]


def calibration_folds(studies: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold (0 .. ``folds`` - 1) of each row by a keyed hash of its study, for study-disjoint
    out-of-fold scores."""
    key = f"pl-fold-{seed + _CALIBRATION_SEED:08d}"[-16:]
    h = pd.util.hash_array(np.asarray(studies, dtype=object), hash_key=key, categorize=False)
    return (h % np.uint64(folds)).astype(np.int64)


# ---------------------------------------------------------------------------------------------------
# study-level consistency

_KINDS = (("region", "region", "source", "rule_id"), ("masked", "masked_region", "masked_source", None))


def study_pairs(batch: pd.DataFrame) -> pd.DataFrame:
    """Distinct (study, kind, region) of staged region rows; region "" marks an open row. Kind "masked"
    holds the measured rows' regions with BodyPartExamined hidden."""
    parts = []
    for kind, column, _, _ in _KINDS:
        if column not in batch.columns:
            continue
        rows = batch[batch["measured"].astype(bool)] if kind == "masked" else batch
        part = pd.DataFrame(
            {
                STUDY_UID: rows[STUDY_UID].astype(object),
                "kind": kind,
                "region": rows[column].astype(object).fillna(""),
            }
        )
        parts.append(part[part[STUDY_UID].notna()].drop_duplicates())
    return pd.concat(parts, ignore_index=True)


def study_fill(pairs: pd.DataFrame) -> pd.DataFrame:
    """(study, kind, region) to fill open rows with, from :func:`study_pairs` rows holding whole studies:
    where a study has open rows and its other rows name exactly one region."""
    keys = [STUDY_UID, "kind"]
    named = pairs[pairs["region"] != ""].groupby(keys, as_index=False)["region"].agg(["nunique", "first"])
    agreed = named[named["nunique"] == 1].rename(columns={"first": "region"})[[*keys, "region"]]
    open_studies = pairs.loc[pairs["region"] == "", keys].drop_duplicates()
    return open_studies.merge(agreed, on=keys)


def fill_from_studies(batch: pd.DataFrame, fills: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Open rows of the studies in ``fills[kind]`` take the study's region (source and rule_id "study")."""
    batch = batch.copy()
    for kind, column, source, rule in _KINDS:
        table = fills.get(kind)
        if not table or column not in batch.columns:
            continue
        region = batch[STUDY_UID].map(table)
        hit = (batch[column].isna() & region.notna()).to_numpy()
        batch.loc[hit, column] = region[hit]
        batch.loc[hit, source] = "study"
        if rule:
            batch.loc[hit, rule] = "study"
    return batch


def fills_by_kind(fills: pd.DataFrame) -> dict[str, dict[str, str]]:
    """:func:`study_fill` rows as kind -> study -> region."""
    return {
        str(kind): dict(zip(part[STUDY_UID], part["region"], strict=True))
        for kind, part in fills.groupby("kind")
    }


def measure_counts(batch: pd.DataFrame) -> pd.DataFrame:
    """Per modality, over measured rows with a truth: rows, and covered / correct rows of the rules
    alone, rules + model, and rules + model + study."""
    rows = batch[batch["measured"].astype(bool) & batch["truth"].notna()]
    truth = rows["truth"].astype(object)
    model = rows["masked_region"].where(rows["masked_source"] != "study", None)
    variants = {"rules": rows["rules_only"], "rules_model": model, "rules_model_study": rows["masked_region"]}
    out = pd.DataFrame({"modality": rows["modality"].astype(object).fillna("(none)"), "n": 1})
    for name, region in variants.items():
        region = region.astype(object)
        out[f"{name}_covered"] = region.notna().astype(int).to_numpy()
        out[f"{name}_correct"] = (region == truth).astype(int).to_numpy()
    return out.groupby("modality", as_index=False).sum()


def feature_frame(batch: pd.DataFrame, columns: list[str], regions, max_array_values: int) -> pd.DataFrame:
    """The selected feature columns of a tags batch (flattened other_tags and region included)."""
    frame = batch
    other = [c for c in columns if c.startswith(OTHER_PREFIX)]
    if other:
        frame = with_other_tags(frame, max_array_values, keep=other)
    if "region" in columns and "region" not in frame.columns:
        frame = frame.assign(region=regions(frame)[0])
    return frame


class EncodeBatch:
    """map_batches callable: features/tags/ rows; the fitted preprocessor is read once per actor."""

    def __init__(self, run_root: str, rules_path: str, max_array_values: int):
        data = RunRoot(run_root).read_bytes(MODELS, TAG_PREPROCESSOR, "preprocessor.pkl")
        self.pre = TagPreprocessor.from_bytes(data)
        self.columns = [*self.pre.numeric, *self.pre.categorical]
        self.regions = RegionLabeller(rules_path, run_root)
        self.max_array_values = max_array_values

    def __call__(self, batch: pd.DataFrame) -> dict[str, np.ndarray]:
        frame = feature_frame(batch, self.columns, self.regions, self.max_array_values)
        return {
            UID: batch[UID].astype(object).to_numpy(),
            "features": self.pre.transform(frame),
        }


def hash_filter(batch: pd.DataFrame, fraction: float, seed: int) -> pd.DataFrame:
    """The rows whose keyed hash of sop_instance_uid falls in ``fraction`` (a stable sample)."""
    return batch[labelled_mask(batch[UID].astype(object).to_numpy(), fraction, seed)]


def uid_filter(batch: pd.DataFrame, uids: frozenset) -> pd.DataFrame:
    return batch[batch[UID].isin(uids)]


class ProfileBatch:
    """map_batches callable: the partial profile of one pandas batch (tags, flattened other_tags and
    the reconstructed region: rules, then the run root's region model). Loads them once per worker."""

    def __init__(self, cfg: SelectionConfig, rules_path: str = "", run_root: str = ""):
        self.cfg = cfg
        self.regions = RegionLabeller(rules_path, run_root)

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        frame = batch
        if self.cfg.other_tags:
            frame = with_other_tags(frame, self.cfg.max_array_values)
        frame = frame.drop(columns=["other_tags"], errors="ignore")
        frame = frame.assign(region=self.regions(frame)[0])
        part = profile_frame(frame, self.cfg.sketch_size, self.cfg.top_values)
        part["batch"] = f"{id(batch)}-{np.random.default_rng().integers(1 << 62)}"
        part["batch_rows"] = len(frame)
        return part
