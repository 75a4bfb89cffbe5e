"""HeaderValues: raw-byte conversion of header elements agrees with pydicom's own conversion."""

from __future__ import annotations

import functools
import io
import os
import warnings
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.multival import MultiValue
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from pacslabel.ingest.values import HeaderValues

CORPUS_FILES = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "files"


def _plain(value):
    """pydicom's value in the plain form HeaderValues gives: lists, floats / ints, stripped text."""
    if isinstance(value, MultiValue | list):
        return [_plain(v) for v in value]
    if isinstance(value, float | int):
        return float(value) if isinstance(value, float) else int(value)
    if isinstance(value, str):
        return value.strip(" \x00")
    return value


def _roundtrip(ds: Dataset, syntax) -> Dataset:
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=syntax == ImplicitVRLittleEndian, little_endian=syntax != ExplicitVRBigEndian)
    return pydicom.dcmread(io.BytesIO(buf.getvalue()), force=True)


def _sample() -> Dataset:
    ds = Dataset()
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.Modality = "CT"
    ds.PixelSpacing = ["0.5", "0.25"]
    ds.SliceThickness = "2.5"
    ds.InstanceNumber = "7"
    ds.Rows, ds.Columns = 512, 256
    ds.WindowCenter = ["40", "400"]
    ds.ImageComments = "a\\b stays one value"
    ds.StudyDescription = "CT THORAX "
    ds.add_new(0x00181152, "IS", "12")
    ds.add_new(0x00280106, "US", 3)  # SmallestImagePixelValue
    ds.DiffusionGradientOrientation = [1.5, -2.0, 0.25]  # FD, multi-valued binary
    return ds


@pytest.mark.parametrize("syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian])
def test_values_by_hand(syntax):
    hv = HeaderValues(_roundtrip(_sample(), syntax))
    assert hv.value("ImageType") == ["ORIGINAL", "PRIMARY", "AXIAL"]
    assert hv.value("PixelSpacing") == [0.5, 0.25] and hv.value("SliceThickness") == 2.5
    assert hv.value("InstanceNumber") == 7 and hv.value("Exposure") == 12
    assert hv.value("Rows") == 512 and hv.value("Columns") == 256
    assert hv.value("SmallestImagePixelValue") == 3
    assert hv.value("DiffusionGradientOrientation") == [1.5, -2.0, 0.25]
    assert hv.value("ImageComments") == "a\\b stays one value"  # LT: one value, backslash kept
    assert hv.value("StudyDescription") == "CT THORAX"
    assert hv.value("PatientName") is None and "PatientName" not in hv
    assert hv.vr("Rows") == "US" and hv.keywords()[0] == "ImageType"


def test_bad_numbers_keep_their_text():
    ds = Dataset()
    ds.SliceThickness = "2.5"
    ds.InstanceNumber = "14"
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    data = buf.getvalue().replace(b"DS\x04\x002.5 ", b"DS\x04\x00abc ")
    data = data.replace(b"IS\x02\x0014", b"IS\x02\x009.")
    hv = HeaderValues(pydicom.dcmread(io.BytesIO(data), force=True))
    assert hv.value("SliceThickness") == "abc" and hv.value("InstanceNumber") == 9


def test_other_character_sets_go_through_pydicom():
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 144"  # Cyrillic
    ds.StudyDescription = "Грудная клетка"
    ds.SeriesDescription = "AX T1"  # ASCII bytes, but not under a default character set
    hv = HeaderValues(_roundtrip(ds, ExplicitVRLittleEndian))
    assert hv.plain_charset is False
    assert hv.value("StudyDescription") == "Грудная клетка" and hv.value("SeriesDescription") == "AX T1"
    utf8 = Dataset()
    utf8.SpecificCharacterSet = "ISO_IR 192"
    utf8.StudyDescription = "Thorax überall"
    hv = HeaderValues(_roundtrip(utf8, ExplicitVRLittleEndian))
    assert hv.plain_charset is True and hv.value("StudyDescription") == "Thorax überall"


def _files() -> list[str]:
    import pydicom.data

    roots = [os.path.dirname(pydicom.data.get_testdata_file("CT_small.dcm")), str(CORPUS_FILES)]
    found = (os.path.join(d, f) for r in roots if os.path.isdir(r) for d, _, fs in os.walk(r) for f in fs)
    return sorted(found)


def test_every_element_of_every_test_file_matches_pydicom():
    """For each parsable file, each top-level text / number element equals pydicom's converted value."""
    checked = 0
    for path in _files():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path, force=True, stop_before_pixels=True)
                hv = HeaderValues(ds)
                ours = {kw: hv.value(kw) for kw in hv.keywords() if hv.vr(kw) not in ("SQ", "OB", "OW", "UN")}
                ref = pydicom.dcmread(path, force=True, stop_before_pixels=True)
        except Exception:
            continue
        for keyword, value in ours.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    expected = _plain(ref[hv.tag(keyword)].value)
            except Exception:
                continue  # pydicom cannot convert it: HeaderValues falls back to the raw text
            if expected in ("", [], b"") and value is None:
                continue
            if isinstance(expected, list) and hv.vr(keyword) in ("DS", "IS"):
                expected = [None if v == "" else v for v in expected]
            assert value == expected or _plain(value) == expected, (path, keyword, value, expected)
            checked += 1
    assert checked > 5_000


def _decoded(decode, *args):
    """(array, photometric) of a decode, or the reject reason it raises."""
    from pacslabel.ingest.pixels import _classify_decode_error

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return decode(*args)
    except Exception as exc:
        return _classify_decode_error(exc)[0]


def test_native_pixels_from_header_values_equal_pydicoms_dataset_decode():
    """Every native file decodes to the same array (values, dtype, shape) or the same reject reason
    whether the decoder options come from HeaderValues or from pydicom's own reading of the dataset."""
    from pydicom.pixels import apply_color_lut, get_decoder

    from pacslabel.ingest.pixels import decode_frame, native_source

    compared = 0
    for path in _files():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path, force=True)
            tsuid = str(ds.file_meta.TransferSyntaxUID)
            decoder = get_decoder(tsuid)
        except Exception:
            continue
        if not decoder.is_native or "PixelData" not in ds:
            continue
        hv = HeaderValues(ds)
        ours = _decoded(decode_frame, ds, hv, 0, tsuid)
        theirs = _decoded(functools.partial(decoder.as_array, ds, index=0, raw=True))
        if isinstance(theirs, str):
            assert ours == theirs, path
            continue
        assert native_source(hv) is not None, path
        expected, photometric = theirs[0], theirs[1]["photometric_interpretation"]
        if photometric == "PALETTE COLOR":  # decode_frame expands the palette
            expected, photometric = apply_color_lut(expected, ds), "RGB"
        arr, meta = ours
        assert arr.dtype == expected.dtype and arr.shape == expected.shape, path
        assert (arr == expected).all() and meta["photometric_interpretation"] == photometric, path
        compared += 1
    assert compared > 100
