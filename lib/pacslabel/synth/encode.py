"""Encode a dataset to file bytes in a chosen transfer syntax, and break files on purpose.

Big endian: pydicom 3 writes Explicit VR Big Endian when the file meta says so, encoding every
numeric tag big endian itself, but it does not swap the bytes of OW Pixel Data; we store the pixel
bytes already swapped (``arr.astype('>u2')``), which is what a reader expects.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import encoders
from pydicom.uid import (
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLSLossless,
    RLELossless,
)

TS_UIDS: dict[str, str] = {
    "explicit_le": ExplicitVRLittleEndian,
    "implicit_le": ImplicitVRLittleEndian,
    "explicit_be": ExplicitVRBigEndian,
    "rle": RLELossless,
    "j2k": JPEG2000Lossless,
    "jpegls": JPEGLSLossless,
}

BROKEN_KINDS = ("truncated", "empty", "not_dicom", "no_pixels", "absurd_size", "bad_values")
"""Kinds of deliberately broken files (truth column ``broken_kind``)."""

IMPLEMENTATION_UID = "1.2.826.0.1.3680043.10.1561.1"
RLE_PLUGINS = ("pylibjpeg", "pydicom")
"""RLE encoders tried in order; GDCM's aborts the process on some odd frame widths."""


@cache
def _plugin(key: str) -> str:
    """The encoding plugin for ``key`` ("" lets pydicom choose)."""

    if key != "rle":
        return ""
    available = encoders.RLELosslessEncoder.available_plugins
    return next(p for p in RLE_PLUGINS if p in available)


@cache
def encoder_available(key: str) -> bool:
    """Whether pydicom can encode this syntax here (compressed ones need their plugin)."""

    enc = {
        "rle": encoders.RLELosslessEncoder,
        "j2k": encoders.JPEG2000LosslessEncoder,
        "jpegls": encoders.JPEGLSLosslessEncoder,
    }.get(key)
    return True if enc is None else bool(enc.is_available)


def effective_ts(key: str) -> str:
    """The syntax actually used: an unavailable encoder falls back to explicit little endian."""
    return key if encoder_available(key) else "explicit_le"


J2K_MIN_SIDE = 32
"""OpenJPEG encodes with 6 resolution levels, which need at least 2^5 pixels along each side."""


def ts_for_image(key: str, rows: int, columns: int) -> str:
    """The syntax one image is written in: JPEG 2000 falls back to explicit little endian for an image
    smaller than :data:`J2K_MIN_SIDE` along a side (a small scaled-down matrix), which it cannot encode."""
    return "explicit_le" if key == "j2k" and min(rows, columns) < J2K_MIN_SIDE else key


def _file_meta(ds: Dataset, ts_uid: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ts_uid
    meta.ImplementationClassUID = IMPLEMENTATION_UID
    meta.ImplementationVersionName = "PACSLABEL_SYN"
    return meta


def encode(ds: Dataset, arr: np.ndarray, ts_key: str) -> bytes:
    """File bytes (preamble, file meta, dataset) of ``ds`` with pixel data ``arr`` in syntax ``ts_key``."""
    ts_uid = TS_UIDS[ts_key]
    ds.file_meta = _file_meta(ds, ts_uid)
    vr = "OB" if arr.dtype.itemsize == 1 else "OW"
    if ts_key in ("rle", "j2k", "jpegls"):
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        arr = np.ascontiguousarray(arr)
        ds.compress(ts_uid, arr, encoding_plugin=_plugin(ts_key), generate_instance_uid=False)
        ds.file_meta.ImplementationClassUID = IMPLEMENTATION_UID
    elif ts_key == "explicit_be":
        ds.add_new(0x7FE00010, vr, arr.astype(arr.dtype.newbyteorder(">")).tobytes())
    else:
        ds.add_new(0x7FE00010, vr, np.ascontiguousarray(arr).tobytes())
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _patch(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new)
    i = data.find(old)
    if i < 0:
        raise ValueError(f"placeholder {old!r} not found")
    return data[:i] + new + data[i + len(old) :]


PLACEHOLDER_IS = b"\x20\x00\x13\x00IS\x04\x009999"  # InstanceNumber, explicit VR LE
PLACEHOLDER_DS = b"\x18\x00\x50\x00DS\x04\x009.99"  # SliceThickness, explicit VR LE


def broken_bytes(kind: str, ds: Dataset, arr: np.ndarray, rng: np.random.Generator) -> bytes:
    """File bytes of a deliberately broken instance of ``ds`` (see BROKEN_KINDS)."""
    if kind == "empty":
        return b""
    if kind == "not_dicom":
        choice = int(rng.integers(3))
        if choice == 0:
            return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + rng.bytes(int(rng.integers(200, 2000)))
        if choice == 1:
            return (
                b"version https://git-lfs.github.com/spec/v1\noid sha256:"
                + rng.bytes(32).hex().encode()
                + b"\n"
            )
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.bytes(int(rng.integers(500, 5000)))
    if kind == "truncated":
        data = encode(ds, arr, "explicit_le")
        cut = int(len(data) * rng.uniform(0.05, 0.9))
        return data[: max(cut, 200)]
    if kind == "no_pixels":
        data = encode(ds, arr, "explicit_le")
        n = len(ds.PixelData)
        pos = len(data) - 12 - n
        assert data[pos : pos + 4] == b"\xe0\x7f\x10\x00"
        return data[:pos]
    if kind == "absurd_size":
        ds.Rows = 65535
        ds.Columns = 65535
        ds.NumberOfFrames = 50
        return encode(ds, arr, "explicit_le")
    if kind == "bad_values":
        ds.InstanceNumber = 9999
        ds.SliceThickness = "9.99"
        data = encode(ds, arr, "explicit_le")
        data = _patch(data, PLACEHOLDER_IS, b"\x20\x00\x13\x00IS\x04\x0014.5")
        return _patch(data, PLACEHOLDER_DS, b"\x18\x00\x50\x00DS\x04\x00abc ")
    raise ValueError(f"unknown broken kind {kind!r}")
