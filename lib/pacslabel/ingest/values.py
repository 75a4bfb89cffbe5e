"""Top-level header elements by keyword, converted straight from their raw bytes on first use.

pydicom converts an element on first access (tag lookup, character set, value classes): tens of
microseconds each, and a tags row reads every public element of the header. :class:`HeaderValues`
decodes the common value representations itself: text that is plain ASCII (DS / IS as numbers, split on
backslashes where the VR is multi-valued) and fixed-size binary numbers. Anything else (text in a
character set other than the defaults, escape sequences, AT, ambiguous VRs, elements pydicom has already
converted) takes pydicom's own conversion, so values match what ``ds[keyword].value`` gives.
"""

from __future__ import annotations

import contextlib
import math
import struct
from typing import Any

from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataelem import RawDataElement

# text VRs that no character set applies to (always ASCII)
_ASCII_VRS = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI", "UR"})
# text VRs decoded with the dataset's character set, multi-valued
_CHARSET_VRS = frozenset({"LO", "SH", "PN", "UC"})
# single-valued text (a backslash is part of the value)
_SINGLE_TEXT_VRS = frozenset({"LT", "ST", "UT"})
_BINARY_FORMATS = {"US": "H", "SS": "h", "UL": "I", "SL": "i", "FL": "f", "FD": "d", "UV": "Q", "SV": "q"}
# character sets whose ASCII bytes mean ASCII text (non-ASCII bytes still go to pydicom)
_PLAIN_CHARSETS = frozenset({"", "ISO_IR 6", "ISO_IR 100", "ISO_IR 192", "ISO 2022 IR 6", "ISO 2022 IR 100"})
_SPECIFIC_CHARACTER_SET = 0x00080005
_PYDICOM = object()  # "convert with pydicom"
_DICTIONARY: dict[int, tuple[str, str]] = {}  # tags of the public dictionary only: bounded


def tag_info(tag: int) -> tuple[str, str]:
    """(keyword, dictionary VR) of a tag; private and unknown tags get ``GGGGEEEE`` and ``UN``."""
    info = _DICTIONARY.get(tag)
    if info is not None:
        return info
    keyword, vr = "", "UN"
    if not tag >> 16 & 1:  # private tags: their dictionaries depend on the creator, so pydicom decides
        keyword = keyword_for_tag(tag)
        with contextlib.suppress(KeyError):
            vr = dictionary_VR(tag)
    if not keyword:
        return f"{tag >> 16:04X}{tag & 0xFFFF:04X}", vr
    info = _DICTIONARY[tag] = (keyword, vr)
    return info


def _number(text: str, kind: type) -> Any:
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        if kind is int:
            try:  # IS written as "14.0" (or "14.5": kept as the float)
                f = float(text)
            except ValueError:
                return text
            return int(f) if math.isfinite(f) and f.is_integer() else f
        return text


def _text(data: bytes, vr: str, plain_charset: bool) -> Any:
    if not data.isascii() or (vr not in _ASCII_VRS and not plain_charset) or b"\x1b" in data:
        return _PYDICOM
    text = data.decode("ascii")
    if vr in _SINGLE_TEXT_VRS:
        return text.strip(" \x00")
    items = [item.strip(" \x00") for item in text.split("\\")]
    if vr == "DS":
        items = [_number(item, float) for item in items]
    elif vr == "IS":
        items = [_number(item, int) for item in items]
    return items[0] if len(items) == 1 else items


def convert_raw(raw: RawDataElement, vr: str, plain_charset: bool) -> Any:
    """The value of a raw element, or ``_PYDICOM`` where pydicom must convert it."""
    data = raw.value
    if data is None or len(data) == 0:
        return None
    if vr in _ASCII_VRS or vr in _CHARSET_VRS or vr in _SINGLE_TEXT_VRS:
        return _text(data, vr, plain_charset)
    code = _BINARY_FORMATS.get(vr)
    if code is None:
        return _PYDICOM
    size = struct.calcsize(code)
    if len(data) % size:
        return _PYDICOM
    values = struct.unpack(f"{'<' if raw.is_little_endian else '>'}{len(data) // size}{code}", data)
    return values[0] if len(values) == 1 else list(values)


class HeaderValues:
    """Top-level elements of a parsed dataset: keyword -> VR and value (converted once, on first use)."""

    def __init__(self, ds: Any):
        self.ds = ds
        self._elements: dict[str, tuple[int, str, Any]] = {}  # keyword -> (tag, VR, element as read)
        self._values: dict[str, Any] = {}
        try:
            items = list(ds.items())  # elements as read: not converted by pydicom
        except Exception:
            items = []
        for tag, elem in items:
            tag = int(tag)
            keyword, vr = tag_info(tag)
            if not tag >> 16 & 1:  # public: the VR as written, where there is one (not UN)
                written = getattr(elem, "VR", None)
                vr = str(written) if written and written != "UN" else vr
            self._elements[keyword] = (tag, vr, elem)
        charset = self.value("SpecificCharacterSet")
        self.plain_charset = charset is None or (isinstance(charset, str) and charset in _PLAIN_CHARSETS)

    def __contains__(self, keyword: str) -> bool:
        return keyword in self._elements

    def keywords(self) -> list[str]:
        """Keywords in dataset (tag) order."""
        return list(self._elements)

    def tag(self, keyword: str) -> int:
        return self._elements[keyword][0]

    def vr(self, keyword: str) -> str:
        return self._elements[keyword][1]

    def value(self, keyword: str) -> Any:
        """The element's value, or None when absent; a value pydicom cannot convert gives its raw text."""
        if keyword in self._values:
            return self._values[keyword]
        found = self._elements.get(keyword)
        if found is None:
            return None
        tag, vr, raw = found
        value = _PYDICOM
        if isinstance(raw, RawDataElement):
            plain = True if tag == _SPECIFIC_CHARACTER_SET else self.plain_charset
            value = convert_raw(raw, vr, plain)
        if value is _PYDICOM:
            value = self._pydicom_value(tag)
        self._values[keyword] = value
        return value

    def _pydicom_value(self, tag: int) -> Any:
        try:
            return self.ds[tag].value
        except Exception:
            try:
                raw = self.ds.get_item(tag)
                return None if raw is None or raw.value is None else bytes(raw.value).decode("latin-1")
            except Exception:
                return None
