"""Increments between tables: keys a table has that a derived table lacks, their files, atomic appends."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.relabel.increment import (
    append_rows,
    apply_batches,
    find_increment,
    increment_dataset,
    read_increment,
    rows_with_keys,
)

UIDS = [f"1.2.{i}" for i in range(10)]


def _write(rr, table, name, t):
    rr.makedirs(*table.split("/"))
    pq.write_table(t, rr.path(table, name))


@pytest.fixture
def source(run_root):
    _write(run_root, "src", "a.parquet", pa.table({"uid": UIDS[:6], "x": list(range(6))}))
    _write(run_root, "src", "b.parquet", pa.table({"uid": UIDS[6:], "x": list(range(6, 10))}))
    return run_root


@pytest.mark.parametrize("driver_max_keys", [1_000, 0], ids=["driver", "ray_join"])
def test_increment_keys_and_files_across_string_types(ray_local, source, driver_max_keys):
    rr = source
    inc = find_increment(rr, "src", "uid", "dst", driver_max_keys=driver_max_keys, partitions=2)
    assert sorted(inc.keys.to_pylist()) == UIDS and len(inc.files) == 2  # no dst yet
    # the derived table was written by pandas (large_string keys) and lives in a subdirectory
    done = pa.table({"uid": pa.array(UIDS[:7], pa.large_string()), "x": list(range(7))})
    _write(rr, "dst/run1", "d.parquet", done)
    inc = find_increment(rr, "src", "uid", "dst", driver_max_keys=driver_max_keys, partitions=2)
    assert sorted(inc.keys.to_pylist()) == UIDS[7:]
    assert inc.files == [rr.path("src", "b.parquet")]  # a.parquet holds nothing new: it is not read
    assert read_increment(rr, inc).to_pydict() == {"uid": UIDS[7:], "x": [7, 8, 9]}


def test_append_table_and_dataset_once(ray_local, source):
    rr = source
    inc = find_increment(rr, "src", "uid", "dst")
    first = read_increment(rr, inc).slice(0, 4)
    assert append_rows(rr, first, "dst") == 4
    assert append_rows(rr, first.slice(0, 0), "dst") == 0
    inc = find_increment(rr, "src", "uid", "dst")
    assert len(inc) == 6
    assert append_rows(rr, increment_dataset(rr, inc, ["uid", "x"]), "dst") == 6
    table = pq.read_table(rr.path("dst")).to_pandas()
    assert sorted(table["uid"]) == UIDS and table["uid"].is_unique
    assert sorted(table["x"]) == list(range(10))
    assert len(find_increment(rr, "src", "uid", "dst")) == 0
    assert len(find_increment(rr, "absent", "uid", "dst")) == 0
    assert not rr.exists("_staging")


def test_rows_with_keys_reads_only_matching_rows(source):
    rows = rows_with_keys(source, "src", "uid", ["1.2.1", "1.2.8", "9.9"], ["uid", "x"])
    assert sorted(rows.to_pydict()["x"]) == [1, 8]
    assert rows_with_keys(source, "src", "uid", ["9.9"], ["uid"]) is None


def test_apply_batches_matches_map_batches(ray_local):
    """The driver path converts batches exactly as Ray Data's map_batches does (numpy, tensor columns)."""
    import ray

    table = pa.table({"uid": UIDS, "v": np.arange(10, dtype=np.float32)})

    def double(batch):
        return {"uid": batch["uid"], "emb": np.stack([batch["v"], 2 * batch["v"]], axis=1)}

    driver = apply_batches(double, table, "numpy", batch_size=4)
    cluster = ray.data.from_arrow(table).map_batches(double, batch_format="numpy", batch_size=4)
    cluster = pa.concat_tables(ray.get(cluster.to_arrow_refs()))
    assert driver.schema == cluster.schema
    assert driver.to_pydict() == cluster.to_pydict()
