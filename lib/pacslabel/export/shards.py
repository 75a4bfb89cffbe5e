"""Writing one batch of samples: WebDataset tar shards or ImageFolder PNGs, then its manifest part.

WebDataset: one tar per split present in the batch, ``shards/<split>-<digest>.tar``, holding
``<key>.png`` and ``<key>.json`` per sample (the WebDataset naming convention: files of a sample share
the name before the first dot). ImageFolder: ``<split>/<label:04d>/<key>.png``. ``<digest>`` is a hash of
the batch's sorted keys, so a batch always gets the same names. Files are written atomically; the
manifest part ``manifest/part-<digest>.parquet`` is written last and commits the batch: a tar without
its manifest part is left over from an interrupted export and removed by the next one.
"""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.evaluate.thumbnails import png_bytes
from pacslabel.runroot import RunRoot

SHARDS = "shards"
MANIFEST = "manifest"
FIELDS = ("key", "group", "label", "label_name", "modality", "region", "split")
MANIFEST_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("group", pa.string()),
        ("label", pa.int32()),
        ("label_name", pa.string()),
        ("modality", pa.string()),
        ("region", pa.string()),
        ("split", pa.string()),
        ("shard", pa.string()),
        ("export_run", pa.string()),
    ]
)


def batch_digest(keys) -> str:
    """16 hex characters naming a batch by its sorted keys."""
    return hashlib.blake2b("\n".join(sorted(keys)).encode(), digest_size=8).hexdigest()


def part_name(digest: str) -> str:
    return f"part-{digest}.parquet"


def digest_of_shard(name: str) -> str:
    """``<split>-<digest>.tar`` -> digest."""
    return name.rsplit(".", 1)[0].rsplit("-", 1)[-1]


def sample_json(row: dict) -> bytes:
    """The ``.json`` member of a sample: its manifest fields (no identifiers, no paths)."""
    return json.dumps({f: row[f] for f in FIELDS}, sort_keys=True).encode()


def _tar(samples: list[tuple[str, bytes, bytes]]) -> bytes:
    from webdataset.writer import TarWriter

    buf = io.BytesIO()
    with TarWriter(buf, encoder=False, mtime=0) as tar:
        for key, png, meta in samples:
            tar.write({"__key__": key, "png": png, "json": meta})
    return buf.getvalue()


def write_batch(out: RunRoot, fmt: str, rows: list[dict], images: np.ndarray, export_run: str) -> pa.Table:
    """Write ``rows`` (dicts of :data:`FIELDS`) with their ``(n, S, S)`` uint8 ``images``; returns the
    committed manifest rows."""
    order = sorted(range(len(rows)), key=lambda i: rows[i]["key"])
    digest = batch_digest(r["key"] for r in rows)
    shards, by_split = [], {}
    for i in order:
        row = rows[i]
        png = png_bytes(images[i], optimize=False)
        if fmt == "webdataset":
            shard = f"{SHARDS}/{row['split']}-{digest}.tar"
            by_split.setdefault(shard, []).append((row["key"], png, sample_json(row)))
        else:
            shard = f"{row['split']}/{int(row['label']):04d}/{row['key']}.png"
            out.write_bytes(png, *shard.split("/"))
        shards.append(shard)
    for shard, samples in by_split.items():
        out.write_bytes(_tar(samples), *shard.split("/"))
    columns = {f: [rows[i][f] for i in order] for f in FIELDS}
    manifest = pa.table(
        {**columns, "shard": shards, "export_run": [export_run] * len(order)}, schema=MANIFEST_SCHEMA
    )
    buf = io.BytesIO()
    pq.write_table(manifest, buf)
    out.write_bytes(buf.getvalue(), MANIFEST, part_name(digest))
    return manifest
