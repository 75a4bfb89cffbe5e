"""Array-level pieces of the ablation: Eq. 3-4 cosine distance, references, variants, markdown."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.ablation.reference import Reference, clean, joint
from pacslabel.ablation.scores import mean_pairwise_cosine_distance, row_scores
from pacslabel.ablation.variants import source_subsets, variants, with_rows, with_sources
from pacslabel.label.inputs import Sample


def _brute(x, labels):
    per = []
    for lab in np.unique(labels):
        u = x[labels == lab]
        u = u / np.linalg.norm(u, axis=1, keepdims=True)
        n = len(u)
        if n < 2:
            continue
        d = [1 - u[i] @ u[j] for i in range(n) for j in range(n) if i != j]
        per.append(np.mean(d))
    return float(np.mean(per))


def test_pairwise_cosine_by_hand_and_brute_force():
    x = np.array([[1, 0], [2, 0], [1, 0], [0, 3], [5, 5]], float)
    # label 0: identical directions -> 0; label 1: orthogonal -> 1; label 2: one row, left out
    assert mean_pairwise_cosine_distance(x, np.array([0, 0, 1, 1, 2])) == pytest.approx(0.5)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 5))
    labels = rng.integers(0, 4, 60)
    assert mean_pairwise_cosine_distance(x, labels) == pytest.approx(_brute(x, labels))
    assert np.isnan(mean_pairwise_cosine_distance(x[:2], np.array([0, 1])))


def test_row_scores_on_chosen_rows():
    labels = np.array([0, 0, 1, 1, 1, 2], np.int32)
    mod = clean(["ct", "CT", "MR", "MR", "MR", None])
    region = clean(["HEAD", "HEAD", "KNEE", " ", "KNEE", "HEAD"])
    fine = joint(mod, region, clean(["A", "A", "B", "B", "B", "A"]))
    ref = Reference("truth", mod, region, fine)
    x = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 2], [1, 1]], np.float32)
    rows = np.array([True] * 5 + [False])
    out = row_scores(labels, ref, rows, {"images": (x, np.ones(6, bool))})
    assert out["n"] == 5 and out["n_scored"] == 5 and out["n_labels"] == 2
    assert out["nmi_modality"] == out["hs_modality"] == out["score"] == 1.0
    assert out["region_coverage"] == pytest.approx(0.8) and out["nmi_fine"] == 1.0
    assert out["cos_images"] == 0.0 and out["cos_images_to_mean"] == 0.0
    assert "cos_reports" not in out


def test_variants_enumerate_subsets_fusions_partitionings():
    assert source_subsets(["images", "tags", "reports"]) == [
        ("images",),
        ("tags",),
        ("reports",),
        ("images", "tags"),
        ("images", "reports"),
        ("tags", "reports"),
        ("images", "tags", "reports"),
    ]
    vs = variants(["images", "tags"], ["embeddings", "clusterprobs"], [["modality"], []])
    assert len(vs) == 3 * 2 * 2 and len(set(vs)) == len(vs)
    assert vs[1].name == "images / embeddings / global"


def test_sample_restricted_to_sources_and_rows():
    parts = {"images": np.arange(8, dtype=np.float32).reshape(4, 2), "reports": np.ones((4, 3), np.float32)}
    present = {"images": np.ones(4, bool), "reports": np.array([True, False, True, True])}
    sample = Sample(np.array(list("abcd"), object), parts, present, {"modality": np.array(list("CCMM"))}, {})
    sub = with_sources(sample, ("reports",))
    assert list(sub.parts) == ["reports"] and sub.uids is sample.uids and sub.context is sample.context
    kept = with_rows(sample, present["reports"])
    assert list(kept.uids) == ["a", "c", "d"] and list(kept.context["modality"]) == ["C", "M", "M"]
    assert kept.parts["images"][1].tolist() == [4.0, 5.0] and kept.present["reports"].all()
