"""Tag K-medoids: silhouette sweep on a small generated table, and the visual check."""

import numpy as np
import pandas as pd
import pytest

from pacslabel.tags.clustering import (
    best_k,
    fit_kmedoids,
    kmedoids_sweep,
    silhouette_precomputed,
    visual_check,
)
from pacslabel.tags.gower import GowerEncoder


def _table(n_per=30, seed=0):
    rng = np.random.default_rng(seed)
    groups = [("CT", "SIEMENS", "HFS", 120.0), ("MR", "Philips", "FFS", 0.0), ("CR", "Agfa", None, 70.0)]
    rows = []
    for g, (mod, man, pos, kvp) in enumerate(groups):
        for _ in range(n_per):
            rows.append(
                {
                    "group": g,
                    "modality": mod,
                    "manufacturer": man,
                    "patient_position": pos,
                    "kvp": kvp + rng.normal(0, 3),
                    "age": rng.uniform(0, 90),
                }
            )
    return pd.DataFrame(rows)


def test_sweep_finds_the_generated_groups():
    df = _table()
    enc = GowerEncoder(["kvp", "age"], ["modality", "manufacturer", "patient_position"]).fit(df)
    d = enc.matrix(enc.transform(df))
    sweep = kmedoids_sweep(d, [2, 3, 4, 6, 200], seed=1)
    assert sweep["k"].tolist() == [2, 3, 4, 6]  # k >= n is skipped
    assert best_k(sweep, 5) == 3
    assert sweep.set_index("k").loc[3, "silhouette"] > 0.5
    assert sweep["loss"].is_monotonic_decreasing
    labels, medoids, _ = fit_kmedoids(d, 3, seed=1)
    assert len(set(zip(labels, df["group"], strict=True))) == 3  # one cluster per group
    assert labels[medoids].tolist() == [0, 1, 2]
    assert np.isnan(silhouette_precomputed(d, np.zeros(len(df), int)))


def test_visual_check_prefers_tag_clusters():
    rng = np.random.default_rng(2)
    samples = []
    for s in range(4):
        df = _table(20, seed=10 + s)
        enc = GowerEncoder(["kvp", "age"], ["modality", "manufacturer", "patient_position"]).fit(df)
        centres = rng.normal(size=(3, 16)) * 3
        emb = centres[df["group"].to_numpy()] + rng.normal(size=(len(df), 16))
        samples.append((enc.transform(df), emb))
    result = visual_check(samples, enc.matrix, k=3, seed=1)
    assert result["samples"] == 4
    assert result["mean_distance_tags"] < result["mean_distance_random"]
    assert all(t < r for t, r in zip(result["per_sample_tags"], result["per_sample_random"], strict=True))
    assert result["t_statistic"] < 0 and result["p_value"] < 0.05


def test_nan_distances_are_handled():
    d = np.array([[0, np.nan, 0.9], [np.nan, 0, 0.8], [0.9, 0.8, 0]])
    labels, _, _ = fit_kmedoids(d, 2, seed=0)
    assert sorted(np.bincount(labels).tolist()) == [1, 2]
    with pytest.raises((ValueError, RuntimeError, OverflowError)):
        fit_kmedoids(d, 5)
