"""The whole pipeline on a tiny synthetic archive, then a scheduled re-run after new studies arrive:
only the new files are ingested, embedded and assigned; models, centroids and old labels stay."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pacslabel.config import load_config
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.pipeline.run import relabel_config
from pacslabel.relabel import run_relabel
from pacslabel.synth import SynthConfig, generate

CONFIGS = Path(__file__).parents[2] / "configs"


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


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def pipeline_cfg(tmp_path):
    def make(reports: Path) -> PipelineConfig:
        return load_config(
            PipelineConfig,
            [CONFIGS / "pipeline-demo.yaml", CONFIGS / "pipeline-smoke.yaml"],
            [f"input={tmp_path / 'pacs'}", f"run_root={tmp_path / 'run'}", f"reports={reports}"],
        )

    return make


def test_pipeline_then_relabel_new_studies_only(ray_local, tmp_path, pipeline_cfg):
    first = _archive(tmp_path / "a", studies=6, seed=3)
    shutil.copytree(first / "dicom", tmp_path / "pacs")
    s1 = run_pipeline(pipeline_cfg(first / "reports.csv"))
    assert s1["mode"] == "full"
    run = tmp_path / "run"
    n1 = s1["ingest"]["tags"]
    labels1 = pq.read_table(run / "labels").to_pandas()
    assert len(labels1) == n1 == pq.read_table(run / "images").num_rows
    assert (run / "report.html").is_file()
    models = _digest(run / "models")

    # new studies arrive in the archive, with their reports appended to the reports file
    second = _archive(tmp_path / "b", studies=2, seed=4)
    shutil.copytree(second / "dicom", tmp_path / "pacs" / "arrived")
    reports = tmp_path / "reports_all.csv"
    pd.concat([pd.read_csv(p, dtype=str) for p in (first / "reports.csv", second / "reports.csv")]).to_csv(
        reports, index=False
    )
    n_new = sum(1 for p in (second / "dicom").rglob("*") if p.is_file())

    s2 = run_pipeline(pipeline_cfg(reports))
    assert s2["mode"] == "relabel"
    assert s2["ingest"]["new"] == n_new and s2["ingest"]["tags"] == n_new
    assert s2["tags"] == {"regions": n_new, "features": n_new}
    assert s2["embed_tags"] == n_new and s2["embed_images"] == n_new
    assert s2["reports"]["tokens"] == len(pd.read_csv(second / "reports.csv", dtype=str))
    tokens = pq.read_table(run / "_work/reports/tokens").to_pandas()
    embedded = pq.read_table(run / "embeddings/reports", columns=["accession_key"]).column(0).to_pylist()
    assert sorted(embedded) == sorted(tokens.loc[tokens["excluded"].isna(), "accession_key"])
    assert s2["assign"]["n_assigned"] == n_new
    assert set(s2["assign"]["drift"]) >= {"retrain_recommended", "ks_statistic"}

    # nothing was retrained, old labels are untouched, every instance has exactly one label
    assert _digest(run / "models") == models
    labels2 = pq.read_table(run / "labels").to_pandas()
    assert len(labels2) == n1 + n_new and labels2["sop_instance_uid"].is_unique
    old = labels2.merge(labels1, on="sop_instance_uid", suffixes=("", "_before"))
    assert len(old) == n1
    assert (old["label"] == old["label_before"]).all() and (old["run_id"] == old["run_id_before"]).all()
    for table in ("embeddings/images", "embeddings/tags", "features/tags", "regions"):
        keys = pq.read_table(run / table, columns=["sop_instance_uid"]).column(0).to_pylist()
        assert len(keys) == len(set(keys)) == n1 + n_new, table

    # a larger increment goes through Ray Data (key anti-joins, actor pools) instead of the driver
    third = _archive(tmp_path / "c", studies=1, seed=5)
    shutil.copytree(third / "dicom", tmp_path / "pacs" / "later")
    everything = pd.concat([pd.read_csv(p, dtype=str) for p in (reports, third / "reports.csv")])
    everything.to_csv(reports, index=False)
    n_third = sum(1 for p in (third / "dicom").rglob("*") if p.is_file())
    on_ray = dataclasses.replace(
        relabel_config(pipeline_cfg(reports)), inline_max_rows=0, driver_max_keys=0, evaluate=False
    )
    s3 = run_relabel(on_ray)
    assert s3["tags"] == {"regions": n_third, "features": n_third}
    assert s3["embed_tags"] == s3["embed_images"] == s3["assign"]["n_assigned"] == n_third
    assert s3["reports"]["tokens"] == len(pd.read_csv(third / "reports.csv", dtype=str))
    total = n1 + n_new + n_third
    for table in ("labels", "embeddings/images", "embeddings/tags", "features/tags", "regions"):
        keys = pq.read_table(run / table, columns=["sop_instance_uid"]).column(0).to_pylist()
        assert len(keys) == len(set(keys)) == total, table

    # a re-run with nothing new adds nothing
    s4 = run_pipeline(pipeline_cfg(reports))
    assert s4["ingest"]["new"] == 0 and s4["assign"]["n_assigned"] == 0
    assert pq.read_table(run / "labels").num_rows == total
