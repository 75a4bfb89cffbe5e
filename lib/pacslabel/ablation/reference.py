"""The classes the labels are scored against: the synthetic truth, or the DICOM Modality tag and the
region reconstructed by the tags stage (the sample's context)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow.compute as pc
import pyarrow.dataset as pads

from pacslabel.runroot import UID


@dataclass
class Reference:
    """Per sample row: modality, region and (truth with appearance only) the fine class; None = unknown."""

    name: str
    modality: np.ndarray
    region: np.ndarray
    fine: np.ndarray | None = None
    described: dict = field(default_factory=dict)


def clean(values) -> np.ndarray:
    """Stripped upper-case strings; None for missing, NaN or empty values."""
    out = np.full(len(values), None, dtype=object)
    for i, v in enumerate(values):
        if v is not None and v == v and str(v).strip():
            out[i] = str(v).strip().upper()
    return out


def joint(*columns: np.ndarray) -> np.ndarray:
    """``"A|B|C"`` per row where every column is known, else None."""
    out = np.full(len(columns[0]), None, dtype=object)
    for i, vals in enumerate(zip(*columns, strict=True)):
        if all(v is not None for v in vals):
            out[i] = "|".join(vals)
    return out


def from_context(context: dict, n: int) -> Reference:
    """The Modality tag and the reconstructed region of the sample rows."""
    missing = np.full(n, None, dtype=object)
    return Reference(
        "tags",
        clean(context.get("modality", missing)),
        clean(context.get("region", missing)),
        described={
            "modality": "tags/ modality (DICOM Modality)",
            "region": "regions/ region (reconstructed by the tags stage)",
        },
    )


def read_truth(path: str, uids: np.ndarray) -> Reference:
    """The truth rows of the instances ``uids`` (in that order); rows the truth lacks are unknown."""

    ds = pads.dataset(path, format="parquet")
    names = set(ds.schema.names)
    need = {UID, "modality", "anatomical_region"}
    if not need <= names:
        raise ValueError(f"{path}: truth needs columns {sorted(need)}, has {sorted(names)}")
    columns = [UID, "modality", "anatomical_region", *(["appearance"] if "appearance" in names else [])]
    table = ds.to_table(columns=columns, filter=pc.field(UID).isin(list(uids)))
    pos = {u: i for i, u in enumerate(uids)}
    at = np.asarray([pos[u] for u in table.column(UID).to_pylist()], dtype=np.int64)
    cols = {}
    for c in columns[1:]:
        full = np.full(len(uids), None, dtype=object)
        full[at] = clean(table.column(c).to_pylist())
        cols[c] = full
    fine = None
    if "appearance" in cols:
        fine = joint(cols["modality"], cols["anatomical_region"], cols["appearance"])
    return Reference(
        "truth",
        cols["modality"],
        cols["anatomical_region"],
        fine,
        described={
            "modality": "truth modality",
            "region": "truth anatomical_region",
            **({"fine": "truth modality x anatomical_region x appearance"} if fine is not None else {}),
            "rows_in_truth": len(at),
        },
    )
