"""Reports join: ``reports=FILE`` (csv or parquet, a local path or URI; columns accession_number, text)
-> ``reports/``.

Only ``accession_key`` (the salted hash of the accession number, as in ``tags/``) and ``text`` are
written; the raw accession number never leaves this function. The file is read in record batches
(memory does not grow with its size). One source file is one segment of the table
(:mod:`pacslabel.commits`), named after the source's fingerprint (name, size, mtime): re-running with
the same file does nothing, and a new file's segment, once written, replaces the previous one.
"""

from __future__ import annotations

import hashlib
import logging

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from pacslabel import commits, storage
from pacslabel.config import ConfigError
from pacslabel.ingest.tables import write_table_atomic
from pacslabel.privacy import hash_key
from pacslabel.runroot import ACCESSION_KEY, REPORTS, RunRoot

log = logging.getLogger(__name__)

REPORTS_SCHEMA = pa.schema([(ACCESSION_KEY, pa.string()), ("text", pa.string())])


def _dataset(fs: pafs.FileSystem, src: str) -> pads.Dataset:
    if src.lower().endswith((".csv", ".csv.gz", ".tsv")):
        fmt = pads.CsvFileFormat(
            convert_options=pacsv.ConvertOptions(
                column_types={"accession_number": pa.string(), "text": pa.string()}, strings_can_be_null=True
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, delimiter="\t" if src.endswith(".tsv") else ","
            ),
        )
        return pads.dataset(src, filesystem=fs, format=fmt)
    return pads.dataset(src, filesystem=fs, format="parquet")


def join_reports(src: str, root: RunRoot, salt: bytes, rows_per_shard: int = 100_000) -> dict:
    """Write ``reports/`` from ``src``; returns counts (rows, written, dropped_no_accession, skipped)."""
    fs, path = storage.from_uri(src)
    info = fs.get_file_info(path)
    if info.type != pafs.FileType.File:
        raise ConfigError(f"reports: {storage.redacted(src)} does not exist")
    name = storage.bare(src) if storage.is_uri(src) else path
    fp = hashlib.sha256(f"{name}|{info.size}|{info.mtime_ns}".encode()).hexdigest()[:16]
    segment = f"{commits.SEGMENT_PREFIX}r{fp}"
    if commits.segments(root.fs, root.path(REPORTS)) == [segment]:
        return {"source": info.base_name, "skipped": True}
    if root.exists(REPORTS, segment):
        root.fs.delete_dir(root.path(REPORTS, segment))  # an interrupted join of this same source
    dataset = _dataset(fs, path)
    missing = {"accession_number", "text"} - set(dataset.schema.names)
    if missing:
        raise ConfigError(
            f"reports: {info.base_name} lacks column(s) {sorted(missing)}; needs accession_number, text"
        )
    counts = {"source": info.base_name, "rows": 0, "written": 0, "dropped_no_accession": 0}
    shard = 0
    for batch in dataset.to_batches(columns=["accession_number", "text"], batch_size=rows_per_shard):
        acc = pc.cast(batch.column("accession_number"), pa.string()).to_pylist()
        keys = [hash_key(a, salt) for a in acc]
        table = pa.table(
            {
                ACCESSION_KEY: pa.array(keys, pa.string()),
                "text": pc.cast(batch.column("text"), pa.string()),
            },
            schema=REPORTS_SCHEMA,
        )
        table = table.filter(pc.is_valid(table[ACCESSION_KEY]))
        counts["rows"] += batch.num_rows
        counts["dropped_no_accession"] += batch.num_rows - table.num_rows
        if table.num_rows:
            write_table_atomic(root.fs, root.path(REPORTS, segment), f"part-{shard:05d}.parquet", table)
            counts["written"] += table.num_rows
            shard += 1
    root.commit(REPORTS, f"{REPORTS}/{segment}")
    return counts
