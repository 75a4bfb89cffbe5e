"""Tag-table column roles and the flattening of ``other_tags`` JSON into columns.

Columns of the ``tags/`` table fall into identifiers (never features), free text (read by the region
rules only), known categoricals, and everything else (typed by profiling). Tags inside ``other_tags``
become columns ``ot_<snake_case keyword>``; a list value becomes ``ot_<name>_0 .. _<n-1>`` and a
DICOM multi-value string ``a\\b`` is split the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pacslabel.runroot import ACCESSION_KEY, SERIES_UID, STUDY_UID, UID

IDENTIFIER_COLUMNS = frozenset(
    {
        UID,
        STUDY_UID,
        SERIES_UID,
        "sop_class_uid",
        "transfer_syntax_uid",
        "patient_key",
        ACCESSION_KEY,
        "run_id",
        "other_tags",
    }
)
PATH_COLUMNS = frozenset({"path"})
FREE_TEXT_COLUMNS = frozenset(
    {"study_description", "series_description", "protocol_name", "requested_procedure_description"}
)
KNOWN_CATEGORICAL = frozenset(
    {
        "modality",
        "body_part_examined",
        "region",
        "manufacturer",
        "manufacturer_model_name",
        "patient_position",
        "mr_acquisition_type",
        "patient_sex",
        "photometric_interpretation",
    }
)
OTHER_PREFIX = "ot_"

# Constraint tags of paper 000: Modality, BodyPartExamined, PatientPosition, MRAcquisitionType,
# ImageOrientationPatient (6 values), Manufacturer, ExposureTime, Exposure.
PAPER_CATEGORICAL = (
    "modality",
    "body_part_examined",
    "patient_position",
    "mr_acquisition_type",
    "manufacturer",
)
PAPER_NUMERIC = (*(f"image_orientation_patient_{i}" for i in range(6)), "exposure_time", "exposure")
PAPER_WEIGHTS = {f"image_orientation_patient_{i}": 1.0 / 6.0 for i in range(6)}

_DATE = re.compile(
    r"(date|datetime)$|(^|_)(study|series|acquisition|content|instance_creation|"
    r"performed_procedure_step_start|performed_procedure_step_end|"
    r"scheduled_procedure_step_start)_time$|_date_time$"
)
_IDENT = re.compile(r"(^|_)uids?$|_uid_|(^|_)(key|keys)$|_id$|^id$|(^|_)(accession|patient_id)")
_FREE = re.compile(r"description|comment|physician|operator|address|telephone|(^|_)patient_name|history")
_PATH = re.compile(r"(^|_)(path|file|filename|directory)$")
_CAMEL1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL2 = re.compile(r"([a-z0-9])([A-Z])")
_HEX_TAG = re.compile(r"^\(?([0-9a-fA-F]{4}),?\s*([0-9a-fA-F]{4})\)?$")


def norm_category(value: object) -> str | None:
    """A categorical tag value as compared and encoded: stripped and case-folded; None when missing."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    text = str(value).strip().casefold()
    return text or None


def snake_case(keyword: str) -> str:
    """DICOM keyword to snake_case ("ImagerPixelSpacing" -> "imager_pixel_spacing").

    A hex tag "(0018,1150)" becomes "x00181150".
    """
    hexed = _HEX_TAG.match(keyword.strip())
    if hexed:
        return f"x{hexed.group(1)}{hexed.group(2)}".lower()
    text = _CAMEL2.sub(r"\1_\2", _CAMEL1.sub(r"\1_\2", keyword.strip()))
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_").lower()


def exclusion_reason(name: str) -> str | None:
    """Why a column can never be a feature ("identifier", "path/key", "date", "free text"), else None."""
    base = name[len(OTHER_PREFIX) :] if name.startswith(OTHER_PREFIX) else name
    if name in IDENTIFIER_COLUMNS or _IDENT.search(base):
        return "identifier"
    if name in PATH_COLUMNS or _PATH.search(base):
        return "path/key"
    if _DATE.search(base):
        return "date"
    if name in FREE_TEXT_COLUMNS or _FREE.search(base):
        return "free text"
    return None


def _split_value(value: object, max_values: int) -> list[object] | None:
    """A list of scalars for multi-valued input (list or backslash-separated string), else None."""
    if isinstance(value, list | tuple):
        if not all(v is None or isinstance(v, int | float | str) for v in value):
            return None
        return list(value[:max_values])
    if isinstance(value, str) and "\\" in value:
        return value.split("\\")[:max_values]
    return None


def flatten_other_tags(
    values: Iterable[object], max_array_values: int = 8, keep: Iterable[str] | None = None
) -> dict[str, list[object]]:
    """Columns parsed from ``other_tags`` JSON strings: name -> list of values (None where absent).

    Nested objects (sequences) are skipped; unparsable JSON counts as no tags. ``keep`` restricts the
    output to those column names (the others are not materialised).
    """
    values = list(values)
    keep_set = set(keep) if keep is not None else None
    columns: dict[str, list[object]] = {}
    n = len(values)
    for row, raw in enumerate(values):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)):
            continue
        try:
            tags = json.loads(raw) if isinstance(raw, str | bytes) else raw
        except (ValueError, TypeError):
            continue
        if not isinstance(tags, dict):
            continue
        for key, value in tags.items():
            name = OTHER_PREFIX + snake_case(str(key))
            if isinstance(value, dict):
                continue
            parts = _split_value(value, max_array_values)
            items = [(name, value)] if parts is None else [(f"{name}_{i}", v) for i, v in enumerate(parts)]
            for col, v in items:
                if keep_set is not None and col not in keep_set:
                    continue
                if isinstance(v, list | dict):
                    continue
                columns.setdefault(col, [None] * n)[row] = v
    return columns


def with_other_tags(
    df: pd.DataFrame, max_array_values: int = 8, keep: Iterable[str] | None = None
) -> pd.DataFrame:
    """``df`` plus the flattened ``other_tags`` columns (names that collide with real columns are dropped)."""
    if "other_tags" not in df.columns:
        return df
    extra = flatten_other_tags(df["other_tags"].tolist(), max_array_values, keep)
    extra = {k: v for k, v in extra.items() if k not in df.columns}
    if not extra:
        return df
    return pd.concat([df, pd.DataFrame(extra, index=df.index, dtype=object)], axis=1)
