"""The pipeline with its dump and run root in S3 buckets vs on the local disk, on the same archive.

    python bench/bench_object_storage.py [studies=6] [new_studies=2] [workdir=/tmp/bench_object_storage]

Generates a small synthetic archive (the size of the object-storage test's), runs the demo pipeline
with the tests' small models (full, then a relabel after new studies arrive) once with input, reports
and run root on the local disk and once in buckets of an S3-compatible server on the loopback address
(moto's server mode: ``pip install "moto[server]"``, serving from a thread of this process). Prints
both wall times per run, the ingest's own time and the relabel's steps. Both runs share one local Ray
(started with the server's credentials in its environment), so Ray's start-up is paid once, by the
local run.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.fs as pafs

from pacslabel.config import load_config
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.runtime import RayConfig, init_ray
from pacslabel.synth import SynthConfig, generate

REPO = Path(__file__).resolve().parents[1]
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _archive(out: Path, studies: int, seed: int) -> Path:
    generate(
        SynthConfig(
            out=str(out),
            studies=studies,
            seed=seed,
            image_scale=0.25,
            instances_scale=0.3,
            broken_fraction=0.0,
            junk_fraction=0.0,
            dicomdir=False,
            overwrite=True,
        )
    )
    return out


def _run(input_: str, run_root: str, reports: str) -> tuple[dict, float]:
    overrides = [f"input={input_}", f"run_root={run_root}", f"reports={reports}", "ray.progress_bars=false"]
    cfg = load_config(
        PipelineConfig, [REPO / "configs" / f"pipeline-{p}.yaml" for p in ("demo", "smoke")], overrides
    )
    t0 = time.perf_counter()
    summary = run_pipeline(cfg)
    return summary, time.perf_counter() - t0


def main(argv: list[str]) -> None:
    from moto.server import ThreadedMotoServer

    args = dict(a.split("=", 1) for a in argv)
    work = Path(args.get("workdir", "/tmp/bench_object_storage"))
    shutil.rmtree(work, ignore_errors=True)
    first = _archive(work / "a", int(args.get("studies", 6)), seed=3)
    second = _archive(work / "b", int(args.get("new_studies", 2)), seed=4)
    both = pd.concat([pd.read_csv(p / "reports.csv", dtype=str) for p in (first, second)])
    both.to_csv(work / "reports_all.csv", index=False)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    query = f"?endpoint_override={host}:{port}&scheme=http"
    os.environ.update(CREDENTIALS)
    init_ray(RayConfig(progress_bars=False))
    fs = pafs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", allow_bucket_creation=True)
    local = pafs.LocalFileSystem()
    for bucket in ("pacs", "runs"):
        fs.create_dir(bucket)

    places = {
        "local": (str(work / "pacs"), str(work / "run"), str(work / "reports.csv")),
        "s3": (f"s3://pacs/dump{query}", f"s3://runs/r1{query}", f"s3://pacs/reports.csv{query}"),
    }
    targets = {"local": (local, str(work / "pacs"), str(work)), "s3": (fs, "pacs/dump", "pacs")}
    times: dict[str, dict[str, float]] = {}
    for name, (input_, run_root, reports) in places.items():
        target, dump, folder = targets[name]
        pafs.copy_files(str(first / "dicom"), dump, source_filesystem=local, destination_filesystem=target)
        pafs.copy_files(str(first / "reports.csv"), f"{folder}/reports.csv", local, target)
        full, t_full = _run(input_, run_root, reports)
        pafs.copy_files(str(second / "dicom"), f"{dump}/arrived", local, target)
        pafs.copy_files(str(work / "reports_all.csv"), f"{folder}/reports.csv", local, target)
        relabel, t_relabel = _run(input_, run_root, reports)
        assert (full["mode"], relabel["mode"]) == ("full", "relabel")
        times[name] = {
            "files": full["ingest"]["files"],
            "full_s": round(t_full, 1),
            "full_ingest_s": full["ingest"]["seconds"],
            "new_files": relabel["ingest"]["files"],
            "relabel_s": round(t_relabel, 1),
            "relabel_ingest_s": relabel["ingest"]["seconds"],
            "relabel_steps_s": relabel["seconds"],
        }
        print(name, times[name], flush=True)
    server.stop()
    print(f"S3 / local: full {times['s3']['full_s'] / times['local']['full_s']:.2f}x,", end=" ")
    print(f"relabel {times['s3']['relabel_s'] / times['local']['relabel_s']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
