"""Run roots for evaluating the text stage on synthetic data, without the ingest stage.

- :func:`run_root_from_synth`: ``reports/`` and a minimal ``tags/`` from a synthetic archive's
  ``reports.csv`` and ``truth.parquet`` (what ingest would write for these columns);
- :func:`run_root_from_text_model`: the same tables for ``n`` studies drawn from the synthetic
  generator's study plan and report-text model only (no images: milliseconds per study), so report
  embedders can be compared on corpora larger than a rendered archive.

Accession numbers are hashed with the run root's salt, as ingest does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.privacy import hash_key
from pacslabel.runroot import ACCESSION_KEY, REPORTS, TAGS, UID, RunRoot
from pacslabel.synth.config import SynthConfig
from pacslabel.synth.plan import plan_study
from pacslabel.synth.texts.reports import report_text


def _write(run_root: RunRoot, accessions, texts, sop, sop_acc, modality, region) -> dict:
    salt = run_root.salt()
    run_root.makedirs(REPORTS)
    run_root.makedirs(TAGS)
    reports = pa.table(
        {
            ACCESSION_KEY: pa.array([hash_key(a, salt) for a in accessions], pa.string()),
            "text": pa.array(texts, pa.string()),
        }
    )
    tags = pa.table(
        {
            UID: pa.array(sop, pa.string()),
            ACCESSION_KEY: pa.array([hash_key(a, salt) for a in sop_acc], pa.string()),
            "modality": pa.array(modality, pa.string()),
            "body_part_examined": pa.array(region, pa.string()),
        }
    )
    with run_root.fs.open_output_stream(run_root.path(REPORTS, "part-00000.parquet")) as f:
        pq.write_table(reports, f)
    with run_root.fs.open_output_stream(run_root.path(TAGS, "part-00000.parquet")) as f:
        pq.write_table(tags, f)
    return {"reports": reports.num_rows, "tags": tags.num_rows}


def run_root_from_synth(synth_dir: str | Path, run_root: RunRoot) -> dict:
    """Write reports/ and tags/ (sop_instance_uid, accession_key, modality, body_part_examined = true
    region) from ``synth_dir``'s reports.csv and truth.parquet."""

    synth_dir = Path(synth_dir)
    rep = pd.read_csv(synth_dir / "reports.csv", dtype=str, keep_default_na=False)
    truth = pd.read_parquet(
        synth_dir / "truth.parquet",
        columns=[UID, "accession_number", "modality", "anatomical_region"],
    ).dropna(subset=[UID])
    return _write(
        run_root,
        rep["accession_number"].tolist(),
        rep["text"].tolist(),
        truth[UID].tolist(),
        truth["accession_number"].tolist(),
        truth["modality"].tolist(),
        truth["anatomical_region"].tolist(),
    )


def run_root_from_text_model(n: int, seed: int, run_root: RunRoot) -> dict:
    """Write reports/ and tags/ (one pseudo-instance per study) for ``n`` planned synthetic studies."""

    cfg = SynthConfig(out=str(run_root.path("_synth_unused")), studies=n, seed=seed)
    acc, txt, sop, modality, region = [], [], [], [], []
    for i in range(n):
        study, _series, rng = plan_study(cfg, i)
        acc.append(study.accession)
        txt.append(report_text(rng, study.lang, study.modality, study.region))
        sop.append(f"{study.study_uid}.1")
        modality.append(study.modality)
        region.append(study.region)
    return _write(run_root, acc, txt, sop, acc, modality, region)
