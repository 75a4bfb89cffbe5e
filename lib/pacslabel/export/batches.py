"""The ``map_batches`` callables of the export stage (pyarrow batches)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pacslabel.export.select import cap_ranks, keep_mask, sample_keys, under_cap
from pacslabel.export.shards import write_batch
from pacslabel.imagecol import PIXELS, pixels_to_numpy
from pacslabel.runroot import STUDY_UID, UID, RunRoot

SELECTED = pa.schema(
    [
        (UID, pa.string()),
        ("key", pa.string()),
        ("group", pa.string()),
        ("label", pa.int32()),
        ("label_name", pa.string()),
        ("modality", pa.string()),
        ("region", pa.string()),
        ("split", pa.string()),
        ("rank", pa.float64()),
    ]
)


def _column(t: pa.Table, name: str) -> list:
    return t.column(name).to_pylist() if name in t.column_names else [None] * t.num_rows


class Selector:
    """labels/ rows joined with their context -> the selected rows with key, group, split, label name and
    cap rank (the raw uid stays only to fetch the pixels)."""

    def __init__(self, selection: dict, salt: bytes, names: dict[int, str]):
        self.selection = selection
        self.salt = salt
        self.names = names

    def __call__(self, t: pa.Table) -> pa.Table:
        label = t.column("label").to_numpy(zero_copy_only=False).astype(np.int32)
        modality, region = _column(t, "modality"), _column(t, "region")
        s = self.selection
        keep = keep_mask(label, modality, region, s["labels"], s["modalities"], s["regions"])
        t = t.filter(pa.array(keep))
        uids = t.column(UID).to_pylist()
        keys = sample_keys(
            uids, _column(t, "patient_key"), _column(t, STUDY_UID), self.salt,
            s["split_seed"], s["split"],
        )  # fmt: skip
        labels = label[keep]
        return pa.table(
            {
                UID: uids,
                "key": keys["key"].tolist(),
                "group": keys["group"].tolist(),
                "label": labels,
                "label_name": [self.names.get(int(v)) for v in labels],
                "modality": _column(t, "modality"),
                "region": _column(t, "region"),
                "split": keys["split"].tolist(),
                "rank": cap_ranks(keys["key"], s["split_seed"]),
            },
            schema=SELECTED,
        )


class CapFilter:
    """Rows within their label's cap (see :func:`pacslabel.export.select.cap_thresholds`)."""

    def __init__(self, thresholds: dict[int, float]):
        self.thresholds = thresholds

    def __call__(self, t: pa.Table) -> pa.Table:
        label = t.column("label").to_numpy(zero_copy_only=False)
        rank = t.column("rank").to_numpy(zero_copy_only=False)
        return t.filter(pa.array(under_cap(label, rank, self.thresholds)))


class ShardWriter:
    """Selected rows with pixels -> shard files and a manifest part; returns the manifest rows."""

    def __init__(self, out: str, fmt: str, export_run: str):
        self.out = RunRoot(out)
        self.fmt = fmt
        self.export_run = export_run

    def __call__(self, t: pa.Table) -> pa.Table:
        images = pixels_to_numpy(t.column(PIXELS))
        rows = t.drop_columns([UID, PIXELS, "rank"]).to_pylist()
        return write_batch(self.out, self.fmt, rows, images, self.export_run)
