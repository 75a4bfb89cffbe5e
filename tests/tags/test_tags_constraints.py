"""Constraint sampler: thresholds, exact counts, no duplicate or self pairs, blocking, labelled choice."""

import numpy as np
import pandas as pd
import pytest

from pacslabel.synth.tag_table import random_tags
from pacslabel.tags.constraints import block_ids, labelled_mask, sample_constraints
from pacslabel.tags.gower import GowerEncoder
from pacslabel.tags.schema import PAPER_CATEGORICAL, PAPER_NUMERIC, PAPER_WEIGHTS


@pytest.fixture(scope="module")
def encoded():
    df = random_tags(1500, seed=11)
    enc = GowerEncoder(list(PAPER_NUMERIC), list(PAPER_CATEGORICAL), PAPER_WEIGHTS).fit(df)
    return df, enc, enc.transform(df)


def _check(frame, x, enc, n_must, n_cannot, eps=0.1, phi=0.5):
    assert (frame["kind"] == "must").sum() == n_must
    assert (frame["kind"] == "cannot").sum() == n_cannot
    assert (frame["i"] < frame["j"]).all()
    assert not frame.duplicated(["i", "j"]).any()
    # recompute every distance independently
    d = enc.matrix(x)[frame["i"], frame["j"]]
    np.testing.assert_allclose(frame["gower"], d)
    assert (frame.loc[frame["kind"] == "must", "gower"] < eps).all()
    assert (frame.loc[frame["kind"] == "cannot", "gower"] > phi).all()


@pytest.mark.parametrize("exhaustive", [0, 10**9])
def test_counts_thresholds_no_duplicates(encoded, exhaustive):
    df, enc, x = encoded
    blocks = block_ids(df, ["modality", "body_part_examined"])
    frame, summary = sample_constraints(
        x,
        enc.categorical_mask_,
        enc.ranges_,
        enc.weights_,
        n_must=700,
        n_cannot=1300,
        blocks=blocks,
        seed=3,
        batch_pairs=4096,
        exhaustive_pairs=exhaustive,
    )
    _check(frame, x, enc, 700, 1300)
    assert summary["must"] == 700 and summary["cannot"] == 1300
    # must-links come from blocks: both ends agree on modality and body part
    must = frame[frame["kind"] == "must"]
    assert (blocks[must["i"]] == blocks[must["j"]]).all()


def test_without_blocking_and_other_thresholds(encoded):
    _, enc, x = encoded
    frame, _ = sample_constraints(
        x,
        enc.categorical_mask_,
        enc.ranges_,
        enc.weights_,
        n_must=50,
        n_cannot=80,
        epsilon=0.2,
        phi=0.7,
        blocks=None,
        seed=5,
        batch_pairs=2048,
        exhaustive_pairs=0,
    )
    _check(frame, x, enc, 50, 80, 0.2, 0.7)


def test_deterministic(encoded):
    _, enc, x = encoded
    args = (x, enc.categorical_mask_, enc.ranges_, enc.weights_)
    a, _ = sample_constraints(*args, n_must=100, n_cannot=100, seed=9, exhaustive_pairs=0)
    b, _ = sample_constraints(*args, n_must=100, n_cannot=100, seed=9, exhaustive_pairs=0)
    pd.testing.assert_frame_equal(a, b)


def test_pool_runs_dry_is_reported():
    # 4 rows: 6 pairs; only rows 0 and 1 are close
    x = np.array([[0.0], [0.05], [1.0], [0.5]])
    frame, summary = sample_constraints(
        x, [False], [1.0], None, n_must=5, n_cannot=5, seed=1, exhaustive_pairs=0, patience=5, batch_pairs=64
    )
    assert summary["must"] == 1 and summary["must_requested"] == 5
    assert frame.loc[frame["kind"] == "must", ["i", "j"]].values.tolist() == [[0, 1]]
    # d > 0.5: (0,2)=1, (1,2)=.95; (0,3)=.5 and (2,3)=.5 are not > 0.5; (1,3)=.45
    assert sorted(map(tuple, frame.loc[frame["kind"] == "cannot", ["i", "j"]].values.tolist())) == [
        (0, 2),
        (1, 2),
    ]
    exact, _ = sample_constraints(x, [False], [1.0], None, n_must=5, n_cannot=5, seed=1)
    assert len(exact) == len(frame)


def test_labelled_mask_is_stable():
    uids = [f"1.2.3.{i}" for i in range(20000)]
    m = labelled_mask(uids, 0.1, seed=1)
    assert 0.08 < m.mean() < 0.12
    np.testing.assert_array_equal(m[5000:6000], labelled_mask(uids[5000:6000], 0.1, seed=1))
    assert (labelled_mask(uids, 0.1, seed=2) != m).any()
    assert labelled_mask(uids[:10], 1.0).all()


def test_block_ids_treat_missing_as_value():
    df = pd.DataFrame({"a": ["CT", "ct ", None, None, "MR"], "b": ["x", "X", None, None, "x"]})
    ids = block_ids(df, ["a", "b"])
    assert ids[0] == ids[1] and ids[2] == ids[3] and len(set(ids)) == 3


def test_bad_thresholds(encoded):
    _, enc, x = encoded
    with pytest.raises(ValueError):
        sample_constraints(x, enc.categorical_mask_, enc.ranges_, enc.weights_, epsilon=0.6, phi=0.5)
