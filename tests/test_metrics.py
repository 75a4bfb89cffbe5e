import numpy as np
import pytest

from pacslabel.metrics import (
    agreement,
    harmonic_score,
    known_values,
    label_scores,
    mean_cosine_distance_to_centroid,
    purity,
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


def test_label_scores_on_integer_codes_with_nan_regions():
    # labels 0,0,1,1 against modality 0,0,1,1 (perfect); region known on rows 0 and 2 only
    out = label_scores(np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1]), np.array([3.0, np.nan, 4.0, np.nan]))
    assert out["nmi_modality"] == pytest.approx(1.0) and out["hs_region"] == pytest.approx(1.0)
    assert out["region_coverage"] == 0.5


def test_agreement_equals_scikit_learn():
    from sklearn.metrics import homogeneity_score, normalized_mutual_info_score

    rng = np.random.default_rng(0)
    cases = [(np.zeros(5), np.zeros(5)), (np.zeros(5), np.arange(5)), (np.arange(5), np.zeros(5))]
    for _ in range(50):
        n = int(rng.integers(1, 40))
        cases.append((rng.integers(0, 4, n), rng.integers(0, 6, n)))
    for truth, labels in cases:
        expected = (normalized_mutual_info_score(truth, labels), homogeneity_score(truth, labels))
        assert agreement(truth, labels) == pytest.approx(expected, abs=1e-12)
    # hand values: classes a,a,b,b against labels 0,0,0,1: H(C) = ln 2, H(C|K) = 3/4 H(1/3, 2/3)
    h_c_k = 0.75 * -(np.log(1 / 3) / 3 + 2 * np.log(2 / 3) / 3)
    h_k = -(0.75 * np.log(0.75) + 0.25 * np.log(0.25))
    mi = np.log(2) - h_c_k
    got = agreement(np.array(["a", "a", "b", "b"]), np.array([0, 0, 0, 1]))
    assert got == pytest.approx((mi / ((np.log(2) + h_k) / 2), mi / np.log(2)))


def test_known_values():
    assert known_values(np.array([1.0, np.nan])).tolist() == [True, False]
    assert known_values(np.array([0, -1])).tolist() == [True, True]
    assert known_values(np.array(["a", "", None], dtype=object)).tolist() == [True, False, False]


def test_purity_hand_values():
    # label 5: classes 0, 0, 1 -> 2/3; label 7: 1, 1 -> 1; label 9: 2 -> 1
    labels, share = purity(np.array([0, 0, 1, 1, 1, 2]), np.array([5, 5, 5, 7, 7, 9]))
    assert labels.tolist() == [5, 7, 9]
    assert share.tolist() == pytest.approx([2 / 3, 1.0, 1.0])
    labels, share = purity(np.array(["CT", "MR", "MR", "CR"]), np.array([1, 1, 1, 1]))
    assert labels.tolist() == [1] and share.tolist() == pytest.approx([0.5])


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
