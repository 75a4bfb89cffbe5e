"""The pipeline with its dump, reports and run root in S3 buckets of a local S3-compatible server (moto
on the loopback address): a killed ingest resumed, a full run, a stray uncommitted segment ignored, a
relabel after new studies arrive."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.fs as pafs
import pytest

from pacslabel.config import load_config
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.runroot import IMAGES, LABELS, MANIFEST, REJECTS, TAGS, RunRoot
from pacslabel.runtime import RayConfig, init_ray
from pacslabel.synth import SynthConfig, generate

moto_server = pytest.importorskip("moto.server")

REPO = Path(__file__).parents[2]
PRESETS = [REPO / "configs" / "pipeline-demo.yaml", REPO / "configs" / "pipeline-smoke.yaml"]
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "pacslabel-test",
    "AWS_SECRET_ACCESS_KEY": "pacslabel-test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="module")
def s3():
    """``(filesystem, query)`` of an S3 server on 127.0.0.1 with buckets ``pacs`` and ``runs``; URIs
    reach it with ``query``. Ray is (re)started with the credentials in its environment, as a cluster
    gets them from its nodes or from ``runtime_env.env_vars``."""
    import ray

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    was_running = ray.is_initialized()
    ray.shutdown()
    init_ray(RayConfig(num_cpus=2, progress_bars=False))
    fs = pafs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", allow_bucket_creation=True)
    fs.create_dir("pacs")
    fs.create_dir("runs")
    yield fs, f"?endpoint_override={host}:{port}&scheme=http"
    ray.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if was_running:
        init_ray(RayConfig(num_cpus=2, progress_bars=False))
    server.stop()


def _archive(out: Path, studies: int, seed: int) -> Path:
    generate(
        SynthConfig(
            out=str(out),
            studies=studies,
            seed=seed,
            workers=1,
            image_scale=0.25,
            instances_scale=0.3,
            broken_fraction=0.0,
            junk_fraction=0.0,
            dicomdir=False,
        )
    )
    return out


def _upload(fs: pafs.S3FileSystem, local: Path, key: str) -> set[str]:
    """Copy a local folder to ``key`` (bucket/prefix); returns the s3:// names of its files."""
    pafs.copy_files(str(local), key, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)
    return {f"s3://{key}/{p.relative_to(local)}" for p in local.rglob("*") if p.is_file()}


def _put(fs: pafs.S3FileSystem, data: bytes, key: str) -> None:
    with fs.open_output_stream(key) as out:
        out.write(data)


def _config(query: str) -> PipelineConfig:
    uris = [f"input=s3://pacs/dump{query}", f"run_root=s3://runs/r1{query}"]
    uris.append(f"reports=s3://pacs/reports.csv{query}")
    return load_config(PipelineConfig, PRESETS, [*uris, "ray.progress_bars=false"])


def _column(rr: RunRoot, table: str, column: str) -> list:
    if not rr.has_table(table):
        return []
    return rr.dataset(table).to_table(columns=[column]).column(0).to_pylist()


def test_pipeline_on_object_storage_resumes_and_relabels(s3, tmp_path):
    import ray

    fs, query = s3
    first = _archive(tmp_path / "a", studies=6, seed=3)
    files = _upload(fs, first / "dicom", "pacs/dump")
    _put(fs, (first / "reports.csv").read_bytes(), "pacs/reports.csv")
    rr = RunRoot(f"s3://runs/r1{query}")

    # an ingest job killed between a batch's data shards and its commit (its own driver process)
    job = subprocess.run(
        [
            sys.executable,
            "-m",
            "jobs.ingest",
            f"input=s3://pacs/dump{query}",
            f"run_root={rr.uri}",
            "batch_size=4",
            "inline_max_files=0",
            "fail_after_batches=1",
            f"ray.address={ray.get_runtime_context().gcs_address}",
            "ray.progress_bars=false",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert job.returncode != 0 and "fail_after_batches" in job.stderr + job.stdout
    committed = rr.count_rows(MANIFEST)
    assert 0 < committed < len(files)
    # the killed batch's shards are there, but readers see committed batches only
    shards = fs.get_file_info(pafs.FileSelector(f"runs/r1/{TAGS}"))
    assert len(shards) > len(rr.table_files(TAGS))
    assert set(_column(rr, TAGS, "path")) <= set(_column(rr, MANIFEST, "path"))

    t0 = time.perf_counter()
    s1 = run_pipeline(_config(query))
    seconds_full = time.perf_counter() - t0
    assert s1["mode"] == "full"
    assert s1["ingest"]["cleaned"]["orphan_shards"] >= 1
    assert s1["ingest"]["unchanged"] == committed and s1["ingest"]["new"] == len(files) - committed
    manifest = _column(rr, MANIFEST, "path")
    assert sorted(manifest) == sorted(files)  # every object once, named without the endpoint
    images = rr.count_rows(IMAGES)
    assert images > 0 and set(_column(rr, IMAGES, "path")) | set(_column(rr, REJECTS, "path")) == set(files)
    assert rr.count_rows(LABELS) == images == len(set(_column(rr, LABELS, "sop_instance_uid")))
    assert rr.exists("report.html") and rr.exists("metrics.json")
    assert not [
        i for i in fs.get_file_info(pafs.FileSelector("runs/r1", recursive=True)) if ".tmp-" in i.path
    ]

    # a label job killed before its commit: its segment is never read, and the next commit drops it
    stray = f"runs/r1/{LABELS}/v-20000101T000000Z-killed00/part-0.parquet"
    with fs.open_input_file(rr.table_files(LABELS)[0]) as f:
        _put(fs, f.read(), stray)
    assert rr.count_rows(LABELS) == images

    # new studies arrive in the bucket, with their reports appended to the reports object
    second = _archive(tmp_path / "b", studies=2, seed=4)
    new = _upload(fs, second / "dicom", "pacs/dump/arrived")
    reports = pd.concat([pd.read_csv(p, dtype=str) for p in (first / "reports.csv", second / "reports.csv")])
    buf = io.StringIO()
    reports.to_csv(buf, index=False)
    _put(fs, buf.getvalue().encode(), "pacs/reports.csv")

    t0 = time.perf_counter()
    s2 = run_pipeline(_config(query))
    seconds_relabel = time.perf_counter() - t0
    assert s2["mode"] == "relabel"
    assert s2["ingest"]["new"] == len(new) and s2["ingest"]["unchanged"] == len(files)
    assert sorted(_column(rr, MANIFEST, "path")) == sorted(files | new)
    labels = _column(rr, LABELS, "sop_instance_uid")
    assert len(labels) == len(set(labels)) == rr.count_rows(IMAGES) == images + s2["assign"]["n_assigned"]
    assert s2["assign"]["n_assigned"] == s2["ingest"]["images"] > 0
    assert fs.get_file_info(stray).type == pafs.FileType.NotFound
    print(f"\nS3: full pipeline on {len(files)} files {seconds_full:.1f} s,", end=" ")
    print(f"relabel of {len(new)} new files {seconds_relabel:.1f} s")
