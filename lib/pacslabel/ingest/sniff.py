"""Recognise DICOM by content, never by file name: DICM at 128, a bare file meta group or a raw dataset."""

from __future__ import annotations

import struct

PART10 = "part10"
META_NO_PREAMBLE = "meta_no_preamble"
RAW_DATASET = "raw_dataset"
NOT_DICOM = "not_dicom"

_VRS = {
    b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FL", b"FD", b"IS", b"LO", b"LT", b"OB", b"OD",
    b"OF", b"OL", b"OV", b"OW", b"PN", b"SH", b"SL", b"SQ", b"SS", b"ST", b"SV", b"TM", b"UC", b"UI",
    b"UL", b"UN", b"UR", b"US", b"UT", b"UV",
}  # fmt: skip

# group numbers that a raw (no file meta) dataset can plausibly start with
_FIRST_GROUPS = {0x0002, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028}


def _plausible_element(head: bytes, endian: str) -> bool:
    if len(head) < 8:
        return False
    group, _elem = struct.unpack(endian + "HH", head[:4])
    if group not in _FIRST_GROUPS:
        return False
    if head[4:6] in _VRS:  # explicit VR
        return True
    (length,) = struct.unpack(endian + "I", head[4:8])  # implicit VR: a sane 32-bit length
    return length < 1 << 16 and length % 2 == 0


def sniff(head: bytes) -> str:
    """Classify the first bytes of a file (at least 132 are needed for the part-10 test).

    Returns one of ``part10`` (preamble and ``DICM``), ``meta_no_preamble`` (starts with the file meta
    group), ``raw_dataset`` (starts with a plausible little- or big-endian element) or ``not_dicom``.
    """
    if len(head) >= 132 and head[128:132] == b"DICM":
        return PART10
    if len(head) >= 8 and head[:2] == b"\x02\x00" and head[4:6] in _VRS:
        return META_NO_PREAMBLE
    if _plausible_element(head, "<") or _plausible_element(head, ">"):
        return RAW_DATASET
    return NOT_DICOM
