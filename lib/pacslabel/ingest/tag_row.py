"""Header -> one typed, de-identified tags row (column names and types from the run-root contract).

Values are converted element by element: a bad value (IS "14.5", DS "M", a UT holding "0.5\\0.5")
becomes a best-effort number or null, never an exception. Multi-valued tags are split into numbered
columns; every other public top-level tag goes, de-identified, into the JSON string ``other_tags``.
Enhanced (multi-frame) objects keep spacing, orientation, window and rescale in functional groups;
those are read from the shared group, then the first per-frame item, when the top level lacks them.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pyarrow as pa

from pacslabel.ingest.deid import CODED_KEYWORDS, is_dropped
from pacslabel.ingest.values import HeaderValues
from pacslabel.privacy import hash_key
from pacslabel.runroot import ACCESSION_KEY, SERIES_UID, STUDY_UID, UID
from pacslabel.vocab import code_value

STRING_COLUMNS = [
    UID, STUDY_UID, SERIES_UID, "sop_class_uid", "path",
    "patient_key", ACCESSION_KEY, "modality", "body_part_examined", "study_description",
    "series_description", "protocol_name", "requested_procedure_description", "manufacturer",
    "manufacturer_model_name", "patient_position", "mr_acquisition_type",
]  # fmt: skip
FLOAT_COLUMNS = [
    *[f"image_orientation_patient_{i}" for i in range(6)], "pixel_spacing_0", "pixel_spacing_1",
    "exposure_time", "exposure", "kvp", "slice_thickness", "repetition_time", "echo_time",
    "window_center", "window_width", "rescale_slope", "rescale_intercept", "patient_age",
]  # fmt: skip
TAIL_STRING = ["patient_sex", "photometric_interpretation"]
INT_COLUMNS = ["rows", "columns", "number_of_frames", "bits_stored"]
LAST_STRING = ["transfer_syntax_uid", "other_tags", "run_id"]

TAGS_SCHEMA = pa.schema(
    [(c, pa.string()) for c in STRING_COLUMNS]
    + [(c, pa.float64()) for c in FLOAT_COLUMNS]
    + [(c, pa.string()) for c in TAIL_STRING]
    + [(c, pa.int64()) for c in INT_COLUMNS]
    + [(c, pa.string()) for c in LAST_STRING]
)

# contract column -> DICOM keyword for plain single-valued strings
_STRING_KEYWORDS = {
    UID: "SOPInstanceUID",
    STUDY_UID: "StudyInstanceUID",
    SERIES_UID: "SeriesInstanceUID",
    "sop_class_uid": "SOPClassUID",
    "modality": "Modality",
    "body_part_examined": "BodyPartExamined",
    "study_description": "StudyDescription",
    "series_description": "SeriesDescription",
    "protocol_name": "ProtocolName",
    "requested_procedure_description": "RequestedProcedureDescription",
    "manufacturer": "Manufacturer",
    "manufacturer_model_name": "ManufacturerModelName",
    "patient_position": "PatientPosition",
    "mr_acquisition_type": "MRAcquisitionType",
    "patient_sex": "PatientSex",
    "photometric_interpretation": "PhotometricInterpretation",
}
_FLOAT_KEYWORDS = {
    "exposure_time": "ExposureTime",
    "exposure": "Exposure",
    "kvp": "KVP",
    "slice_thickness": "SliceThickness",
    "repetition_time": "RepetitionTime",
    "echo_time": "EchoTime",
    "rescale_slope": "RescaleSlope",
    "rescale_intercept": "RescaleIntercept",
}
_INT_KEYWORDS = {
    "rows": "Rows",
    "columns": "Columns",
    "number_of_frames": "NumberOfFrames",
    "bits_stored": "BitsStored",
}
# keywords with their own column (or hashed): never repeated in other_tags
TYPED_KEYWORDS = frozenset(
    {*_STRING_KEYWORDS.values(), *_FLOAT_KEYWORDS.values(), *_INT_KEYWORDS.values(),
     "ImageOrientationPatient", "PixelSpacing", "WindowCenter", "WindowWidth", "PatientAge",
     "PixelData", "FloatPixelData", "DoubleFloatPixelData"}
)  # fmt: skip

# functional-group paths for enhanced objects: (macro sequence keyword, attribute keyword)
_FG_PATHS = {
    "PixelSpacing": ("PixelMeasuresSequence", "PixelSpacing"),
    "SliceThickness": ("PixelMeasuresSequence", "SliceThickness"),
    "ImageOrientationPatient": ("PlaneOrientationSequence", "ImageOrientationPatient"),
    "WindowCenter": ("FrameVOILUTSequence", "WindowCenter"),
    "WindowWidth": ("FrameVOILUTSequence", "WindowWidth"),
    "RescaleSlope": ("PixelValueTransformationSequence", "RescaleSlope"),
    "RescaleIntercept": ("PixelValueTransformationSequence", "RescaleIntercept"),
    "RepetitionTime": ("MRTimingAndRelatedParametersSequence", "RepetitionTime"),
    "EchoTime": ("MREchoSequence", "EffectiveEchoTime"),
    "ExposureTime": ("CTExposureSequence", "ExposureTimeInms"),
    "KVP": ("CTXRayDetailsSequence", "KVP"),
}


def raw_value(ds: Any, keyword: str) -> Any:
    """The converted value of ``keyword`` or None; conversion errors give the raw string, never raise."""
    try:
        elem = ds.data_element(keyword)
    except Exception:
        return None
    if elem is None:
        return None
    try:
        return elem.value
    except Exception:
        try:
            raw = ds.get_item(keyword)
            return None if raw is None or raw.value is None else bytes(raw.value).decode("latin-1")
        except Exception:
            return None


def fg_value(ds: Any, keyword: str, frame: int = 0) -> Any:
    """``keyword`` from the per-frame functional group of ``frame``, then the shared group."""
    path = _FG_PATHS.get(keyword)
    if path is None:
        return None
    macro, attr = path
    for seq_kw, idx in (("PerFrameFunctionalGroupsSequence", frame), ("SharedFunctionalGroupsSequence", 0)):
        try:
            groups = ds.get(seq_kw)
            if not groups or idx >= len(groups):
                continue
            items = groups[idx].get(macro)
            if items:
                value = raw_value(items[0], attr)
                if value is not None and value != "":
                    return value
        except Exception:
            continue
    return None


def _missing(value: Any) -> bool:
    return value is None or value == "" or (hasattr(value, "__len__") and len(value) == 0)


def header_lookup(hv: HeaderValues, keyword: str, frame: int = 0) -> Any:
    """Top-level value, else the functional-group value of ``frame`` (enhanced objects only)."""
    value = hv.value(keyword)
    return fg_value(hv.ds, keyword, frame) if _missing(value) and is_enhanced(hv) else value


def is_enhanced(hv: HeaderValues) -> bool:
    """True when the dataset has functional groups (enhanced multi-frame objects)."""
    return "SharedFunctionalGroupsSequence" in hv or "PerFrameFunctionalGroupsSequence" in hv


def as_list(value: Any) -> list[Any]:
    """Multi-valued elements (MultiValue, list, backslash strings) as a plain list."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        return [v for v in text.split("\\")] if text != "" else []
    try:
        return list(value)
    except TypeError:
        return [value]


