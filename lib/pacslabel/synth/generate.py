"""Generate a synthetic PACS archive: DIR/dicom/<patient>/<study>/<series>/<files>, DIR/reports.csv,
DIR/truth.parquet. Studies are made in a process pool; results stream to disk in study order, so the
driver's memory does not grow with the archive and the output does not depend on the worker count.
"""

from __future__ import annotations

import csv
import io
import logging
import multiprocessing as mp
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

from pacslabel.config import ConfigError
from pacslabel.runroot import SERIES_UID, STUDY_UID, UID
from pacslabel.synth.config import SynthConfig
from pacslabel.synth.study import TRUTH_COLUMNS, StudyResult, generate_study, worker_init

log = logging.getLogger(__name__)

TRUTH_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        (UID, pa.string()),
        (STUDY_UID, pa.string()),
        (SERIES_UID, pa.string()),
        ("accession_number", pa.string()),
        ("modality", pa.string()),
        ("anatomical_region", pa.string()),
        ("body_part_hidden", pa.bool_()),
        ("transfer_syntax_uid", pa.string()),
        ("n_frames", pa.int32()),
        ("broken_kind", pa.string()),
        ("appearance", pa.string()),
        ("sequence", pa.string()),
        ("plane", pa.string()),
        ("kernel", pa.string()),
        ("phase", pa.string()),
        ("view", pa.string()),
        ("mode", pa.string()),
    ]
)
assert tuple(TRUTH_SCHEMA.names) == TRUTH_COLUMNS

DICOMDIR_NAME = "DICOMDIR"


def _chunk(cfg: SynthConfig, indices: list[int]) -> list[StudyResult]:
    root = Path(cfg.out) / "dicom"
    return [generate_study(cfg, i, root) for i in indices]


def _task(args: tuple[SynthConfig, list[int]]) -> list[StudyResult]:
    return _chunk(*args)


def _results(cfg: SynthConfig, workers: int) -> Iterator[StudyResult]:
    chunks = [
        list(range(a, min(a + cfg.chunk_studies, cfg.studies)))
        for a in range(0, cfg.studies, cfg.chunk_studies)
    ]
    if workers <= 1:
        for ch in chunks:
            yield from _chunk(cfg, ch)
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=worker_init) as pool:
        for part in pool.imap(_task, ((cfg, ch) for ch in chunks), chunksize=1):
            yield from part


def _dicomdir_bytes(seed: int) -> bytes:
    """A small DICOMDIR-like file (Media Storage Directory SOP class, no records, no pixels)."""

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.1.3.10"
    ds.file_meta.MediaStorageSOPInstanceUID = f"2.25.{1_000_000 + seed}"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.FileSetID = "PACSDUMP"
    ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity = 0
    ds.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity = 0
    ds.FileSetConsistencyFlag = 0
    ds.DirectoryRecordSequence = []
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def generate(cfg: SynthConfig) -> dict:
    """Write the archive described by ``cfg``; return counts and timings."""
    out = Path(cfg.out)
    dicom = out / "dicom"
    if dicom.exists() and any(dicom.iterdir()):
        if not cfg.overwrite:
            raise ConfigError(f"out: {dicom} is not empty; set overwrite=true to replace it")
        shutil.rmtree(dicom)
    dicom.mkdir(parents=True, exist_ok=True)
    workers = min(cfg.resolved_workers(), max(1, -(-cfg.studies // cfg.chunk_studies)))
    started = time.time()
    n_files = n_broken = n_bytes = 0
    by_modality: dict[str, int] = {}
    truth_tmp = out / "truth.parquet.tmp"
    writer = pq.ParquetWriter(truth_tmp, TRUTH_SCHEMA)
    batch: list[dict] = []
    with open(out / "reports.csv", "w", newline="", encoding="utf-8") as fh:
        rep = csv.writer(fh)
        rep.writerow(["accession_number", "text"])
        if cfg.dicomdir:
            data = _dicomdir_bytes(cfg.seed)
            (dicom / DICOMDIR_NAME).write_bytes(data)
            batch.append({**dict.fromkeys(TRUTH_COLUMNS), "path": DICOMDIR_NAME, "broken_kind": "dicomdir"})
        for res in _results(cfg, workers):
            rep.writerow(res.report)
            n_bytes += res.n_bytes
            for row in res.truth:
                n_files += 1
                n_broken += row["broken_kind"] is not None
                if row["modality"]:
                    by_modality[row["modality"]] = by_modality.get(row["modality"], 0) + 1
            batch.extend(res.truth)
            if len(batch) >= 50_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=TRUTH_SCHEMA))
                batch = []
    if batch:
        writer.write_table(pa.Table.from_pylist(batch, schema=TRUTH_SCHEMA))
    writer.close()
    truth_tmp.replace(out / "truth.parquet")
    seconds = time.time() - started
    n_files += int(cfg.dicomdir)
    summary = {
        "out": str(out),
        "studies": cfg.studies,
        "files": n_files,
        "broken_or_junk": n_broken + int(cfg.dicomdir),
        "bytes": n_bytes,
        "files_by_modality": dict(sorted(by_modality.items())),
        "workers": workers,
        "generate_seconds": round(seconds, 3),
        "files_per_second": round(n_files / seconds, 2) if seconds > 0 else None,
    }
    log.info("synthetic archive: %d files, %d studies in %.1f s", n_files, cfg.studies, seconds)
    return summary
