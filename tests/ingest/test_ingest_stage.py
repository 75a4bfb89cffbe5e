"""The ingest stage on local Ray: exact accounting, isolation, privacy, re-runs, superseding, resume."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_fixtures import SECRETS, deep_sequence_file, make_dataset, write_dicom

from pacslabel.imagecol import pixels_to_numpy
from pacslabel.ingest import DecodeConfig, IngestConfig, ingest_new_files
from pacslabel.ingest.listing import list_files, scan_part
from pacslabel.privacy import hash_key
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, REPORTS, TAGS, RunRoot

FAULT_HOOK = "pacslabel.ingest.faults:faults_on_markers"


def read(root: RunRoot, table: str) -> pa.Table:
    if not root.has_table(table):
        return pa.table({"path": pa.array([], pa.string())})
    return pads.dataset(root.uri_of(table), format="parquet").to_table()


def all_files(top: Path) -> set[str]:
    return {os.path.abspath(os.path.join(d, f)) for d, _, fs in os.walk(top) for f in fs}


def check_accounting(root: RunRoot, inputs: set[str]) -> dict[str, pa.Table]:
    """The invariant: manifest == inputs; every manifest path in exactly one of images / rejects."""
    t = {name: read(root, name) for name in (MANIFEST, TAGS, IMAGES, REJECTS)}
    manifest = t[MANIFEST]["path"].to_pylist()
    assert len(manifest) == len(set(manifest)), "duplicate manifest rows"
    assert set(manifest) == inputs
    images = t[IMAGES]["path"].to_pylist()
    rejects = t[REJECTS]["path"].to_pylist()
    assert len(images) == len(set(images)) and len(rejects) == len(set(rejects))
    assert not set(images) & set(rejects)
    assert set(images) | set(rejects) == set(manifest)
    status = dict(zip(manifest, t[MANIFEST]["status"].to_pylist(), strict=True))
    assert all(status[p] == "ok" for p in images) and all(status[p] == "rejected" for p in rejects)
    tag_paths = t[TAGS]["path"].to_pylist()
    assert len(tag_paths) == len(set(tag_paths)) and set(tag_paths) <= set(manifest)
    assert set(images) <= set(tag_paths)
    return t


def reasons_by_name(rejects: pa.Table) -> dict[str, str]:
    return {
        os.path.basename(p): r
        for p, r in zip(rejects["path"].to_pylist(), rejects["reason"].to_pylist(), strict=True)
    }


def build_archive(top: Path) -> Path:
    """Two patient folders plus junk at the top: good CT/MR, hostile and non-image files."""
    a = top / "pat1" / "study1"
    b = top / "pat2" / "s" / "series"
    a.mkdir(parents=True)
    b.mkdir(parents=True)
    for i in range(5):
        write_dicom(a / (f"IM{i:04d}" if i % 2 else f"img{i}.dcm"), f"10{i}", seed=i)
    write_dicom(b / "mr1", "201", modality="MR", seed=7)
    write_dicom(b / "CRASHME.dcm", "202", seed=8)
    write_dicom(b / "HANGME.dcm", "203", seed=9)
    write_dicom(b / "sr.dcm", "204", modality="SR")
    ds = make_dataset("205")
    ds.Rows, ds.Columns, ds.NumberOfFrames = 65535, 65535, 50
    ds.save_as(str(b / "huge.dcm"), enforce_file_format=True)
    p = write_dicom(b / "cut.dcm", "206")
    data = Path(p).read_bytes()
    Path(p).write_bytes(data[: len(data) - 600])
    deep_sequence_file(b / "deep.dcm")
    (b / "Thumbs.db").write_bytes(b"\x00\x01junk" * 30)
    (b / "empty").write_bytes(b"")
    (top / "README.txt").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:00\n")
    return top


def make_cfg(top: Path, run_root: RunRoot, **kw) -> IngestConfig:
    """The actor pool path unless ``inline_max_files`` says otherwise."""
    decode = DecodeConfig(timeout_s=4.0, fault_hook=FAULT_HOOK)
    kw.setdefault("inline_max_files", 0)
    return IngestConfig(
        input=str(top), run_root=run_root.uri, batch_size=4, num_workers=2, decode=decode, **kw
    )


def test_listing_in_the_driver_equals_the_ray_listing_and_is_bounded(ray_local, tmp_path):
    top = build_archive(tmp_path / "pacs")
    os.symlink(top / "pat1", top / "pat2" / "loop")  # a directory link: not followed
    on_ray = list_files(str(top), driver_max_files=0)
    in_driver = list_files(str(top), driver_max_files=50)
    assert len(on_ray.parts) > 1 and len(in_driver.parts) == 1
    assert on_ray.table().equals(in_driver.table()) and in_driver.rows == len(all_files(top))
    assert set(in_driver.table()["path"].to_pylist()) == all_files(top)  # os.walk: the link is a folder
    over = list_files(str(top), driver_max_files=5)  # the driver's walk passes the bound: tasks list it
    assert len(over.parts) > 1 and over.table().equals(on_ray.table())
    assert scan_part([str(top)], [], None, max_rows=5) == (None, 0)


@pytest.mark.parametrize("inline_max_files", [0, 100], ids=["actor_pool", "driver"])
def test_ingest_accounting_isolation_privacy_and_reports(ray_local, tmp_path, run_root, inline_max_files):
    top = build_archive(tmp_path / "pacs")
    cfg = make_cfg(top, run_root, inline_max_files=inline_max_files)
    summary = ingest_new_files(str(top), run_root, cfg)
    assert summary["workers"] == (0 if inline_max_files else 2) and summary["batches"] == 4
    t = check_accounting(run_root, all_files(top))
    assert summary["files"] == 15 and summary["images"] == 6
    reasons = reasons_by_name(t[REJECTS])
    assert reasons == {
        "CRASHME.dcm": "decoder_crash",
        "HANGME.dcm": "timeout",
        "sr.dcm": "non_image_object",
        "huge.dcm": "too_large",
        "cut.dcm": "truncated",
        "deep.dcm": "unreadable",
        "Thumbs.db": "not_dicom",
        "empty": "not_dicom",
        "README.txt": "not_dicom",
    }
    assert summary["reasons"] == dict(sorted(Counter(reasons.values()).items()))
    # tags for every accepted instance, including those whose pixels were rejected
    assert t[TAGS].num_rows == 11
    # images: 256² bytes per image, readable with plain pyarrow
    images = pads.dataset(run_root.uri_of(IMAGES), format="parquet").to_table()
    assert images.schema.field("pixels").type == pa.binary(256 * 256)
    pixels = pixels_to_numpy(images["pixels"])
    assert pixels.shape == (6, 256, 256) and pixels.dtype == np.uint8
    assert set(images["window_source"].to_pylist()) == {"window_tags"}
    assert all(p.std() > 5 for p in pixels)
    # privacy: no identifier in any output file, neither in the bytes nor in the decoded values
    from pacslabel.ingest.reports import join_reports

    (tmp_path / "reports.csv").write_text(
        f"accession_number,text\n{SECRETS['AccessionNumber']},normal chest\n,x\n"
    )
    counts = join_reports(str(tmp_path / "reports.csv"), run_root, run_root.salt())
    assert counts["written"] == 1 and counts["dropped_no_accession"] == 1
    reports = read(run_root, REPORTS)
    assert reports["accession_key"].to_pylist() == [hash_key(SECRETS["AccessionNumber"], run_root.salt())]
    assert set(reports["accession_key"].to_pylist()) <= set(t[TAGS]["accession_key"].to_pylist())
    assert join_reports(str(tmp_path / "reports.csv"), run_root, run_root.salt())["skipped"]
    blobs = []
    for dirpath, _, files in os.walk(run_root.path()):
        if "_private" in dirpath:
            continue
        blobs += [Path(dirpath, f).read_bytes() for f in files]
    for name in (MANIFEST, TAGS, IMAGES, REJECTS, REPORTS):
        tab = read(run_root, name)
        blobs.append(
            str(tab.drop_columns([c for c in ("pixels",) if c in tab.column_names]).to_pylist()).encode()
        )
    for secret in SECRETS.values():
        assert not any(secret.encode() in blob for blob in blobs), secret


@pytest.mark.parametrize("driver_max", [50_000, 0], ids=["in_driver", "on_ray"])
def test_rerun_adds_nothing_then_new_and_changed_files(ray_local, tmp_path, run_root, driver_max):
    """Listing and diff in the driver, or as Ray tasks and a Ray join."""
    top = build_archive(tmp_path / "pacs")
    cfg = make_cfg(top, run_root, driver_diff_max_rows=driver_max, driver_list_max_files=driver_max)
    cfg.diff_partitions, cfg.diff_partition_rows = 1, 8  # on Ray: several partitions, one per 8 rows
    first = ingest_new_files(str(top), run_root, cfg)
    on_ray = first["diff_partitions"] == -(-first["listed"] // 8) > 1  # ⌈rows / 8⌉ on an empty manifest
    assert on_ray if driver_max == 0 else first["diff_partitions"] == 0
    before = {n: read(run_root, n).num_rows for n in (MANIFEST, TAGS, IMAGES, REJECTS)}
    again = ingest_new_files(str(top), run_root, cfg)
    assert again["to_ingest"] == 0 and again["batches"] == 0 and again["unchanged"] == first["files"]
    assert {n: read(run_root, n).num_rows for n in before} == before
    # one good file becomes junk (size and mtime change), one new file arrives
    changed = top / "pat1" / "study1" / "img0.dcm"
    changed.write_bytes(b"%PDF-1.4 now a document" * 10)
    write_dicom(top / "pat1" / "study1" / "late.dcm", "301", seed=3)
    third = ingest_new_files(str(top), run_root, cfg)
    assert (third["new"], third["changed"], third["superseded"], third["to_ingest"]) == (1, 1, 1, 2)
    t = check_accounting(run_root, all_files(top))
    assert reasons_by_name(t[REJECTS])["img0.dcm"] == "not_dicom"
    assert str(changed) not in t[TAGS]["path"].to_pylist()  # the old tags row was superseded
    assert t[IMAGES].num_rows == before[IMAGES]  # lost img0, gained late.dcm


def test_resume_after_interrupted_run(ray_local, tmp_path, run_root):
    top = build_archive(tmp_path / "pacs")
    cfg = make_cfg(top, run_root)
    cfg.batch_size = 1
    # a job whose workers die after their data shards, before their commit: its own driver process,
    # so its actors go with it as when a real job is killed
    job = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobs.ingest",
            f"input={top}",
            f"run_root={run_root.uri}",
            "batch_size=1",
            "num_workers=2",
            "inline_max_files=0",
            "fail_after_batches=1",
            "decode.timeout_s=4",
            f"decode.fault_hook={FAULT_HOOK}",
            f"ray.address={ray_local.get_runtime_context().gcs_address}",
            "ray.progress_bars=false",
        ],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert job.returncode != 0 and "fail_after_batches" in job.stderr + job.stdout
    committed = read(run_root, MANIFEST).num_rows
    assert 0 < committed < 15
    # what a killed writer leaves behind: a data shard without its manifest commit, and a temp file
    orphan = run_root.path(TAGS, "part-deadbeef-000000000000.parquet")
    import pyarrow.parquet as pq

    pq.write_table(read(run_root, TAGS).slice(0, 1), orphan)
    Path(run_root.path(IMAGES)).mkdir(parents=True, exist_ok=True)
    Path(run_root.path(IMAGES, ".tmp-abc-part-x.parquet")).write_bytes(b"partial")
    cfg.fail_after_batches = 0
    cfg.driver_diff_max_rows = 0  # the resumed run diffs on Ray
    resumed = ingest_new_files(str(top), run_root, cfg)
    assert resumed["cleaned"]["orphan_shards"] >= 1 and resumed["cleaned"]["temp_files"] >= 1
    assert resumed["unchanged"] == committed and resumed["to_ingest"] == 15 - committed
    check_accounting(run_root, all_files(top))


def test_uncommitted_batches_are_cleaned_and_redone(ray_local, tmp_path, run_root):
    """A writer killed between its data shards and its manifest commit: the next run redoes exactly those."""
    top = build_archive(tmp_path / "pacs")
    cfg = make_cfg(top, run_root)
    ingest_new_files(str(top), run_root, cfg)
    shards = sorted(Path(run_root.path(MANIFEST)).glob("part-*.parquet"))
    assert len(shards) >= 2
    lost = pads.dataset(str(shards[0]), format="parquet").to_table()["path"].to_pylist()
    shards[0].unlink()  # the commit never happened; tags/images/rejects shards of that batch remain
    again = ingest_new_files(str(top), run_root, cfg)
    assert again["cleaned"]["orphan_shards"] >= 1
    assert again["new"] == len(lost) and again["to_ingest"] == len(lost)
    check_accounting(run_root, all_files(top))
