"""Table commits without renames: replace, append, killed writers, tables written before segments."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel import commits, storage
from pacslabel.ingest.source import Source
from pacslabel.runroot import IMAGES, LABELS, MANIFEST, TAGS


def _write(rr, segment: str, keys: list[str], name: str = "part-0.parquet") -> None:
    rr.makedirs(segment)
    pq.write_table(pa.table({"k": keys}), rr.path(segment, name))


def _keys(rr, table: str) -> list[str]:
    return sorted(rr.dataset(table).to_table(columns=["k"]).column(0).to_pylist())


def test_replace_append_and_killed_writers(run_root):
    rr = run_root
    assert not rr.has_table(LABELS)
    first = rr.new_segment(LABELS)
    _write(rr, first, ["a", "b"])
    assert not rr.has_table(LABELS)  # written, not committed
    rr.commit(LABELS, first)
    assert _keys(rr, LABELS) == ["a", "b"]

    killed = rr.new_segment(LABELS)
    _write(rr, killed, ["zz"])  # a job killed before its commit
    assert _keys(rr, LABELS) == ["a", "b"] and rr.count_rows(LABELS) == 2

    more = rr.new_segment(LABELS)
    _write(rr, more, ["c"])
    rr.commit(LABELS, more, append=True)
    assert _keys(rr, LABELS) == ["a", "b", "c"]
    assert not rr.exists(killed)  # the commit dropped the abandoned segment
    assert pq.read_table(rr.path(LABELS)).num_rows == 3  # plain readers see the committed segments

    again = rr.new_segment(LABELS)
    _write(rr, again, ["x"])
    rr.commit(LABELS, again)
    assert _keys(rr, LABELS) == ["x"] and not rr.exists(first) and not rr.exists(more)
    assert commits.segments(rr.fs, rr.path(LABELS)) == [again.rsplit("/", 1)[1]]


def test_tables_written_before_segments_are_read_and_appended(run_root):
    rr = run_root
    _write(rr, LABELS, ["a"], "part-old.parquet")  # a table folder of plain files, no pointer
    _write(rr, f"{LABELS}/{commits.SEGMENT_PREFIX}uncommitted", ["zz"])
    assert _keys(rr, LABELS) == ["a"]
    new = rr.new_segment(LABELS)
    _write(rr, new, ["b"])
    rr.commit(LABELS, new, append=True)
    assert _keys(rr, LABELS) == ["a", "b"]
    assert commits.segments(rr.fs, rr.path(LABELS))[0] == commits.TOP
    replaced = rr.new_segment(LABELS)
    _write(rr, replaced, ["c"])
    rr.commit(LABELS, replaced)
    assert _keys(rr, LABELS) == ["c"] and not rr.exists(LABELS, "part-old.parquet")


def test_ingest_tables_count_batches_with_a_manifest_shard(run_root):
    rr = run_root
    _write(rr, TAGS, ["a"], "part-b1.parquet")
    _write(rr, TAGS, ["b"], "part-b2.parquet")
    _write(rr, IMAGES, ["a"], "part-b1.parquet")
    assert _keys(rr, TAGS) == ["a", "b"]  # no manifest (a run root made by hand): every shard
    _write(rr, MANIFEST, ["a"], "part-b1.parquet")
    assert _keys(rr, TAGS) == ["a"] and rr.count_rows(IMAGES) == 1


def test_uri_helpers_keep_options_out_of_names():
    uri = "s3://key:secret@bucket/dump/?endpoint_override=127.0.0.1:9000&scheme=http&secret_key=x"
    assert storage.bare(uri) == "s3://bucket/dump"
    assert storage.redacted(uri) == "s3://bucket/dump/?endpoint_override=127.0.0.1:9000&scheme=http"
    assert storage.join("s3://b/r?scheme=http", "labels", "v-1") == "s3://b/r/labels/v-1?scheme=http"
    source = Source("s3://bucket/dump?endpoint_override=127.0.0.1:9&scheme=http")
    assert source.file_uri("bucket/dump/p1/1.dcm") == "s3://bucket/dump/p1/1.dcm"
    assert source.fs_path("s3://bucket/dump/p1/1.dcm") == "bucket/dump/p1/1.dcm"


def test_local_atomic_write_leaves_no_temporary_file(tmp_path):
    fs, base = storage.from_uri(str(tmp_path))
    storage.write_atomic(fs, f"{base}/a/b.bin", b"x")
    storage.write_atomic(fs, f"{base}/a/b.bin", b"yz")
    assert (tmp_path / "a" / "b.bin").read_bytes() == b"yz"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.bin"]
