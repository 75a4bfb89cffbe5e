"""Evaluation of report embeddings (paper 003 §2.3.1): k-means, then NMI and homogeneity against
modality and region, their harmonic mean, and the diagnosis similarity: the mean pairwise cosine
distance inside each cluster (Eq. 3-4), averaged over clusters.

Truth per accession key comes from the ``tags/`` table (modality, body_part_examined; a study's
most frequent value) or, when given, the synthetic archive's ``truth.parquet`` (modality,
anatomical_region per sop_instance_uid) joined to accession keys through ``tags/``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from pacslabel import metrics
from pacslabel.runroot import ACCESSION_KEY, UID

log = logging.getLogger(__name__)


def intra_cluster_cosine_distance(x: np.ndarray, labels: np.ndarray) -> float:
    """Mean over clusters (of two rows or more) of the mean pairwise cosine distance in the cluster.

    Exact, in O(n d): for unit rows u, the sum of cosines over ordered pairs i != j of a cluster is
    ``||sum u||^2 - n``. Zero rows count as orthogonal to everything.
    """
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    u = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    nonzero = (norms[:, 0] > 0).astype(np.float64)
    uniq, inv = np.unique(np.asarray(labels), return_inverse=True)
    sums = np.zeros((uniq.size, x.shape[1]))
    np.add.at(sums, inv, u)
    sizes = np.bincount(inv, minlength=uniq.size).astype(np.float64)
    self_cos = np.bincount(inv, weights=nonzero, minlength=uniq.size)
    per = []
    for c in range(uniq.size):
        n = sizes[c]
        if n < 2:
            continue
        pair_cos = (sums[c] @ sums[c] - self_cos[c]) / (n * (n - 1))
        per.append(1.0 - pair_cos)
    return float(np.mean(per)) if per else float("nan")


def kmeans_labels(x: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, float]:
    """k-means (k-means++, 10 restarts) labels and inertia."""
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(np.asarray(x, dtype=np.float64))
    return km.labels_.astype(np.int32), float(km.inertia_)


def pick_k_elbow(x: np.ndarray, ks: Sequence[int], seed: int = 0) -> int | None:
    """The Kneedle elbow of the k-means inertia curve over ``ks`` (None when no knee is found)."""
    from kneed import KneeLocator

    ks = sorted(set(int(k) for k in ks if k < len(x)))
    if len(ks) < 3:
        return None
    inertia = [kmeans_labels(x, k, seed)[1] for k in ks]
    knee = KneeLocator(ks, inertia, curve="convex", direction="decreasing").knee
    return int(knee) if knee is not None else None


def cluster_scores(
    x: np.ndarray, modality: np.ndarray, region: np.ndarray, k: int, seed: int = 0
) -> dict[str, float]:
    """k-means with ``k`` on ``x``, then label scores and the two cosine-distance summaries."""
    labels, inertia = kmeans_labels(x, k, seed)
    out = metrics.label_scores(labels, modality, region)
    out["k"] = k
    out["inertia"] = inertia
    out["intra_cosine_distance"] = intra_cluster_cosine_distance(x, labels)
    out["centroid_cosine_distance"] = metrics.mean_cosine_distance_to_centroid(x, labels)
    return out


def compare_embedders(
    docs: Sequence[list[str]],
    modality: np.ndarray,
    region: np.ndarray,
    embedders: dict,
    k: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Fit every embedder on ``docs``, embed them, cluster with k-means and score; one row each,
    best ``score`` first. ``embedders`` maps a row name to an unfitted embedder."""
    rows = []
    for name, emb in embedders.items():
        t0 = time.perf_counter()
        emb.fit(list(docs))
        t1 = time.perf_counter()
        x = emb.transform(list(docs))
        t2 = time.perf_counter()
        row = {"embedder": name, "dim": int(x.shape[1])}
        row.update(cluster_scores(x, modality, region, k, seed))
        row.update({"fit_seconds": round(t1 - t0, 3), "transform_seconds": round(t2 - t1, 3)})
        rows.append(row)
        log.info("%s: score %.3f", name, row["score"])
    return pd.DataFrame(rows).sort_values("score", ascending=False, ignore_index=True)


def _mode(values: pd.Series):
    v = values.dropna()
    v = v[v != ""]
    return v.mode().iloc[0] if len(v) else None


def truth_by_accession(tags, keys: Sequence[str], truth_path: str = "") -> pd.DataFrame:
    """Modality and region per accession key for ``keys`` (a bounded sample), streamed from ``tags``
    (the tags/ table as a ``pyarrow.dataset.Dataset``).

    With ``truth_path`` (truth.parquet: sop_instance_uid, modality, anatomical_region) the truth is
    joined through tags/ sop_instance_uid -> accession_key; otherwise tags/ modality and
    body_part_examined are used. Columns: accession_key, modality, region.
    """

    wanted = pa.array(list(keys), pa.string())
    cols = [ACCESSION_KEY, UID, "modality", "body_part_examined"]
    cols = [c for c in cols if c in tags.schema.names]
    t = tags.to_table(columns=cols, filter=pc.field(ACCESSION_KEY).isin(wanted)).to_pandas()
    if truth_path:
        sops = pa.array(t[UID].tolist(), pa.string())
        truth = (
            pads.dataset(truth_path, format="parquet")
            .to_table(
                columns=[UID, "modality", "anatomical_region"],
                filter=pc.field(UID).isin(sops),
            )
            .to_pandas()
        )
        t = t[[ACCESSION_KEY, UID]].merge(truth, on=UID, how="inner")
        t = t.rename(columns={"anatomical_region": "region"})
    else:
        t = t.rename(columns={"body_part_examined": "region"})
        if "region" not in t:
            t["region"] = None
    g = t.groupby(ACCESSION_KEY)
    return pd.DataFrame(
        {"modality": g["modality"].agg(_mode), "region": g["region"].agg(_mode)}
    ).reset_index()
