"""Relabelling new studies vs the full pipeline run that labelled the archive.

    python bench/bench_relabel.py [studies=100] [new_percent=1] [workdir=/tmp/bench_relabel]

Generates a synthetic archive, runs the whole pipeline (configs/pipeline.yaml, full mode), adds
``new_percent`` % more studies and runs the pipeline again (relabel mode). Prints both wall times,
the per-file cost of each and the ratio relabel / full. Both runs share the same local Ray, so Ray's
start-up is paid once, by the full run.
"""

from __future__ import annotations

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
        REPO / "configs" / "pipeline.yaml",
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
    shutil.rmtree(work, ignore_errors=True)
    init_ray(RayConfig(progress_bars=False))

    first = _archive(work / "a", studies, seed=11)
    shutil.copytree(first / "dicom", work / "pacs")
    full, t_full = _pipeline(work, first / "reports.csv")
    n_full = full["ingest"]["files"]

    second = _archive(work / "b", new_studies, seed=12)
    shutil.copytree(second / "dicom", work / "pacs" / "arrived")
    reports = work / "reports_all.csv"
    both = [pd.read_csv(p, dtype=str) for p in (first / "reports.csv", second / "reports.csv")]
    pd.concat(both).to_csv(reports, index=False)
    relabel, t_relabel = _pipeline(work, reports)
    assert relabel["mode"] == "relabel"
    n_new = relabel["ingest"]["files"]

    per_file = t_full / n_full * 1e3
    print(f"full pipeline: {n_full} files ({studies} studies) in {t_full:.1f} s = {per_file:.1f} ms/file")
    print(f"relabel:       {n_new} new files ({new_studies} studies) in {t_relabel:.1f} s")
    print("relabel steps (s):", relabel["seconds"])
    print(f"ratio relabel / full run: {t_relabel / t_full:.3f}  (new files / archive: {n_new / n_full:.3f})")


if __name__ == "__main__":
    main(sys.argv[1:])
