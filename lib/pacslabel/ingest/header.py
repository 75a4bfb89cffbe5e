"""Header pass for one file: sniff, parse, validate, flatten, decide image candidacy.

A file that the header read holds whole is parsed once, pixel data included (a parse that fails or
warns there is retried without the pixels, so the header decides the reject reason); a larger file is
parsed up to its pixel data. A file parsed whole with native (uncompressed) pixel data is exported by
its worker without the decoder process (``decode.native_in_process``).

``inspect_file`` never raises for a bad file; it returns a :class:`HeaderResult` whose ``reject`` is a
``(stage, reason, message)`` triple when the file cannot become an image for a reason visible in the
header, and whose ``tags`` row is set for every accepted instance (a parsed dataset with SOP Class
and SOP Instance UIDs), whatever happens to its pixels later.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from typing import Any

import pydicom
from pydicom.pixels import get_decoder

from pacslabel.ingest import sniff as sniffing
from pacslabel.ingest.pixels import PIXEL_KEYWORDS, read_head
from pacslabel.ingest.redact import rule_for
from pacslabel.ingest.tag_row import flatten, sop_uids, to_int, to_str, transfer_syntax_of
from pacslabel.ingest.values import HeaderValues
from pacslabel.runroot import UID

DICOMDIR_CLASS = "1.2.840.10008.1.3.10"
DEFLATED = "1.2.840.10008.1.2.1.99"
# uncompressed pixel data (implicit / explicit little endian, explicit big endian): numpy decodes it
NATIVE_SYNTAXES = frozenset({"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"})
# SOP class UID prefixes of objects that are not images (even when they carry pixel-like data)
NON_IMAGE_CLASS_PREFIXES = (
    "1.2.840.10008.5.1.4.1.1.88.",  # structured reports
    "1.2.840.10008.5.1.4.1.1.66",  # raw data, spatial registration, fiducials, segmentation, label maps
    "1.2.840.10008.5.1.4.1.1.104.",  # encapsulated PDF / CDA / STL / OBJ / MTL
    "1.2.840.10008.5.1.4.1.1.11.",  # presentation states
    "1.2.840.10008.5.1.4.1.1.481.",  # radiotherapy objects
    "1.2.840.10008.5.1.4.1.1.9.",  # waveforms
    "1.2.840.10008.5.1.4.1.1.91.",  # microscopy bulk annotations
    "1.2.840.10008.5.1.4.1.1.67",  # real-world value mapping
    "1.2.840.10008.5.1.4.1.1.68.",  # surface segmentation / surface scans
    DICOMDIR_CLASS,
)
NON_IMAGE_MODALITIES = frozenset(
    {
        "SR",
        "SEG",
        "KO",
        "PR",
        "REG",
        "FID",
        "RTSTRUCT",
        "RTPLAN",
        "RTRECORD",
        "RTDOSE",
        "RTINTENT",
        "RTRAD",
        "RTSEGANN",
        "DOC",
        "ANN",
        "PLAN",
        "RWV",
        "ECG",
        "EPS",
        "HD",
        "AU",
        "RESP",
        "ASMT",
        "CTPROTOCOL",
        "M3D",
        "POS",
        "SMR",
        "AR",
        "KER",
        "LEN",
        "SRF",
        "VA",
        "IOL",
        "BDUS",
    }
)
"""Modalities of objects without an image of their own: reports, annotations, radiotherapy plans and
doses, waveforms, measurements, protocols, 3D models."""
SECONDARY_CAPTURE_CLASSES = frozenset(
    {
        "1.2.840.10008.5.1.4.1.1.7",  # secondary capture
        "1.2.840.10008.5.1.4.1.1.7.1",  # multi-frame single bit
        "1.2.840.10008.5.1.4.1.1.7.2",  # multi-frame grayscale byte
        "1.2.840.10008.5.1.4.1.1.7.3",  # multi-frame grayscale word
        "1.2.840.10008.5.1.4.1.1.7.4",  # multi-frame true colour
    }
)
"""Derived objects (``export.derived``): screen saves, scanned documents and films, rendered views and
images converted from other formats; their Modality is OT, absent, or the source's."""
_PIXEL_TAGS_LE = (b"\xe0\x7f\x10\x00", b"\xe0\x7f\x08\x00", b"\xe0\x7f\x09\x00")
_PIXEL_TAGS_BE = (b"\x7f\xe0\x00\x10", b"\x7f\xe0\x00\x08", b"\x7f\xe0\x00\x09")
_BYTES_PER_SAMPLE = {1: 1, 8: 1, 16: 2, 32: 4, 64: 8}


