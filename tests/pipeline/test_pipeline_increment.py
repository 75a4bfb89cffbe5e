"""Increments between tables: keys a table has that a derived table lacks, and atomic appends."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.relabel.increment import append_rows, new_keys, read_rows


def _write(rr, table, name, t):
    rr.makedirs(*table.split("/"))
    pq.write_table(t, rr.path(table, name))


def test_new_keys_across_string_types_and_append_once(ray_local, run_root):
    uids = [f"1.2.{i}" for i in range(10)]
    _write(run_root, "src", "a.parquet", pa.table({"uid": uids[:6], "x": list(range(6))}))
    _write(run_root, "src", "b.parquet", pa.table({"uid": uids[6:], "x": list(range(6, 10))}))
    assert new_keys(run_root, "src", "uid", "dst", partitions=2) == sorted(uids)  # no dst yet
    # the derived table was written by pandas: large_string keys
    done = pa.table({"uid": pa.array(uids[:7], pa.large_string()), "x": list(range(7))})
    _write(run_root, "dst", "d.parquet", done)
    keys = new_keys(run_root, "src", "uid", "dst", partitions=2)
    assert keys == sorted(uids[7:])

    rows = read_rows(run_root, "src", "uid", keys, ["uid", "x"])
    assert append_rows(run_root, rows, "dst") == 3
    table = pq.read_table(run_root.path("dst")).to_pandas()
    assert sorted(table["uid"]) == sorted(uids) and table["uid"].is_unique
    assert sorted(table["x"]) == list(range(10))
    assert new_keys(run_root, "src", "uid", "dst", partitions=2) == []
    assert not run_root.exists("_staging")
