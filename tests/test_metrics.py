import numpy as np
import pytest

from pacslabel.metrics import (
    harmonic_score,
    label_scores,
    mean_cosine_distance_to_centroid,
    silhouette_on_sample,
)


def test_harmonic_score_hand_values():
    assert harmonic_score([1.0, 1.0]) == 1.0
    assert harmonic_score([0.5, 1.0]) == pytest.approx(2 / (2 + 1))
    assert harmonic_score([0.0, 1.0]) == 0.0
    with pytest.raises(ValueError):
        harmonic_score([-0.1])


def test_label_scores_perfect_and_region_missing():
    labels = np.array([0, 0, 1, 1])
    out = label_scores(labels, np.array(["CT", "CT", "MR", "MR"]), np.array(["HEAD", None, "KNEE", "KNEE"]))
    assert out["nmi_modality"] == pytest.approx(1.0)
    assert out["hs_region"] == pytest.approx(1.0)
    assert out["score"] == pytest.approx(1.0)
    assert out["region_coverage"] == 0.75


def test_mean_cosine_distance_hand_value():
    # cluster 0: (1,0) and (0,1), centre (0.5,0.5): cosine distance 1 - 1/sqrt(2) for both rows.
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    got = mean_cosine_distance_to_centroid(x, np.array([0, 0, 1]))
    assert got == pytest.approx((2 * (1 - 1 / np.sqrt(2)) + 0.0) / 3)


def test_silhouette_separated_blobs_near_one():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 0.01, (50, 2)), rng.normal(10, 0.01, (50, 2))])
    labels = np.repeat([0, 1], 50)
    assert silhouette_on_sample(x, labels, n=60) > 0.99
    assert np.isnan(silhouette_on_sample(x, np.zeros(100)))
