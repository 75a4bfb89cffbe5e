"""Relabelling new studies vs the full pipeline run that labelled the archive.

    python bench/bench_relabel.py [studies=100] [new_percent=1] [workdir=/tmp/bench_relabel] [reuse=false]

Generates a synthetic archive, runs the whole pipeline (configs/pipeline-demo.yaml, full mode), adds
``new_percent`` % more studies and runs the pipeline again (relabel mode). Prints both wall times,
the per-file cost of each, the rows each relabel step added and the ratio relabel / full. Both runs
share the same local Ray, so Ray's start-up is paid once, by the full run. ``reuse=true`` keeps the
full run of an earlier call in the same workdir (its time is read back from ``full.json``) and adds
another batch of new studies.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import time
from pathlib import Path

import pandas as pd

from pacslabel.config import load_config
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.runtime import RayConfig, init_ray
from pacslabel.synth import SynthConfig, generate

REPO = Path(__file__).resolve().parents[1]


def _args(argv: list[str]) -> dict[str, str]:
    return dict(a.split("=", 1) for a in argv)


def _archive(out: Path, studies: int, seed: int) -> Path:
    generate(SynthConfig(out=str(out), studies=studies, seed=seed, image_scale=0.5, overwrite=True))
    return out


def _pipeline(work: Path, reports: Path) -> tuple[dict, float]:
    cfg = load_config(
        PipelineConfig,
        REPO / "configs" / "pipeline-demo.yaml",
        [f"input={work / 'pacs'}", f"run_root={work / 'run'}", f"reports={reports}", "ray.progress_bars=off"],
    )
    t0 = time.perf_counter()
    summary = run_pipeline(cfg)
    return summary, time.perf_counter() - t0


def main(argv: list[str]) -> None:
    args = _args(argv)
    studies = int(args.get("studies", 100))
    new_studies = max(1, math.ceil(studies * float(args.get("new_percent", 1)) / 100))
    work = Path(args.get("workdir", "/tmp/bench_relabel"))
    reuse = args.get("reuse", "false").lower() in ("1", "true", "yes") and (work / "full.json").is_file()
    init_ray(RayConfig(progress_bars=False))

    if reuse:
        record = json.loads((work / "full.json").read_text())
        t_full, n_full = record["seconds"], record["files"]
    else:
        shutil.rmtree(work, ignore_errors=True)
        first = _archive(work / "a", studies, seed=11)
        shutil.copytree(first / "dicom", work / "pacs")
        shutil.copy(first / "reports.csv", work / "reports_all.csv")
        full, t_full = _pipeline(work, work / "reports_all.csv")
        n_full = full["ingest"]["files"]
        (work / "full.json").write_text(json.dumps({"seconds": t_full, "files": n_full}))

    batch = len(list(work.glob("new*")))
    second = _archive(work / f"new{batch}", new_studies, seed=12 + batch)
    shutil.copytree(second / "dicom", work / "pacs" / f"arrived{batch}")
    reports = work / "reports_all.csv"
    both = [pd.read_csv(p, dtype=str) for p in (reports, second / "reports.csv")]
    pd.concat(both).to_csv(reports, index=False)
    relabel, t_relabel = _pipeline(work, reports)
    assert relabel["mode"] == "relabel"
    n_new = relabel["ingest"]["files"]
    added = {
        "regions": relabel["tags"]["regions"],
        "features": relabel["tags"]["features"],
        "embed_tags": relabel["embed_tags"],
        "embed_images": relabel["embed_images"],
        "report_tokens": relabel["reports"]["tokens"],
        "report_embeddings": relabel["reports"]["embedded"],
        "labels": relabel["assign"]["n_assigned"],
    }

    per_file = t_full / n_full * 1e3
    print(f"full pipeline: {n_full} files ({studies} studies) in {t_full:.1f} s = {per_file:.1f} ms/file")
    print(f"relabel:       {n_new} new files ({new_studies} studies) in {t_relabel:.1f} s")
    print("relabel steps (s):", relabel["seconds"])
    print("rows added per step:", added)
    print(f"ratio relabel / full run: {t_relabel / t_full:.3f}  (new files / archive: {n_new / n_full:.3f})")


if __name__ == "__main__":
    main(sys.argv[1:])
