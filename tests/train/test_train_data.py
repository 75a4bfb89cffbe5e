"""Training inputs: ``max_rows`` draws a sample spread over the whole table, the same every time."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.runroot import FEATURES_TAGS, RunRoot
from pacslabel.train.batches import in_validation, sample_rows
from pacslabel.train.data import tag_datasets


def _uids(n):
    return [f"1.2.826.0.9.{i}" for i in range(n)]


def test_sample_rows_keeps_a_stable_share_independent_of_the_validation_split():
    table = pa.table({"sop_instance_uid": _uids(20_000), "x": np.arange(20_000)})
    kept = sample_rows(table, 0.1)
    assert abs(kept.num_rows - 2_000) < 3 * np.sqrt(20_000 * 0.1 * 0.9)
    assert sample_rows(table, 0.1).equals(kept)  # deterministic
    reversed_kept = sample_rows(table.take(np.arange(20_000)[::-1]), 0.1)
    assert sorted(reversed_kept["x"].to_pylist()) == sorted(kept["x"].to_pylist())  # row order is irrelevant
    assert sample_rows(table, 0.0).num_rows == 0 and sample_rows(table, 1.0).num_rows == 20_000
    # the sample does not pick validation rows preferentially: about the split's share of it is validation
    val = in_validation(kept["sop_instance_uid"].to_pylist(), 0.2)
    assert 0.15 < val.mean() < 0.25


def test_max_rows_samples_the_whole_table_not_its_first_rows(ray_local, tmp_path):
    rr = RunRoot(str(tmp_path / "run"))
    n = 2_000
    feats = np.repeat(np.arange(4, dtype=np.float32), n // 4)[:, None] * np.ones((1, 3), np.float32)
    rr.makedirs(FEATURES_TAGS)
    for part in range(4):  # four files in "folder order": one kind of row each
        sl = slice(part * n // 4, (part + 1) * n // 4)
        t = pa.table(
            {
                "sop_instance_uid": _uids(n)[sl],
                "features": pa.FixedShapeTensorArray.from_numpy_ndarray(feats[sl]),
            }
        )
        pq.write_table(t, rr.path(FEATURES_TAGS, f"part-{part}.parquet"))
    rows = tag_datasets(rr, max_rows=200)["train"].take_all()
    kinds = np.array([r["features"][0] for r in rows])
    assert 140 < len(rows) < 260
    assert set(np.unique(kinds)) == {0.0, 1.0, 2.0, 3.0}  # every file contributes, not only the first
    again = tag_datasets(rr, max_rows=200)["train"].take_all()
    assert len(again) == len(rows)
    assert len(tag_datasets(rr, max_rows=5_000)["train"].take_all()) == n  # more than the table: all of it
