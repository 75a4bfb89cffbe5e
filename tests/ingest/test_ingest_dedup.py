"""Duplicate instances: the copy kept by the rule, in one run or across runs, in the driver or on Ray."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_fixtures import write_dicom, write_lossy, write_truncated
from test_ingest_stage import all_files, check_accounting, read

from pacslabel.ingest import IngestConfig, dedup, ingest_new_files
from pacslabel.ingest.batches import BatchProcessor
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, TAGS, RunRoot

UID = "1.2.826.0.1.3680043.8.498."


def make_cfg(top: Path, root: RunRoot, **kw) -> IngestConfig:
    kw.setdefault("batch_size", 2)
    return IngestConfig(input=str(top), run_root=root.uri, num_workers=2, **kw)


def outcome(root: RunRoot, top: Path) -> dict:
    """Per file name: "kept" (tags row, image or not), or its reject (reason, name the message ends with)."""
    t = check_accounting(root, all_files(top))
    uids = t[TAGS]["sop_instance_uid"].to_pylist()
    assert len(uids) == len(set(uids)), "one tags row per SOP Instance UID"
    image_uids = t[IMAGES]["sop_instance_uid"].to_pylist()
    assert len(image_uids) == len(set(image_uids)), "one image per SOP Instance UID"
    out = {os.path.basename(p): "kept" for p in t[TAGS]["path"].to_pylist()}
    for row in t[REJECTS].to_pylist():
        if row["reason"] == "duplicate_instance":
            assert row["stage"] == "dedup" and row["sop_instance_uid"], row
            kept = row["message"].rsplit(": ", 1)[1]
            assert kept in t[TAGS]["path"].to_pylist(), row  # names the copy kept
            out[os.path.basename(row["path"])] = ("duplicate_instance", os.path.basename(kept))
        elif os.path.basename(row["path"]) not in out:
            out[os.path.basename(row["path"])] = (row["reason"], None)
    return out


def copies(top: Path) -> Path:
    """Three instances with several copies each, and one without."""
    top.mkdir(parents=True)
    write_truncated(top / "a_cut.dcm", "1", seed=1)  # first by path, lossless, broken
    write_lossy(top / "b_lossy.dcm", "1", seed=1)
    write_dicom(top / "c_native.dcm", "1", seed=1)
    write_truncated(top / "a_cut2.dcm", "2", seed=2)  # lossless but broken: the lossy image wins
    write_lossy(top / "b_lossy2.dcm", "2", seed=2)
    write_dicom(top / "d_same.dcm", "3", seed=3)  # equal copies: path order
    write_dicom(top / "e_same.dcm", "3", seed=3)
    write_dicom(top / "f_alone.dcm", "4", seed=4)
    return top


EXPECTED = {
    "a_cut.dcm": ("duplicate_instance", "c_native.dcm"),
    "b_lossy.dcm": ("duplicate_instance", "c_native.dcm"),
    "c_native.dcm": "kept",
    "a_cut2.dcm": ("duplicate_instance", "b_lossy2.dcm"),
    "b_lossy2.dcm": "kept",
    "d_same.dcm": "kept",
    "e_same.dcm": ("duplicate_instance", "d_same.dcm"),
    "f_alone.dcm": "kept",
}


@pytest.mark.parametrize(
    "kw",
    [
        {"batch_size": 100, "inline_max_files": 100},  # every copy in one batch, resolved by its worker
        {"batch_size": 2, "inline_max_files": 100},  # copies in different batches, resolved after them
        {"batch_size": 3, "inline_max_files": 0, "driver_dedup_max_rows": 0, "diff_partitions": 2},  # on Ray
    ],
    ids=["one_batch", "across_batches", "on_ray"],
)
def test_kept_copy_is_an_image_then_lossless_then_first_by_path(ray_local, tmp_path, kw):
    top = copies(tmp_path / "pacs")
    root = RunRoot(tmp_path / "run")
    summary = ingest_new_files(str(top), root, make_cfg(top, root, **kw))
    assert outcome(root, top) == EXPECTED
    # the summary counts what the tables hold
    t = {name: read(root, name) for name in (TAGS, IMAGES, REJECTS)}
    assert (summary["tags"], summary["images"], summary["rejects"]) == tuple(t[n].num_rows for n in t)
    assert summary["reasons"] == {"duplicate_instance": 4}
    on_ray = kw.get("driver_dedup_max_rows") == 0
    assert (summary["duplicates"]["partitions"] > 0) == on_ray
    assert not root.exists(*dedup.PENDING)


def test_a_copy_arriving_later_adds_nothing(ray_local, tmp_path):
    top = tmp_path / "pacs"
    top.mkdir()
    write_dicom(top / "m_first.dcm", "1", seed=1)
    write_dicom(top / "n_other.dcm", "2", seed=2)
    root = RunRoot(tmp_path / "run")
    cfg = make_cfg(top, root, inline_max_files=100)
    ingest_new_files(str(top), root, cfg)
    tags, images = read(root, TAGS), read(root, IMAGES)
    # the same instance again: an equal copy earlier by path, a lossy copy, a broken one
    write_dicom(top / "a_copy.dcm", "1", seed=1)
    write_lossy(top / "z_lossy.dcm", "1", seed=1)
    write_truncated(top / "b_cut.dcm", "1", seed=1)
    second = ingest_new_files(str(top), root, cfg)
    assert second["new"] == 3 and second["images"] == 0 and second["tags"] == 0
    assert second["duplicates"]["superseded"] == 0
    assert read(root, TAGS).equals(tags) and read(root, IMAGES).equals(images)  # no row added or changed
    expected = {"m_first.dcm": "kept", "n_other.dcm": "kept"}
    expected |= dict.fromkeys(
        ["a_copy.dcm", "z_lossy.dcm", "b_cut.dcm"], ("duplicate_instance", "m_first.dcm")
    )
    assert outcome(root, top) == expected
    # nothing new: nothing to resolve, nothing changes
    before = {n: read(root, n) for n in (MANIFEST, TAGS, IMAGES, REJECTS)}
    third = ingest_new_files(str(top), root, cfg)
    assert third["to_ingest"] == 0 and "duplicates" not in third
    assert all(read(root, n).equals(t) for n, t in before.items())


@pytest.mark.parametrize("driver_max", [50_000, 0], ids=["in_driver", "on_ray"])
def test_a_better_copy_arriving_later_supersedes_as_in_one_run(ray_local, tmp_path, driver_max):
    """A lossless copy after two lossy ones, a decodable copy after a broken one: the tables end as a
    single run over all the files leaves them."""
    top = tmp_path / "pacs"
    top.mkdir()
    write_lossy(top / "b_lossy.dcm", "1", seed=1)
    write_lossy(top / "c_lossy.dcm", "1", seed=1)
    write_truncated(top / "a_cut.dcm", "2", seed=2)
    root = RunRoot(tmp_path / "run")
    cfg = make_cfg(top, root, inline_max_files=100, driver_dedup_max_rows=driver_max, diff_partitions=2)
    ingest_new_files(str(top), root, cfg)
    assert outcome(root, top) == {
        "b_lossy.dcm": "kept",
        "c_lossy.dcm": ("duplicate_instance", "b_lossy.dcm"),
        "a_cut.dcm": "kept",  # its tags row: the instance's only copy, no image
    }
    write_dicom(top / "z_native.dcm", "1", seed=1)
    write_dicom(top / "z_good.dcm", "2", seed=2)
    later = ingest_new_files(str(top), root, cfg)
    assert later["duplicates"]["superseded"] == 2 and later["duplicates"]["repointed"] == 1
    assert later["images"] == 2 and read(root, IMAGES).num_rows == 2
    expected = {
        "b_lossy.dcm": ("duplicate_instance", "z_native.dcm"),
        "c_lossy.dcm": ("duplicate_instance", "z_native.dcm"),
        "z_native.dcm": "kept",
        "a_cut.dcm": ("duplicate_instance", "z_good.dcm"),
        "z_good.dcm": "kept",
    }
    assert outcome(root, top) == expected
    once = RunRoot(tmp_path / "once")
    ingest_new_files(str(top), once, make_cfg(top, once, inline_max_files=100))
    assert outcome(once, top) == expected


def test_an_interrupted_deduplication_is_finished_by_the_next_run(ray_local, tmp_path):
    """Batches committed by a run that died before resolving across them: the next run, with nothing
    new to ingest, resolves them."""
    top = tmp_path / "pacs"
    top.mkdir()
    paths = [write_dicom(top / name, "1", seed=1) for name in ("a.dcm", "b.dcm")]
    root = RunRoot(tmp_path / "run")
    cfg = make_cfg(top, root)
    proc = BatchProcessor(cfg, root.salt(), "20200101T000000Z-dead00", root.uri)
    try:
        for path in paths:
            st = os.stat(path)
            proc.process([os.path.abspath(path)], [st.st_size], [st.st_mtime_ns])
    finally:
        proc.close()
    root.write_bytes(b"", *dedup.PENDING)
    assert read(root, TAGS).num_rows == 2
    summary = ingest_new_files(str(top), root, cfg)
    assert summary["to_ingest"] == 0 and summary["duplicates"]["superseded"] == 1
    assert summary["images"] == 0  # the rewritten batches are the dead run's, not this run's
    assert outcome(root, top) == {"a.dcm": "kept", "b.dcm": ("duplicate_instance", "a.dcm")}
    assert not root.exists(*dedup.PENDING)


def test_rejects_written_before_the_uid_column_are_read_and_rewritten(tmp_path):
    """A rejects shard without ``sop_instance_uid`` (an older run root) gains the column when rewritten."""
    import pyarrow.parquet as pq

    top = tmp_path / "pacs"
    top.mkdir()
    first = write_dicom(top / "a.dcm", "1", seed=1)
    batch = [write_dicom(top / "b.dcm", "1", seed=1), write_truncated(top / "c_cut.dcm", "2", seed=2)]
    root = RunRoot(tmp_path / "run")
    cfg = make_cfg(top, root)
    cfg.decode.isolation = "none"
    proc = BatchProcessor(cfg, b"salt", "run-old", root.uri)
    try:
        for paths in ([first], batch):
            stats = [os.stat(p) for p in paths]
            proc.process(paths, [s.st_size for s in stats], [s.st_mtime_ns for s in stats])
    finally:
        proc.close()
    (shard,) = Path(root.path(REJECTS)).glob("part-*.parquet")  # c_cut.dcm's
    pq.write_table(pq.read_table(shard).drop_columns(["sop_instance_uid"]), shard)
    found = dedup.deduplicate(root, "run-new", 50_000, lambda rows: 1, "_staging/x")
    assert found["demoted"] == 1
    rows = {r["path"]: r for r in pq.read_table(shard).to_pylist()}
    assert (
        rows[batch[0]]["reason"] == "duplicate_instance" and rows[batch[0]]["sop_instance_uid"] == UID + "1"
    )
    assert rows[batch[1]]["reason"] == "truncated" and rows[batch[1]]["sop_instance_uid"] is None
    assert outcome(root, top) == {
        "a.dcm": "kept",
        "b.dcm": ("duplicate_instance", "a.dcm"),
        "c_cut.dcm": "kept",
    }
