"""Reports join: ``reports=FILE`` (csv or parquet; columns accession_number, text) -> ``reports/``.

Only ``accession_key`` (the salted hash of the accession number, as in ``tags/``) and ``text`` are
written; the raw accession number never leaves this function. The file is read in record batches
(memory does not grow with its size). One source file is one generation of the table: shards are
named after the source's fingerprint (path, size, mtime), a ``_committed-<fingerprint>`` marker is
written after the last shard, re-running with the same file does nothing, and a new file replaces
the previous generation (new shards and marker first, then the old ones are deleted).
"""

from __future__ import annotations

import hashlib
import logging
import os

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.fs as pafs

from pacslabel.config import ConfigError
from pacslabel.ingest.tables import write_table_atomic
from pacslabel.privacy import hash_key
from pacslabel.runroot import REPORTS, RunRoot

log = logging.getLogger(__name__)

REPORTS_SCHEMA = pa.schema([("accession_key", pa.string()), ("text", pa.string())])


def _dataset(src: str) -> pads.Dataset:
    if src.lower().endswith((".csv", ".csv.gz", ".tsv")):
        fmt = pads.CsvFileFormat(
            convert_options=pacsv.ConvertOptions(
                column_types={"accession_number": pa.string(), "text": pa.string()}, strings_can_be_null=True
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, delimiter="\t" if src.endswith(".tsv") else ","
            ),
        )
        return pads.dataset(src, format=fmt)
    return pads.dataset(src, format="parquet")


def join_reports(src: str, root: RunRoot, salt: bytes, rows_per_shard: int = 100_000) -> dict:
    """Write ``reports/`` from ``src``; returns counts (rows, written, dropped_no_accession, skipped)."""
    if not os.path.exists(src):
        raise ConfigError(f"reports: {src} does not exist")
    st = os.stat(src)
    fp = hashlib.sha256(f"{os.path.abspath(src)}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    marker = f"_committed-{fp}"
    root.makedirs(REPORTS)
    if root.exists(REPORTS, marker):
        return {"source": os.path.basename(src), "skipped": True}
    for info in root.fs.get_file_info(pafs.FileSelector(root.path(REPORTS))):
        name = info.base_name
        if name.startswith(f"part-r{fp}-") or name.startswith(".tmp-"):
            root.fs.delete_file(info.path)  # leftovers of an interrupted join of this same source
    dataset = _dataset(src)
    missing = {"accession_number", "text"} - set(dataset.schema.names)
    if missing:
        raise ConfigError(f"reports: {src} lacks column(s) {sorted(missing)}; needs accession_number, text")
    counts = {"source": os.path.basename(src), "rows": 0, "written": 0, "dropped_no_accession": 0}
    shard = 0
    for batch in dataset.to_batches(columns=["accession_number", "text"], batch_size=rows_per_shard):
        acc = pc.cast(batch.column("accession_number"), pa.string()).to_pylist()
        keys = [hash_key(a, salt) for a in acc]
        table = pa.table(
            {
                "accession_key": pa.array(keys, pa.string()),
                "text": pc.cast(batch.column("text"), pa.string()),
            },
            schema=REPORTS_SCHEMA,
        )
        table = table.filter(pc.is_valid(table["accession_key"]))
        counts["rows"] += batch.num_rows
        counts["dropped_no_accession"] += batch.num_rows - table.num_rows
        if table.num_rows:
            write_table_atomic(root.fs, root.path(REPORTS), f"part-r{fp}-{shard:05d}.parquet", table)
            counts["written"] += table.num_rows
            shard += 1
    root.write_text(src + "\n", REPORTS, marker)
    for info in root.fs.get_file_info(pafs.FileSelector(root.path(REPORTS))):
        name = info.base_name
        if (name.startswith("part-r") and not name.startswith(f"part-r{fp}-")) or (
            name.startswith("_committed-") and name != marker
        ):
            root.fs.delete_file(info.path)
    return counts