def to_float(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, str | bytes | int | float):
        values = as_list(value)
        value = values[0] if values else None
        if value is None:
            return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        value = value.split("\\")[0].strip()
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def to_int(value: Any) -> int | None:
    f = to_float(value)
    if f is None or abs(f) > 2**62:
        return None
    return int(f)


def to_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", errors="replace")
    if not isinstance(value, str):
        items = as_list(value)
        value = "\\".join(str(v) for v in items) if items else str(value)
    value = value.replace("\x00", "").strip()
    return value or None


def floats(value: Any, n: int) -> list[float | None]:
    """First ``n`` numbers of a multi-valued element, padded with None."""
    out = [to_float(v) for v in as_list(value)[:n]]
    return out + [None] * (n - len(out))


def parse_age(value: Any) -> float | None:
    """DICOM AS ("045Y", "006M", "010W", "003D") -> years as float; other forms -> None."""
    text = to_str(value)
    if not text:
        return None
    text = text.upper()
    units = {"Y": 1.0, "M": 1.0 / 12, "W": 7.0 / 365.25, "D": 1.0 / 365.25}
    try:
        if text[-1] in units:
            return float(text[:-1]) * units[text[-1]]
        return float(text)
    except ValueError:
        return None


def _json_value(value: Any) -> Any:
    if isinstance(value, int | float | str) or value is None:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, str):
            return value.replace("\x00", "").strip()[:1024]
        return value
    if isinstance(value, bytes):
        return None
    items = as_list(value)
    out = []
    for v in items[:64]:
        if v is None or isinstance(v, int | float):
            out.append(v if not isinstance(v, float) or math.isfinite(v) else None)
        else:
            out.append(str(v)[:256])
    return out


