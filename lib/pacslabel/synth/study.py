"""One synthetic study: render and write the files of its plan (:mod:`pacslabel.synth.plan`), and
its truth rows and report."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pacslabel.runroot import SERIES_UID, STUDY_UID, UID
from pacslabel.synth.catalog.appearances import APPEARANCE_FIELDS
from pacslabel.synth.catalog.modalities import SLICED
from pacslabel.synth.config import SynthConfig
from pacslabel.synth.encode import BROKEN_KINDS, TS_UIDS, broken_bytes, encode, ts_for_image
from pacslabel.synth.headers.dataset import build_dataset
from pacslabel.synth.headers.study_info import SeriesInfo, StudyInfo, new_uid
from pacslabel.synth.plan import plan_study
from pacslabel.synth.render.frames import render_frames
from pacslabel.synth.texts.reports import report_text
from pacslabel.synth.texts.sampling import pick

log = logging.getLogger(__name__)

Rng = np.random.Generator

TRUTH_COLUMNS = (
    "path",
    UID,
    STUDY_UID,
    SERIES_UID,
    "accession_number",
    "modality",
    "anatomical_region",
    "body_part_hidden",
    "transfer_syntax_uid",
    "n_frames",
    "broken_kind",
    "appearance",
    *APPEARANCE_FIELDS,
)
"""Columns of truth.parquet; ``path`` is relative to DIR/dicom, ``broken_kind`` null for good files;
``body_part_hidden`` is true where the study's BodyPartExamined was removed from every series;
``appearance`` names the series' appearance group and the columns after it its components (null where
a component does not apply to the modality; all null for junk and DICOMDIR rows)."""

JUNK_FILES = ("Thumbs.db", ".DS_Store", "desktop.ini", "README.TXT", "LOCKFILE")


@dataclass
class StudyResult:
    truth: list[dict]
    report: tuple[str, str]
    n_bytes: int


def _names(rng: Rng, cfg: SynthConfig, study: StudyInfo) -> tuple[str, str, str, bool]:
    """Naming style of the study folder, its series folders and instance files."""
    no_ext = bool(rng.random() < cfg.no_extension_fraction)
    study_style = ("uid", "acc", "date")[int(rng.integers(3))]
    series_style = ("num", "uid", "se")[int(rng.integers(3))]
    file_style = (
        ("im", "num8", "i")[int(rng.integers(3))] if no_ext else ("uid", "img", "num")[int(rng.integers(3))]
    )
    return study_style, series_style, file_style, no_ext


def _study_dir(style: str, study: StudyInfo) -> str:
    if style == "uid":
        return study.study_uid
    if style == "acc":
        return f"ACC{study.accession}"
    return f"{study.date[0]:04d}{study.date[1]:02d}{study.date[2]:02d}_{study.accession[-6:]}"


def _series_dir(style: str, s: SeriesInfo) -> str:
    return {"num": f"{s.number:04d}", "uid": s.uid, "se": f"SE{s.number:03d}"}[style]


def _file_name(style: str, n: int, uid: str) -> str:
    return {
        "im": f"IM{n:05d}",
        "num8": f"{n:08d}",
        "i": f"I{n}",
        "uid": f"{uid}.dcm",
        "img": f"IMG{n:04d}.dcm",
        "num": f"{n}.dcm",
    }[style]


def generate_study(cfg: SynthConfig, index: int, dicom_root: Path) -> StudyResult:
    """Write every file of study ``index`` under ``dicom_root``; return its truth rows and report."""
    study, series_list, rng = plan_study(cfg, index)
    study_style, series_style, file_style, _ = _names(rng, cfg, study)
    rel_study = Path(study.patient.patient_id) / _study_dir(study_style, study)
    truth: list[dict] = []
    n_bytes = 0
    file_no = 0
    for series in series_list:
        rel_series = rel_study / _series_dir(series_style, series)
        (dicom_root / rel_series).mkdir(parents=True, exist_ok=True)
        n = series.n_instances
        for k in range(n):
            file_no += 1
            sop_uid = new_uid(rng)
            z = -0.8 + 1.6 * (k + 0.5) / n if study.modality in SLICED else 0.0
            px = render_frames(series.style, z, rng)
            ds = build_dataset(study, series, k + 1, sop_uid, px, z, rng)
            broken = None
            if rng.random() < cfg.broken_fraction:
                broken = BROKEN_KINDS[int(rng.integers(len(BROKEN_KINDS)))]
                data = broken_bytes(broken, ds, px.array, rng)
                ts_uid = TS_UIDS["explicit_le"] if broken not in ("empty", "not_dicom") else None
            else:
                ts_key = ts_for_image(series.ts_key, ds.Rows, ds.Columns)
                data = encode(ds, px.array, ts_key)
                ts_uid = TS_UIDS[ts_key]
            rel = rel_series / _file_name(file_style, file_no, sop_uid)
            (dicom_root / rel).write_bytes(data)
            n_bytes += len(data)
            truth.append(
                {
                    "path": rel.as_posix(),
                    UID: sop_uid,
                    STUDY_UID: study.study_uid,
                    SERIES_UID: series.uid,
                    "accession_number": study.accession,
                    "modality": study.modality,
                    "anatomical_region": study.region,
                    "body_part_hidden": study.body_part_hidden,
                    "transfer_syntax_uid": ts_uid,
                    "n_frames": int(px.array.shape[0])
                    if px.array.ndim == 3 and px.photometric != "RGB"
                    else 1,
                    "broken_kind": broken,
                    **series.style.look.truth(),
                }
            )
    if rng.random() < cfg.junk_fraction:
        name = pick(rng, JUNK_FILES)
        rel = rel_study / name
        data = rng.bytes(int(rng.integers(20, 4000)))
        (dicom_root / rel).write_bytes(data)
        n_bytes += len(data)
        truth.append({**dict.fromkeys(TRUTH_COLUMNS), "path": rel.as_posix(), "broken_kind": "junk"})
    report = report_text(rng, study.lang, study.modality, study.region)
    return StudyResult(truth=truth, report=(study.accession, report), n_bytes=n_bytes)


def worker_init() -> None:
    """Per-process setup: keep numpy / codec thread pools to one thread each."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
