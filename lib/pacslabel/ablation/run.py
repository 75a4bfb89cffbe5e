"""Source and fusion ablation of the labelling model on one sample (paper 003, Table 7).

The sample is read once (:func:`pacslabel.label.inputs.sample_inputs`) and split by patient; for every
variant (subset of sources x fusion x partitioning) :func:`pacslabel.label.fit.fit_model` fits the fusion
and the k-means on the train rows and chooses K on the validation rows; the labels of the test rows (and
of the train rows, for comparison) are scored against the truth, or else against the tags.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from pacslabel.ablation.config import AblateConfig, label_config
from pacslabel.ablation.reference import Reference, from_context, read_truth
from pacslabel.ablation.scores import COSINE_SOURCES, row_scores
from pacslabel.ablation.table import render_markdown
from pacslabel.ablation.variants import Variant, partition_name, variants, with_rows, with_sources
from pacslabel.config import ConfigError, to_dict
from pacslabel.label.fit import fit_model, sample_splits
from pacslabel.label.inputs import anchor_of, available_sources, sample_inputs
from pacslabel.privacy import without_paths
from pacslabel.runroot import ABLATION_JSON, ABLATION_MD, TAGS, RunRoot, embeddings_table
from pacslabel.runtime import init_ray
from pacslabel.splits import SPLITS

log = logging.getLogger(__name__)

COSINE = "mean pairwise cosine distance within a label, averaged over labels (paper 003 Eq. 3-4)"
COSINE_TO_MEAN = "mean cosine distance to the label's mean vector (as in the evaluate stage)"


def _read_sample(cfg: AblateConfig, rr: RunRoot):

    sources, skipped = available_sources(rr, list(cfg.sources))
    if skipped:
        log.warning("configured sources without embeddings under %s: %s (left out)", rr.uri, skipped)
    if not sources:
        raise FileNotFoundError(f"no embeddings/<source>/ table under {rr.uri} for {list(cfg.sources)}")
    anchor = anchor_of(sources)
    n_total = rr.count_rows(TAGS if anchor is None else embeddings_table(anchor))  # from the Parquet footers
    sample = sample_inputs(
        rr, sources, cfg.train_sample, seed=cfg.seed, n_total=n_total, balance=cfg.balance_modalities
    )
    if cfg.complete_rows:
        keep = np.logical_and.reduce([sample.present[s] for s in sources])
        if not keep.any():
            raise ValueError("complete_rows: no sampled instance has every source")
        sample = with_rows(sample, keep)
    return sample, skipped


def _fit_and_score(
    cfg: AblateConfig, sample, v: Variant, ref: Reference, rows: dict, embeddings: dict
) -> dict:

    sub = with_sources(sample, v.sources)
    model, fit = fit_model(label_config(cfg, list(v.sources), v.fusion, list(v.partition_by)), sub)
    labels, _, _ = model.assign(sub.parts, sub.present, sample.context)
    out = {
        "sources": list(v.sources),
        "fusion": v.fusion,
        "partition_by": list(v.partition_by),
        "partitions": partition_name(v.partition_by),
        "k": model.k,
        "n_partitions": fit["n_partitions"],
        "k_per_partition": fit["k_per_partition"],
        "dims": fit["dims"],
        "fit_seconds": fit["fit_seconds"],
    }
    for split, mask in rows.items():
        out[split] = row_scores(labels, ref, mask, embeddings)
    log.info("%s: K=%d, test S=%s", v.name, model.k, out["test"].get("score"))
    return out


def ablate(cfg: AblateConfig, sample, ref: Reference) -> dict:
    """Fit and score every variant on an in-memory sample (driver, no Ray); the ``ablation.json`` body."""

    sources = [s for s in cfg.sources if s in sample.parts]
    split = sample_splits(sample, label_config(cfg, sources, cfg.fusions[0], []))
    rows = {"test": split == "test", "train": split == "train"}
    embeddings = {s: (sample.parts[s], sample.present[s]) for s in COSINE_SOURCES if s in sources}
    results = [
        _fit_and_score(cfg, sample, v, ref, rows, embeddings)
        for v in variants(sources, list(cfg.fusions), [list(p) for p in cfg.partitionings])
    ]
    return {
        "reference": {"name": ref.name, **ref.described},
        "sources": sources,
        "n_sample": len(sample.uids),
        "n_split": {s: int((split == s).sum()) for s in SPLITS},
        "present": {s: int(sample.present[s].sum()) for s in sources},
        "scored_splits": list(rows),
        "cosine": {"cos_<source>": COSINE, "cos_<source>_to_mean": COSINE_TO_MEAN},
        "settings": without_paths({k: v for k, v in to_dict(cfg).items() if k != "ray"}),
        "rows": results,
    }


def run_ablation(cfg: AblateConfig) -> dict:
    """Read one sample, fit and score every variant; writes ``ablation.json`` and ``ablation.md``."""

    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    if not cfg.truth and not rr.has_table(TAGS):
        raise ConfigError(f"truth: required when {rr.uri} has no tags/ (no Modality tag to score against)")
    if cfg.truth and "://" not in cfg.truth and not Path(cfg.truth).is_file():
        raise ConfigError(f"truth: {cfg.truth} is not a file")
    t0 = time.perf_counter()
    sample, skipped = _read_sample(cfg, rr)
    n = len(sample.uids)
    ref = read_truth(cfg.truth, sample.uids) if cfg.truth else from_context(sample.context, n)
    t_sample = time.perf_counter() - t0
    result = {"run_root": rr.uri, "sources_skipped": skipped, **ablate(cfg, sample, ref)}
    rr.write_json(result, ABLATION_JSON)
    rr.write_text(render_markdown(result), ABLATION_MD)
    best = max(result["rows"], key=lambda r: r["test"].get("score") or -1.0)
    return {
        "reference": ref.name,
        "n_sample": n,
        "n_split": result["n_split"],
        "n_variants": len(result["rows"]),
        "best_test": {
            "variant": best["sources"],
            "fusion": best["fusion"],
            "partitions": best["partitions"],
            "score": best["test"].get("score"),
        },
        "outputs": [rr.uri_of(ABLATION_JSON), rr.uri_of(ABLATION_MD)],
        "seconds_sample": round(t_sample, 3),
        "seconds_variants": round(time.perf_counter() - t0 - t_sample, 3),
    }