def _identifier_values(hv: HeaderValues) -> tuple[str, ...]:
    """This file's PatientID, AccessionNumber and PatientName parts (upper case, 4+ characters)."""
    found = []
    for keyword in ("PatientID", "AccessionNumber", "PatientName"):
        value = hv.value(keyword)
        text = "\\".join(map(str, value)) if isinstance(value, list) else str(value or "")
        parts = [text, *text.replace("^", " ").split()] if keyword == "PatientName" else [text]
        found.extend(p.strip().upper() for p in parts if len(p.strip()) >= 4)
    return tuple(dict.fromkeys(found))


def other_tags(hv: HeaderValues) -> str:
    """JSON object of every public top-level element that has no typed column and is not dropped."""
    out: dict[str, Any] = {}
    secrets = _identifier_values(hv)
    for keyword in hv.keywords():
        group = hv.tag(keyword) >> 16
        if group & 1 or group in (0x0002, 0x7FE0, 0xFFFE) or group >> 8 in (0x50, 0x60):
            continue
        if keyword in CODED_KEYWORDS:
            try:
                code = CODED_KEYWORDS[keyword](to_str(hv.value(keyword)) or "")
            except Exception:
                continue
            if code is not None:
                out[keyword] = code
            continue
        if keyword in TYPED_KEYWORDS or is_dropped(keyword, hv.vr(keyword)):
            continue
        try:
            value = _json_value(hv.value(keyword))
        except Exception:
            continue
        if value is None or value == "" or value == []:
            continue
        if secrets and any(secret in str(value).upper() for secret in secrets):
            continue  # a tag the keyword rules keep, carrying this file's identifiers anyway
        out[keyword] = value
    return json.dumps(out, sort_keys=True, ensure_ascii=False, default=str)


def transfer_syntax_of(ds: Any) -> str | None:
    """File meta TransferSyntaxUID, else the encoding pydicom detected for a raw dataset."""
    meta = getattr(ds, "file_meta", None)
    tsuid = to_str(raw_value(meta, "TransferSyntaxUID")) if meta is not None else None
    if tsuid:
        return tsuid
    implicit = getattr(ds, "is_implicit_VR", None)
    little = getattr(ds, "is_little_endian", None)
    if implicit is None or little is None:
        return None
    if implicit:
        return "1.2.840.10008.1.2"
    return "1.2.840.10008.1.2.1" if little else "1.2.840.10008.1.2.2"


def sop_uids(hv: HeaderValues) -> tuple[str | None, str | None]:
    """(SOPClassUID, SOPInstanceUID), falling back to the file meta's MediaStorage UIDs."""
    meta = getattr(hv.ds, "file_meta", None)
    cls = to_str(hv.value("SOPClassUID"))
    inst = to_str(hv.value("SOPInstanceUID"))
    if meta is not None:
        cls = cls or to_str(raw_value(meta, "MediaStorageSOPClassUID"))
        inst = inst or to_str(raw_value(meta, "MediaStorageSOPInstanceUID"))
    return cls, inst


def flatten(hv: HeaderValues, path: str, salt: bytes, run_id: str) -> dict[str, Any]:
    """One tags row (a dict with exactly the columns of :data:`TAGS_SCHEMA`)."""
    row: dict[str, Any] = {name: None for name in TAGS_SCHEMA.names}
    for col, kw in _STRING_KEYWORDS.items():
        row[col] = to_str(hv.value(kw))
    row["sop_class_uid"], row[UID] = sop_uids(hv)
    row["path"] = path
    row["patient_key"] = hash_key(to_str(hv.value("PatientID")), salt)
    row[ACCESSION_KEY] = hash_key(to_str(hv.value("AccessionNumber")), salt)
    for col, kw in _FLOAT_KEYWORDS.items():
        row[col] = to_float(header_lookup(hv, kw))
    for col, kw in _INT_KEYWORDS.items():
        row[col] = to_int(hv.value(kw))
    for i, v in enumerate(floats(header_lookup(hv, "ImageOrientationPatient"), 6)):
        row[f"image_orientation_patient_{i}"] = v
    for i, v in enumerate(floats(header_lookup(hv, "PixelSpacing"), 2)):
        row[f"pixel_spacing_{i}"] = v
    row["window_center"] = to_float(header_lookup(hv, "WindowCenter"))
    row["window_width"] = to_float(header_lookup(hv, "WindowWidth"))
    row["patient_age"] = parse_age(hv.value("PatientAge"))
    row["modality"] = code_value(row["modality"]) or None
    row["transfer_syntax_uid"] = transfer_syntax_of(hv.ds)
    row["other_tags"] = other_tags(hv)
    row["run_id"] = run_id
    return row
