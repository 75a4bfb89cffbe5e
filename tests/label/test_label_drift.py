"""Drift: a shifted distance distribution recommends retraining, an identical one does not."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.label.drift import DriftConfig, distance_drift


def test_identical_distribution_not_flagged():
    rng = np.random.default_rng(0)
    train = rng.gamma(4.0, 0.25, size=5000)
    new = rng.gamma(4.0, 0.25, size=2000)
    rep = distance_drift(train, new)
    assert rep["retrain_recommended"] is False
    assert rep["ks_statistic"] < 0.05
    assert rep["frac_beyond_train_p99"] < 0.03
    assert rep["train"]["p50"] == pytest.approx(np.quantile(train, 0.5))


def test_shifted_distribution_flagged():
    rng = np.random.default_rng(1)
    train = rng.gamma(4.0, 0.25, size=5000)
    new = rng.gamma(4.0, 0.25, size=2000) + 1.0
    rep = distance_drift(train, new)
    assert rep["retrain_recommended"] is True
    assert rep["ks_statistic"] > 0.5 and rep["frac_beyond_train_p99"] > 0.1
    assert rep["new"]["p50"] > rep["train"]["p50"]


def test_thresholds_are_configurable_and_small_samples_never_recommend():
    rng = np.random.default_rng(2)
    train = rng.normal(1.0, 0.1, 4000)
    new = rng.normal(1.03, 0.1, 3000)
    assert (
        distance_drift(train, new, DriftConfig(max_frac_beyond_p99=0.5, max_ks=0.5))["retrain_recommended"]
        is False
    )
    assert (
        distance_drift(train, new, DriftConfig(max_frac_beyond_p99=0.5, max_ks=0.05))["retrain_recommended"]
        is True
    )
    assert distance_drift(train, train[:10] + 5)["retrain_recommended"] is False
