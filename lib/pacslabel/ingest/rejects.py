"""Reject reason codes: every input file that does not become an image gets one row with one of these.

Stages: ``list`` (file system), ``header`` (sniffing and header parse), ``select`` (policies decided from
the header alone), ``decode`` (pixel decoding in the isolated decoder process), ``export`` (window chain
and value / shape policies on the decoded frame), ``dedup`` (another file holds the same instance, see
:mod:`pacslabel.ingest.dedup`).
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "not_dicom": "not DICOM by content (empty, text, PDF ...): no DICM, no file meta, no raw dataset start",
    "unreadable": "could not be opened or parsed (I/O error, permission, parser error, nesting too deep)",
    "truncated": "the file ends early: empty dataset after the file meta, or fewer pixel bytes than declared",
    "missing_uid": "no SOPClassUID or SOPInstanceUID (neither in the dataset nor in the file meta)",
    "non_image_object": "not an image (SR, SEG, KO, PR, RT, encapsulated document, DICOMDIR ...)",
    "no_pixel_data": "an image-type object without Pixel Data",
    "invalid_pixel_module": "Pixel Data present but Rows, Columns or BitsAllocated missing or invalid",
    "modality_policy": "modality absent or not in the configured list (export.modalities)",
    "derived_object": "a secondary capture (screen save, scanned document, rendered or converted view) "
    "and export.derived is reject",
    "too_large": "file or claimed pixel size above the caps (decode.max_*_bytes), or out of memory",
    "undecodable_transfer_syntax": "no installed (permissive licence) decoder handles this transfer syntax",
    "decode_error": "a decoder raised on this file's pixel data",
    "decoder_crash": "the decoder process died (segfault, abort) while handling this file",
    "timeout": "the decoder process did not answer within decode.timeout_s; it was killed and restarted",
    "missing_window": "strict window mode and no valid window in the header",
    "value_policy": "windowed 8-bit image black, near-black, constant or with too few grey levels",
    "shape_policy": "min(rows, cols) / max(rows, cols) below export.min_aspect",
    "internal_error": "an unexpected exception in the ingest code (a bug: the message names it)",
    "duplicate_instance": "another file holds the same SOP Instance UID and is kept (an image before none, "
    "lossless before lossy, an earlier run, path order); the message names it",
}

STAGES = ("list", "header", "select", "decode", "export", "dedup")


def check_reason(reason: str) -> str:
    """Return ``reason`` if it is a documented code, else raise ``ValueError`` (a programming error)."""
    if reason not in REASONS:
        raise ValueError(f"undocumented reject reason {reason!r}; documented: {', '.join(REASONS)}")
    return reason