@dataclass
class HeaderResult:
    tags: dict[str, Any] | None = None
    reject: tuple[str, str, str] | None = None
    transfer_syntax_uid: str | None = None
    sop_instance_uid: str | None = None
    dataset: Any = None  # the full parse (pixels included) of a native-syntax file read whole, else None
    values: HeaderValues | None = None  # the header values of ``dataset``
    redact_rule: str | None = None  # the ``redact.when`` rule that selects the image for redaction


def _reject(stage: str, reason: str, message: str, tags=None, tsuid=None) -> HeaderResult:
    return HeaderResult(
        tags=tags,
        reject=(stage, reason, message[:500]),
        transfer_syntax_uid=tsuid,
        sop_instance_uid=(tags or {}).get(UID),
    )


def pixel_bytes_claimed(hv: HeaderValues) -> tuple[int, int]:
    """(bytes per frame, total bytes) the header claims for decoded pixels."""
    rows = to_int(hv.value("Rows")) or 0
    cols = to_int(hv.value("Columns")) or 0
    samples = to_int(hv.value("SamplesPerPixel")) or 1
    bits = to_int(hv.value("BitsAllocated")) or 16
    frames = max(1, to_int(hv.value("NumberOfFrames")) or 1)
    per_frame = rows * cols * samples * max(1, _BYTES_PER_SAMPLE.get(bits, (bits + 7) // 8))
    return per_frame, per_frame * frames


def inspect_file(
    path: str, size: int, salt: bytes, run_id: str, cfg: Any, head: bytes | None = None, read=read_head
) -> HeaderResult:
    """Header pass for one file (see module doc). ``cfg`` is an :class:`IngestConfig`; ``head`` is the
    file's first ``decode.header_read_bytes`` when they were already read (read-ahead), else they are
    read with ``read(path, limit)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _inspect(path, size, salt, run_id, cfg, head, read)


def _inspect(
    path: str, size: int, salt: bytes, run_id: str, cfg: Any, head: bytes | None, read
) -> HeaderResult:
    dec = cfg.decode
    if size < 0:
        return _reject("list", "unreadable", "could not stat the file while listing")
    if size == 0:
        return _reject("header", "not_dicom", "empty file")
    if size > dec.max_file_bytes:
        return _reject("header", "too_large", f"file of {size} bytes > decode.max_file_bytes")
    try:
        head = read(path, dec.header_read_bytes) if head is None else head
    except OSError as exc:
        return _reject("header", "unreadable", f"{type(exc).__name__}: {exc}")
    kind = sniffing.sniff(head[:512])
    if kind == sniffing.NOT_DICOM:
        return _reject(
            "header", "not_dicom", "no DICM marker, no file meta group and no plausible raw dataset start"
        )
    full = _parse_whole(head) if len(head) >= size else None
    if full is not None:
        ds, n_elements = full, len(full)
        has_pixels = any(kw in ds for kw in PIXEL_KEYWORDS)
    else:
        try:
            ds, n_elements, has_pixels = _parse_header(head)
        except RecursionError:
            return _reject("header", "unreadable", "sequence nesting too deep (RecursionError)")
        except Exception as exc:
            return _reject("header", "unreadable", f"{type(exc).__name__}: {exc}")
    tsuid = transfer_syntax_of(ds)
    try:
        hv = HeaderValues(ds)
    except Exception as exc:
        return _reject("header", "unreadable", f"{type(exc).__name__}: {exc}", tsuid=tsuid)
    sop_class, sop_instance = sop_uids(hv)
    if sop_class == DICOMDIR_CLASS:
        return _reject("header", "non_image_object", "DICOMDIR (media directory)", tsuid=tsuid)
    if n_elements == 0:
        if kind == sniffing.PART10 and getattr(ds, "file_meta", None):
            return _reject(
                "header",
                "truncated",
                "file meta only: the dataset ends before its first element",
                tsuid=tsuid,
            )
        return _reject("header", "not_dicom", "no DICOM elements could be parsed", tsuid=tsuid)
    if not sop_class or not sop_instance:
        missing = "SOPClassUID" if not sop_class else "SOPInstanceUID"
        reason = "missing_uid" if kind != sniffing.RAW_DATASET or n_elements > 3 else "not_dicom"
        return _reject("header", reason, f"{missing} missing", tsuid=tsuid)
    try:
        tags = flatten(hv, path, salt, run_id)
    except RecursionError:
        return _reject("header", "unreadable", "sequence nesting too deep (RecursionError)", tsuid=tsuid)
    except Exception as exc:  # flatten is defensive per element; anything left is a bug
        return _reject(
            "header", "internal_error", f"tag flattening: {type(exc).__name__}: {exc}", tsuid=tsuid
        )
    modality = tags.get("modality")
    if sop_class.startswith(NON_IMAGE_CLASS_PREFIXES) or (modality or "") in NON_IMAGE_MODALITIES:
        return _reject(
            "select", "non_image_object", f"SOP class {sop_class}, modality {modality}", tags, tsuid
        )
    if not has_pixels:
        return _reject("select", "no_pixel_data", f"no Pixel Data (SOP class {sop_class})", tags, tsuid)
    allowed = cfg.export.modalities
    if allowed and (modality or "") not in allowed:
        return _reject(
            "select", "modality_policy", f"modality {modality or '(absent)'} not in {allowed}", tags, tsuid
        )
    if cfg.export.derived == "reject" and sop_class in SECONDARY_CAPTURE_CLASSES:
        return _reject(
            "select",
            "derived_object",
            f"secondary capture (SOP class {sop_class}, modality {modality or '(absent)'}); export.derived",
            tags,
            tsuid,
        )
    rows = to_int(hv.value("Rows"))
    cols = to_int(hv.value("Columns"))
    bits = to_int(hv.value("BitsAllocated"))
    if not rows or not cols or rows < 1 or cols < 1 or not bits:
        return _reject(
            "select", "invalid_pixel_module", f"Rows={rows} Columns={cols} BitsAllocated={bits}", tags, tsuid
        )
    per_frame, total = pixel_bytes_claimed(hv)
    if per_frame > dec.max_frame_bytes or total > dec.max_total_pixel_bytes:
        return _reject(
            "select", "too_large", f"header claims {per_frame} bytes per frame, {total} in total", tags, tsuid
        )
    if tsuid and not decoder_available(tsuid):
        return _reject(
            "select", "undecodable_transfer_syntax", f"no installed decoder for {tsuid}", tags, tsuid
        )
    native = dec.native_in_process and not dec.fault_hook and tsuid in NATIVE_SYNTAXES
    # pure Python / numpy from here on: the worker exports it without the decoder process
    dataset = full if native else None
    redact_rule = rule_for(
        cfg.redact.when,
        to_str(hv.value("BurnedInAnnotation")),
        modality,
        sop_class,
        (to_str(hv.value("ImageType")) or "").split("\\"),
        SECONDARY_CAPTURE_CLASSES,
    )
    return HeaderResult(
        tags=tags,
        transfer_syntax_uid=tsuid,
        sop_instance_uid=sop_instance,
        dataset=dataset,
        values=hv if dataset is not None else None,
        redact_rule=redact_rule,
    )


def _parse_whole(data: bytes) -> Any:
    """The full parse of a file held whole, or None when it fails or warns (a parse that met the end of
    the data early can return fewer elements than the header parse: that one then says why)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return pydicom.dcmread(io.BytesIO(data), force=True)
    except Exception:  # RecursionError and warnings included
        return None


def _parse_header(head: bytes) -> tuple[Any, int, bool]:
    """(dataset without pixels, element count, whether Pixel Data follows) of a file's first bytes."""
    buf = io.BytesIO(head)
    ds = pydicom.dcmread(buf, force=True, stop_before_pixels=True)
    n_elements = len(ds)
    pos = buf.tell()
    nxt = head[pos : pos + 4]
    has_pixels = pos < len(head) and (nxt in _PIXEL_TAGS_LE or nxt in _PIXEL_TAGS_BE)
    if transfer_syntax_of(ds) == DEFLATED and n_elements:
        # the stream position is inside the inflated data: look for pixels with a full parse instead
        try:
            full = pydicom.dcmread(io.BytesIO(head), force=True)
            has_pixels = any(kw in full for kw in PIXEL_KEYWORDS)
        except Exception:
            has_pixels = False
    return ds, n_elements, has_pixels


_DECODER_CACHE: dict[str, bool] = {}


def decoder_available(tsuid: str) -> bool:
    """True when pydicom has at least one installed decoding plugin for ``tsuid``."""
    if tsuid not in _DECODER_CACHE:
        try:
            _DECODER_CACHE[tsuid] = bool(get_decoder(tsuid).is_available)
        except Exception:
            _DECODER_CACHE[tsuid] = False
    return _DECODER_CACHE[tsuid]


def file_identity(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def modality_of(tags: dict[str, Any] | None) -> str | None:
    return to_str((tags or {}).get("modality"))
