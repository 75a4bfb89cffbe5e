"""Decode one file's pixels and export its first meaningful frame (in the decoder process, or in the
worker for native pixel data already parsed by the header pass).

``process_file(path, cfg) -> dict``: ``{"ok": True, "pixels": uint8 [S, S], ...info}`` or
``{"ok": False, "reason": code, "message": text, "stage": "decode" | "export"}``. Exceptions that mean
"this file" become reasons here (:func:`guarded`); only a dead or hung process is handled by the caller.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.pixels import apply_color_lut, get_decoder

from pacslabel.ingest.export import PolicyReject, export_image
from pacslabel.ingest.tag_row import (
    fg_value,
    header_lookup,
    is_enhanced,
    raw_value,
    to_float,
    to_int,
    to_str,
    transfer_syntax_of,
)
from pacslabel.ingest.values import HeaderValues

log = logging.getLogger(__name__)

PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
# pydicom decoder option -> Image Pixel module keyword (``pydicom.pixels.utils.as_pixel_options``)
_PIXEL_OPTIONS = {
    "samples_per_pixel": "SamplesPerPixel",
    "photometric_interpretation": "PhotometricInterpretation",
    "planar_configuration": "PlanarConfiguration",
    "number_of_frames": "NumberOfFrames",
    "rows": "Rows",
    "columns": "Columns",
    "bits_allocated": "BitsAllocated",
    "bits_stored": "BitsStored",
    "pixel_representation": "PixelRepresentation",
}


def frame_meta(hv: HeaderValues, index: int, n_frames: int) -> dict[str, Any]:
    """The window / rescale / photometric facts export_image needs for frame ``index``."""
    enhanced = is_enhanced(hv)
    return {
        "photometric_interpretation": to_str(hv.value("PhotometricInterpretation")),
        "presentation_lut_shape": to_str(hv.value("PresentationLUTShape")),
        "rescale_slope": to_float(header_lookup(hv, "RescaleSlope", index)),
        "rescale_intercept": to_float(header_lookup(hv, "RescaleIntercept", index)),
        "window_center": hv.value("WindowCenter"),
        "window_width": hv.value("WindowWidth"),
        "modality": to_str(hv.value("Modality")),
        "n_frames": n_frames,
        "frame_window_center": fg_value(hv.ds, "WindowCenter", index) if enhanced else None,
        "frame_window_width": fg_value(hv.ds, "WindowWidth", index) if enhanced else None,
    }


def _classify_decode_error(exc: BaseException) -> tuple[str, str]:
    text = f"{type(exc).__name__}: {exc}"
    low = text.lower()
    if isinstance(exc, MemoryError):
        return "too_large", text
    if "raised by all available plugins" in low:
        # installed decoders tried and failed: unsupported only when every one refused by capability
        failures = [line for line in low.splitlines()[1:] if line.strip()]
        refusals = ("does not support", "unable to decode", "not supported")
        if failures and all(any(r in line for r in refusals) for line in failures):
            return "undecodable_transfer_syntax", text
        return "decode_error", text
    if isinstance(exc, NotImplementedError) or "unable to decode" in low or "no pixel data decoders" in low:
        return "undecodable_transfer_syntax", text
    if "plugin" in low and ("missing" in low or "not installed" in low or "unavailable" in low):
        return "undecodable_transfer_syntax", text
    if isinstance(exc, ValueError) and ("expected" in low or "insufficient" in low or "less than" in low):
        return "truncated", text
    return "decode_error", text


def _ensure_transfer_syntax(ds: Any) -> str | None:
    tsuid = transfer_syntax_of(ds)
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        ds.file_meta = meta = FileMetaDataset()
    if tsuid and not to_str(raw_value(meta, "TransferSyntaxUID")):
        meta.TransferSyntaxUID = tsuid
    return tsuid


def native_source(hv: HeaderValues) -> tuple[bytes, dict[str, Any]] | None:
    """(pixel bytes, decoder options) of native pixel data from the header values, as pydicom's
    ``as_pixel_options`` would read them; None when a value is not plain (the dataset path decides)."""
    keywords = [kw for kw in PIXEL_KEYWORDS if kw in hv]
    if len(keywords) != 1:
        return None
    data = hv.value(keywords[0])
    if not isinstance(data, bytes):
        return None
    opts: dict[str, Any] = {"pixel_keyword": keywords[0], "pixel_vr": hv.vr(keywords[0])}
    for option, keyword in _PIXEL_OPTIONS.items():
        if keyword in hv:
            value = hv.value(keyword)
            if not isinstance(value, str if option == "photometric_interpretation" else int):
                return None
            opts[option] = value
    opts["number_of_frames"] = opts.get("number_of_frames") or 1
    return data, opts


def decode_frame(ds: Any, hv: HeaderValues, index: int, tsuid: str) -> tuple[np.ndarray, dict[str, Any]]:
    """Decode frame ``index`` without colour conversion; PALETTE COLOR is expanded to RGB. Native pixel
    data is decoded from its bytes with options from ``hv`` (pydicom would convert them again)."""
    decoder = get_decoder(tsuid)
    source = native_source(hv) if decoder.is_native else None
    if source is not None:
        arr, dmeta = decoder.as_array(source[0], index=index, raw=True, **source[1])
    else:
        arr, dmeta = decoder.as_array(ds, index=index, raw=True)
    photometric = str(dmeta.get("photometric_interpretation") or "")
    if photometric.upper() == "PALETTE COLOR":
        arr = apply_color_lut(arr, ds)
        photometric = "RGB"
    return arr, {"photometric_interpretation": photometric}


def process_dataset(ds: Any, cfg: Any, hv: HeaderValues | None = None) -> dict[str, Any]:
    """Export the first frame (of up to ``cfg.max_frames_tried``) that passes the policies; ``hv``:
    the header pass's values of ``ds``, when it has them."""
    tsuid = _ensure_transfer_syntax(ds)
    hv = hv if hv is not None else HeaderValues(ds)
    if not any(kw in ds for kw in PIXEL_KEYWORDS):
        return {
            "ok": False,
            "reason": "truncated",
            "stage": "decode",
            "message": "Pixel Data announced by the header is missing from the full read",
        }
    n_frames = max(1, to_int(hv.value("NumberOfFrames")) or 1)
    last: PolicyReject | None = None
    for index in range(min(n_frames, cfg.max_frames_tried)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr, dmeta = decode_frame(ds, hv, index, tsuid or "")
        except Exception as exc:  # decoder errors are per-file outcomes
            reason, message = _classify_decode_error(exc)
            return {"ok": False, "reason": reason, "message": message[:500], "stage": "decode"}
        meta = frame_meta(hv, index, n_frames)
        if dmeta.get("photometric_interpretation"):
            meta["photometric_interpretation"] = dmeta["photometric_interpretation"]
        if arr.ndim == 3 and arr.shape[-1] not in (1, 3, 4):
            arr = arr[0]  # a decoder that returned all frames
        try:
            pixels, info = export_image(arr, meta, cfg)
        except PolicyReject as rej:
            last = rej
            if rej.reason in ("shape_policy", "missing_window"):
                break
            continue
        return {"ok": True, "pixels": pixels, "frame_index": index, "n_frames": n_frames, **info}
    assert last is not None
    return {"ok": False, "reason": last.reason, "message": str(last)[:500], "stage": "export"}


def read_head(path: str, limit: int | None = None) -> bytes:
    """At most ``limit`` bytes (None: all) from the start of ``path``; a BytesIO parse of them can never
    over-allocate. The read asks for no more than the file's size: a buffer of ``limit`` bytes would
    be fresh memory (page faults) for every file."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size <= 0:  # unknown size (a pipe, a special file): read up to the limit
            return f.read(-1 if limit is None else limit)
        return f.read(size if limit is None else min(limit, size))


def process_file(path: str, cfg: Any, max_file_bytes: int | None = None, read=read_head) -> dict[str, Any]:
    """Read ``path`` fully with ``read(path, limit)`` (into memory, so lying lengths cannot over-allocate),
    decode and export."""
    try:
        data = read(path, max_file_bytes + 1 if max_file_bytes else None)
    except OSError as exc:
        return {"ok": False, "reason": "unreadable", "message": str(exc)[:500], "stage": "decode"}
    if max_file_bytes and len(data) > max_file_bytes:
        return {
            "ok": False,
            "reason": "too_large",
            "message": f"file larger than {max_file_bytes} bytes",
            "stage": "decode",
        }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(io.BytesIO(data), force=True)
    except RecursionError:
        return {
            "ok": False,
            "reason": "unreadable",
            "message": "sequence nesting too deep",
            "stage": "decode",
        }
    except Exception as exc:
        reason, message = _classify_decode_error(exc)
        if reason == "decode_error":
            reason = "unreadable"
        return {"ok": False, "reason": reason, "message": message[:500], "stage": "decode"}
    return process_dataset(ds, cfg)


def guarded(fn, *args) -> dict[str, Any]:
    """``fn(*args)``, with a memory error as ``too_large`` and any other exception as ``internal_error``."""
    try:
        return fn(*args)
    except MemoryError as exc:
        return {"ok": False, "reason": "too_large", "stage": "decode", "message": f"MemoryError: {exc}"}
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:500]
        return {"ok": False, "reason": "internal_error", "stage": "decode", "message": message}
