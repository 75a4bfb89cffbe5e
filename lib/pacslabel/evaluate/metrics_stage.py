"""metrics.json: label quality against modality and region (all rows and per split), modality purity,
model-free baselines, silhouette, cosine distance, cluster sizes."""

from __future__ import annotations

import logging
import math

import numpy as np

from pacslabel.evaluate.frame import InstanceFrame
from pacslabel.evaluate.quality import Quality, headline, split_rows
from pacslabel.evaluate.streaming import gather_sample, streamed_cosine_distance
from pacslabel.evaluate.tables import table_exists
from pacslabel.metrics import silhouette_on_sample
from pacslabel.runroot import ACCESSION_KEY, RunRoot, embeddings_table

log = logging.getLogger(__name__)


def dense_labels(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct raw labels, index of each row's label in them)."""
    uniq, inverse = np.unique(labels, return_inverse=True)
    return uniq, inverse.astype(np.int64)


def size_stats(sizes: np.ndarray, raw_labels: np.ndarray) -> dict:
    """Cluster-size distribution: summary numbers, normalised entropy and every cluster's size."""
    total = int(sizes.sum())
    p = sizes / max(total, 1)
    k = sizes.size
    entropy = float(-(p[p > 0] * np.log(p[p > 0])).sum())
    return {
        "n_clusters": int(k),
        "n_instances": total,
        "min": int(sizes.min()),
        "max": int(sizes.max()),
        "mean": float(sizes.mean()),
        "median": float(np.median(sizes)),
        "entropy_normalised": entropy / math.log(k) if k > 1 else 1.0,
        "largest_fraction": float(sizes.max() / max(total, 1)),
        "n_singletons": int((sizes == 1).sum()),
        "sizes": {str(int(lab)): int(s) for lab, s in zip(raw_labels, sizes, strict=True)},
    }


def sample_positions(n: int, size: int, seed: int) -> np.ndarray:
    """A seeded random order of min(n, size) distinct frame rows."""
    rng = np.random.default_rng(seed)
    if size >= n:
        return rng.permutation(n)
    return rng.choice(n, size=size, replace=False)


def compute_metrics(root: RunRoot, frame: InstanceFrame, cfg) -> tuple[dict, dict]:
    """(metrics for metrics.json, extras for the report: the projection sample)."""
    raw, lab = dense_labels(frame.label)
    sizes = np.bincount(lab, minlength=raw.size)
    metrics: dict = {
        "n_instances": frame.n,
        "n_clusters": int(raw.size),
        "n_duplicate_label_rows": frame.n_duplicate_labels,
        "methods": frame.methods,
        "cluster_sizes": size_stats(sizes, raw),
    }

    quality = Quality.of(frame, lab, raw, cfg.purity_threshold)
    metrics.update(quality.block(np.ones(frame.n, dtype=bool)))
    score = headline(metrics["scores"])
    if score is not None:
        metrics["score"] = score
    splits = split_rows(frame)
    if splits:
        metrics["splits"] = {
            name: {"n_instances": int(rows.sum()), **quality.block(rows)} for name, rows in splits.items()
        }
    if "test" in splits:
        metrics["score_test"] = headline(metrics["splits"]["test"]["scores"])

    extras: dict = {"projection_source": None, "projection_pos": None, "projection_x": None}
    need = max(cfg.silhouette_sample, cfg.report.tsne_sample)
    sample = sample_positions(frame.n, need, cfg.seed) if need > 0 else np.zeros(0, dtype=np.int64)
    silhouettes: dict = {}
    for source in cfg.silhouette_sources:
        if not table_exists(root, embeddings_table(source)):
            continue
        pos, x = gather_sample(root, frame, source, sample, cfg.batch_rows)
        if cfg.silhouette_sample > 0 and pos.size:
            head = slice(0, cfg.silhouette_sample)
            silhouettes[source] = silhouette_on_sample(x[head], lab[pos[head]], n=cfg.silhouette_sample)
        if extras["projection_source"] is None and pos.size:
            extras.update(projection_source=source, projection_pos=pos, projection_x=x)
    metrics["silhouette"] = {
        "by_source": silhouettes,
        "sample_size": int(min(cfg.silhouette_sample, frame.n)),
    }
    if silhouettes:
        metrics["silhouette"]["value"] = next(iter(silhouettes.values()))
        metrics["silhouette"]["source"] = next(iter(silhouettes))

    permuted = np.random.default_rng(cfg.seed + 1).permutation(lab)
    cosine: dict = {}
    for source in cfg.cosine_sources:
        if not table_exists(root, embeddings_table(source)):
            continue
        if source == "reports" and not frame.has(ACCESSION_KEY):
            continue
        res = streamed_cosine_distance(root, frame, source, [lab, permuted], cfg.batch_rows)
        if res["n"] == 0:
            continue
        cosine[source] = {
            "mean": res["values"][0],
            "permuted": res["values"][1],
            "n": res["n"],
        }
    metrics["cosine_distance"] = cosine

    extras["label_index"] = lab
    extras["raw_labels"] = raw
    extras["sizes"] = sizes
    return clean_json(metrics), extras


def clean_json(obj):
    """NaN and infinities to None so that metrics.json is strict JSON."""
    if isinstance(obj, dict):
        return {str(k): clean_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [clean_json(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
