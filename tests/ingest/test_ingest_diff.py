"""The cluster diff's per-partition classification, on a hand-built full outer join."""

import pyarrow as pa

from pacslabel.ingest.batches import classify
from pacslabel.ingest.diff import diff_partition_count


def test_classify_keeps_new_and_changed_files_once_with_all_their_old_batches():
    joined = pa.table(
        {
            "path": ["/a/new", "/a/same", "/a/touched", "/a/grown", "/a/twice", "/a/twice", "/a/gone"],
            "size": [10, 20, 30, 41, 50, 50, None],
            "mtime_ns": [1, 2, 4, 4, 6, 6, None],
            "old_size": [None, 20, 30, 40, 50, 50, 70],
            "old_mtime_ns": [None, 2, 3, 4, 5, 5, 7],
            "batch_id": [None, "b1", "b1", "b2", "b1", "b3", "b4"],
        },
        schema=pa.schema(
            [
                ("path", pa.string()),
                ("size", pa.int64()),
                ("mtime_ns", pa.int64()),
                ("old_size", pa.int64()),
                ("old_mtime_ns", pa.int64()),
                ("batch_id", pa.string()),
            ]
        ),
    )
    out = classify(joined).to_pylist()
    assert [r["file_path"] for r in out] == ["/a/grown", "/a/new", "/a/touched", "/a/twice"]  # sorted
    by_path = {r["file_path"]: r for r in out}
    assert by_path["/a/new"]["changed"] is False and by_path["/a/new"]["old_batch_ids"] == [None]
    assert by_path["/a/touched"]["changed"] and by_path["/a/touched"]["old_batch_ids"] == ["b1"]
    assert by_path["/a/grown"]["file_size"] == 41 and by_path["/a/grown"]["old_batch_ids"] == ["b2"]
    assert sorted(by_path["/a/twice"]["old_batch_ids"]) == ["b1", "b3"]


def test_diff_partitions_grow_with_the_rows_beyond_the_minimum():
    assert diff_partition_count(0, 16, 1_000_000) == 16
    assert diff_partition_count(16_000_000, 16, 1_000_000) == 16
    assert diff_partition_count(16_000_001, 16, 1_000_000) == 17
    assert diff_partition_count(50_000_000, 16, 1_000_000) == 50
    assert diff_partition_count(7, 1, 2) == 4
