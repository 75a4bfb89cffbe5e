"""Partitioned labelling: labels never mix modalities, K per partition, readable names, stable ids."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.config import ConfigError
from pacslabel.label import LabelConfig, fit_model
from pacslabel.label.inputs import Sample
from pacslabel.label.kfit import best_within_tolerance, fit_partition, k_grid
from pacslabel.label.names import label_names, terms
from pacslabel.label.partition import UNASSIGNED, PartitionIndex, partition_keys, without_study_sources
from pacslabel.splits import assign_splits, group_keys


def _sample(n_per: int = 120, seed: int = 0) -> tuple[Sample, np.ndarray]:
    """CT and MR instances with the *same* embeddings (two blobs each): only the Modality tag tells them
    apart. Returns the sample and the blob of every row."""
    rng = np.random.default_rng(seed)
    blobs = np.tile(np.arange(2), n_per)
    centres = np.array([[4.0, 0, 0, 0], [0, 4.0, 0, 0]], np.float32)
    one = centres[blobs] + 0.3 * rng.normal(size=(2 * n_per, 4)).astype(np.float32)
    x = np.concatenate([one, one])
    n = len(x)
    modality = np.array(["CT"] * (n // 2) + ["MR"] * (n // 2), dtype=object)
    region = np.array(["KNEE"] * n, dtype=object)
    desc = np.array(
        [("sag pd fs" if b == 0 else "ax t1") for b in np.concatenate([blobs, blobs])], dtype=object
    )
    context = {
        "modality": modality,
        "region": region,
        "patient_key": np.array([f"p{i // 4}" for i in range(n)], dtype=object),
        "study_instance_uid": np.array([f"s{i // 4}" for i in range(n)], dtype=object),
        "series_description": desc,
        "protocol_name": np.full(n, None, dtype=object),
    }
    sample = Sample(
        uids=np.array([f"u{i}" for i in range(n)], dtype=object),
        parts={"images": x},
        present={"images": np.ones(n, bool)},
        context=context,
        summary={},
    )
    return sample, np.concatenate([blobs, blobs])


def _cfg(**kw) -> LabelConfig:
    base = dict(
        run_root="unused",
        sources=["images"],
        k_max=5,
        min_rows_per_label=10,
        silhouette_sample=200,
        nredo=1,
        device="cpu",
    )
    return LabelConfig(**{**base, **kw})


def test_labels_never_mix_modalities_even_when_embeddings_conflict():
    sample, blobs = _sample()
    model, summary = fit_model(_cfg(), sample)
    ids, dist, _ = model.assign(sample.parts, sample.present, sample.context)
    mods = sample.context["modality"]
    for lab in np.unique(ids):
        assert len(set(mods[ids == lab])) == 1
    assert summary["n_partitions"] == 2 and summary["k_per_partition"] == {"CT|KNEE": 2, "MR|KNEE": 2}
    # inside each modality the two blobs are found
    for m in ("CT", "MR"):
        rows = mods == m
        assert len({(b, i) for b, i in zip(blobs[rows], ids[rows], strict=True)}) == 2
    assert np.isfinite(dist).all()


def test_without_partitions_the_same_embeddings_share_labels():
    sample, _ = _sample()
    model, summary = fit_model(_cfg(partition_by=[]), sample)
    ids, _, _ = model.assign(sample.parts, sample.present, sample.context)
    mods = sample.context["modality"]
    assert summary["n_partitions"] == 1
    assert any(len(set(mods[ids == lab])) == 2 for lab in np.unique(ids))


def test_unseen_region_falls_back_to_its_modality_and_unseen_modality_is_unassigned():
    centroids = np.array([[0, 0], [10, 0], [0, 10]], np.float32)
    index = PartitionIndex(centroids, ["CT|HEAD", "CT|KNEE", "MR|KNEE"], ["modality", "region"])
    x = np.array([[0, 9.0], [0, 9.0], [0, 9.0], [9, 0]], np.float32)
    keys = partition_keys(
        {"modality": ["CT", "MR", "US", "CT"], "region": ["HAND", "KNEE", "KNEE", None]},
        ["modality", "region"],
        4,
    )
    assert list(keys) == ["CT|HAND", "MR|KNEE", "US|KNEE", "CT|?"]
    idx, dist = index.search(x, keys)
    # CT|HAND is unseen: nearest among CT's centroids, never MR's (which is nearer)
    assert idx[0] == 0 and idx[1] == 2 and idx[2] == UNASSIGNED and idx[3] == 1
    assert np.isnan(dist[2]) and dist[1] == np.float32(1.0)


def test_no_structure_keeps_one_label_and_k_is_capped_by_rows():
    rng = np.random.default_rng(1)
    n = 200
    sample = Sample(
        uids=np.array([f"u{i}" for i in range(n)], dtype=object),
        parts={"images": rng.normal(size=(n, 6)).astype(np.float32)},
        present={"images": np.ones(n, bool)},
        context={"modality": np.full(n, "US", dtype=object), "region": np.full(n, "NECK", dtype=object)},
        summary={},
    )
    model, summary = fit_model(_cfg(min_silhouette=0.3), sample)
    assert summary["k"] == 1 and model.meta["k_selection"]["US|NECK"]["rule"] == "no_structure"
    _, summary = fit_model(_cfg(k=50, min_rows_per_label=40), sample)
    n_train = model.meta["n_split"]["train"]
    assert summary["k"] == n_train // 40


def test_best_within_tolerance_takes_the_largest_near_best_k():
    scores = {2: 0.80, 3: 0.70, 4: 0.77, 6: 0.76, 8: float("nan"), 10: 0.50}
    assert best_within_tolerance(scores, 0.0) == 2
    assert best_within_tolerance(scores, 0.05) == 6  # 0.76 >= 0.80 - 0.05; 10 is far below
    assert best_within_tolerance(scores, 0.5) == 10
    assert best_within_tolerance({2: float("nan")}, 0.05) is None
    assert best_within_tolerance({4: 0.7, 6: 0.7, 8: 0.6}, 0.0) == 4  # a tie goes to fewer labels


def test_tolerance_reaches_the_fine_level_of_nested_groups():
    """Two far-apart groups of three blobs each: the silhouette peaks at the coarse K = 2, the six blobs
    score almost as well, and K = 8 splits a blob and scores far lower."""
    rng = np.random.default_rng(0)
    coarse = np.array([[0, 0], [30, 0]], float)
    fine = np.array([[0, 0], [4, 0], [0, 4]], float)
    centres = (coarse[:, None] + fine[None]).reshape(-1, 2)
    blob = np.repeat(np.arange(6), 60)
    train, held = ((centres[blob] + 0.35 * rng.normal(size=(len(blob), 2))).astype(np.float32) for _ in "th")
    cfg = dict(k_max=10, silhouette_sample=400, nredo=3)
    coarse_fit = fit_partition("p", train, held, _cfg(silhouette_tolerance=0.0, **cfg))
    fine_fit = fit_partition("p", train, held, _cfg(silhouette_tolerance=0.05, **cfg))
    assert coarse_fit.k == 2 and max(coarse_fit.scores, key=coarse_fit.scores.get) == 2
    assert fine_fit.k == 6 and fine_fit.scores[6] >= fine_fit.scores[2] - 0.05 > fine_fit.scores[8]


def test_k_grid_grows_geometrically():
    assert k_grid(1, 20) == [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 19]
    assert k_grid(3, 3) == [3]


def test_names_use_modality_region_and_distinctive_terms():
    labels = np.array([0, 0, 0, 1, 1, 1])
    mods = np.array(["MR"] * 6, dtype=object)
    regions = np.array(["KNEE"] * 6, dtype=object)
    part = np.array(["MR|KNEE"] * 6, dtype=object)
    texts = ["SAG PD FS", "sag pd", "Sag PD 3mm", "AX T1", "ax t1 se", "KNEE AX T1"]
    names = label_names(labels, mods, regions, part, texts)
    assert names == {0: "MR · KNEE · pd sag", 1: "MR · KNEE · ax t1"}
    assert terms("T2_FLAIR 3mm Ax") == {"t2", "flair", "ax"}
    same = label_names(np.array([0, 1]), mods[:2], regions[:2], part[:2], ["x", "y"])
    assert same == {0: "MR · KNEE", 1: "MR · KNEE #2"}


def test_label_ids_are_stable_across_a_retrain_and_sample_split_is_disjoint_by_patient():
    sample, _ = _sample()
    first, _ = fit_model(_cfg(seed=0), sample)
    second, summary = fit_model(_cfg(seed=7), sample, previous=first)
    a, _, _ = first.assign(sample.parts, sample.present, sample.context)
    b, _, _ = second.assign(sample.parts, sample.present, sample.context)
    assert summary["label_id_rule"] == "co-assignment" and (a == b).mean() > 0.95
    keys = group_keys(sample.context["patient_key"], sample.context["study_instance_uid"])
    split = assign_splits(keys, 0)
    for k in set(keys):
        assert len(set(split[keys == k])) == 1
    assert set(split) == {"train", "validation", "test"}


def test_study_sources_are_left_out_only_where_the_region_is_known():
    from pacslabel.label.fusion import Fusion

    rng = np.random.default_rng(0)
    parts = {"images": rng.normal(size=(4, 3)).astype(np.float32), "reports": rng.normal(size=(4, 2))}
    present = {s: np.ones(4, bool) for s in parts}
    fusion = Fusion(sources=["images", "reports"]).fit(parts, present)
    x = fusion.transform(parts, present)
    keys = np.array(["MR|KNEE", "MR|?", "CT|HEAD", "CT|?"], dtype=object)
    out = without_study_sources(x, keys, ["modality", "region"], fusion, ["reports"])
    assert (out[[0, 2], 3:] == 0).all() and (out[[1, 3], 3:] == x[[1, 3], 3:]).all()
    assert (out[:, :3] == x[:, :3]).all()
    assert without_study_sources(x, keys, ["modality"], fusion, ["reports"]) is x


def test_silhouette_tolerance_out_of_range_names_the_key():
    with pytest.raises(ConfigError, match="silhouette_tolerance"):
        _cfg(silhouette_tolerance=-0.1).validate()
