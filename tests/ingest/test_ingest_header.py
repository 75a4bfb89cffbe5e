"""Header pass, tags flattening, de-identification, sniffing and decode isolation (no Ray)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import pytest
from ingest_fixtures import SECRETS, deep_sequence_file, make_dataset, write_dicom

from pacslabel.config import ConfigError
from pacslabel.ingest import ExportConfig, IngestConfig
from pacslabel.ingest.decode import DecoderProcess
from pacslabel.ingest.header import inspect_file
from pacslabel.ingest.sniff import sniff
from pacslabel.ingest.tag_row import TAGS_SCHEMA, parse_age
from pacslabel.privacy import hash_key

SALT = b"test-salt"


def inspect(path, **kw):
    cfg = IngestConfig(input="x", run_root="y", **kw)
    return inspect_file(str(path), os.path.getsize(path), SALT, "run-1", cfg)


def test_tags_row_typed_split_and_deidentified(tmp_path):
    p = write_dicom(tmp_path / "noext", "11")
    res = inspect(p)
    assert res.reject is None
    row = res.tags
    assert set(row) == set(TAGS_SCHEMA.names)
    assert row["pixel_spacing_0"] == 0.7 and row["pixel_spacing_1"] == 0.8
    assert [row[f"image_orientation_patient_{i}"] for i in range(6)] == [1, 0, 0, 0, 1, 0]
    assert row["slice_thickness"] == 2.5 and row["patient_age"] == 45.0
    assert row["rescale_intercept"] == -1024 and row["window_center"] == 40 and row["window_width"] == 400
    assert row["rows"] == 32 and row["bits_stored"] == 12 and row["modality"] == "CT"
    assert row["patient_key"] == hash_key(SECRETS["PatientID"], SALT)
    assert row["accession_key"] == hash_key(SECRETS["AccessionNumber"], SALT)
    text = json.dumps(row)
    for secret in SECRETS.values():
        assert secret not in text
    other = json.loads(row["other_tags"])
    assert other["BitsAllocated"] == 16 and "PatientName" not in other and "StudyID" not in other


@pytest.mark.parametrize(
    ("agent", "code"),
    [("Omnipaque 350", "GIVEN"), ("Gadovist 1.0", "GIVEN"), ("NON-IONIC CONTRAST", "GIVEN"),
     ("NONE", "NONE"), ("no contrast", "NONE"), ("ohne KM", "NONE"), ("sans contraste", "NONE"),
     ("nativ", "NONE"), ("-", "NONE"), ("0", "NONE"), ("", None)],
)  # fmt: skip
def test_contrast_agent_is_kept_only_as_a_code(tmp_path, agent, code):
    ds = make_dataset("13")
    ds.ContrastBolusAgent = agent
    ds.save_as(str(tmp_path / "a.dcm"), enforce_file_format=True)
    row = inspect(tmp_path / "a.dcm").tags
    other = json.loads(row["other_tags"])
    assert other.get("ContrastBolusAgent") == code
    if agent.upper() not in ("", "-", "0", code):  # the typed text never leaves the worker
        assert agent.lower() not in json.dumps(row).lower()


def test_bad_values_do_not_raise(tmp_path):
    ds = make_dataset("12")
    ds.InstanceNumber = "1"
    ds.save_as(str(tmp_path / "a.dcm"), enforce_file_format=True)
    raw = (tmp_path / "a.dcm").read_bytes()
    raw = raw.replace(b"\x20\x00\x13\x00IS\x02\x001 ", b"\x20\x00\x13\x00IS\x02\x00x ")
    raw = raw.replace(b"\x18\x00\x50\x00DS\x04\x002.5 ", b"\x18\x00\x50\x00DS\x04\x00abc ")
    (tmp_path / "a.dcm").write_bytes(raw)
    res = inspect(tmp_path / "a.dcm")
    assert res.reject is None and res.tags["slice_thickness"] is None


def test_parse_age():
    assert parse_age("045Y") == 45.0 and parse_age("006M") == 0.5 and parse_age("") is None
    assert parse_age("abc") is None


def test_sniff_and_junk(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "lfs.dcm").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 400)
    for name in ("empty", "lfs.dcm", "doc.pdf"):
        res = inspect(tmp_path / name)
        assert res.reject[1] == "not_dicom" and res.tags is None, name
    assert sniff(b"\x00" * 128 + b"DICM") == "part10"
    assert sniff(b"\x08\x00\x05\x00CS\x0a\x00") == "raw_dataset"


def test_raw_dataset_big_endian_and_deflate(tmp_path):
    from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian

    ds = make_dataset("13")
    ds.save_as(str(tmp_path / "raw"), enforce_file_format=False)  # no preamble, no file meta
    assert inspect(tmp_path / "raw").reject is None
    for i, ts in enumerate((ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian)):
        ds = make_dataset(f"14{i}")
        ds.file_meta.TransferSyntaxUID = ts
        if ts == ExplicitVRBigEndian:
            import numpy as np

            ds.PixelData = np.frombuffer(ds.PixelData, "<u2").astype(">u2").tobytes()
        ds.save_as(str(tmp_path / f"ts{i}.dcm"), little_endian=ts != ExplicitVRBigEndian, implicit_vr=False)
        res = inspect(tmp_path / f"ts{i}.dcm")
        assert res.reject is None, (ts, res.reject)
        assert res.tags["transfer_syntax_uid"] == ts


def test_deep_nesting_is_rejected_not_raised(tmp_path):
    res = inspect(deep_sequence_file(tmp_path / "deep.dcm"))
    assert res.reject is not None and res.reject[1] == "unreadable"
    assert "deep" in res.reject[2]


def test_absurd_size_claim_rejected_before_decoding(tmp_path):
    ds = make_dataset("15")
    ds.Rows, ds.Columns, ds.NumberOfFrames = 65535, 65535, 50
    ds.save_as(str(tmp_path / "huge.dcm"), enforce_file_format=True)
    res = inspect(tmp_path / "huge.dcm")
    assert res.reject[:2] == ("select", "too_large") and res.tags is not None


def test_selection_reasons(tmp_path):
    ds = make_dataset("16", modality="SR")
    ds.save_as(str(tmp_path / "sr.dcm"), enforce_file_format=True)
    assert inspect(tmp_path / "sr.dcm").reject[1] == "non_image_object"
    ds = make_dataset("17", modality="OT")
    ds.save_as(str(tmp_path / "ot.dcm"), enforce_file_format=True)
    assert inspect(tmp_path / "ot.dcm").reject is None  # every modality with image pixels by default
    restricted = ExportConfig(modalities=["CT", "MR"])
    assert inspect(tmp_path / "ot.dcm", export=restricted).reject[1] == "modality_policy"
    ds = make_dataset("18")
    del ds.PixelData
    ds.save_as(str(tmp_path / "nopix.dcm"), enforce_file_format=True)
    assert inspect(tmp_path / "nopix.dcm").reject[1] == "no_pixel_data"
    ds = make_dataset("19")
    del ds.SOPInstanceUID
    del ds.file_meta.MediaStorageSOPInstanceUID
    ds.save_as(str(tmp_path / "nouid.dcm"), enforce_file_format=False)
    assert inspect(tmp_path / "nouid.dcm").reject[1] == "missing_uid"


@pytest.mark.parametrize("modality", ["OT", "CT", None])
def test_secondary_captures_follow_the_derived_policy(tmp_path, modality):
    """A secondary capture (OT, the source's modality, or none) is rejected by default with a tags row,
    and exported with ``export.derived: keep``; other pixel objects of those modalities are not touched."""
    ds = make_dataset("31", modality=modality or "CT")
    if modality is None:
        del ds.Modality
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.ConversionType = "WSD"
    ds.save_as(str(tmp_path / "sc.dcm"), enforce_file_format=True)
    res = inspect(tmp_path / "sc.dcm")
    assert res.reject[:2] == ("select", "derived_object") and res.tags["sop_class_uid"].endswith(".7")
    assert inspect(tmp_path / "sc.dcm", export=ExportConfig(derived="keep")).reject is None
    with pytest.raises(ConfigError, match=r"export\.derived"):
        ExportConfig(derived="drop").validate()


def test_decoder_process_survives_abort_and_hang(tmp_path):
    good = write_dicom(tmp_path / "good.dcm", "21")
    crash = write_dicom(tmp_path / "CRASHME.dcm", "22")
    hang = write_dicom(tmp_path / "HANGME.dcm", "23")
    dec = DecoderProcess(
        ExportConfig(), timeout_s=3.0, fault_hook="pacslabel.ingest.faults:faults_on_markers"
    )
    try:
        assert dec.process(good)["ok"]
        res = dec.process(crash)
        assert res["reason"] == "decoder_crash" and not res["ok"]
        again = dec.process(good)
        assert again["ok"], again  # a fresh child took over
        t0 = time.monotonic()
        res = dec.process(hang)
        assert res["reason"] == "timeout" and time.monotonic() - t0 < 15
        out = dec.process(good)
        assert out["ok"] and out["pixels"].shape == (256, 256) and dec.restarts == 2
    finally:
        dec.close()


def test_truncated_pixels(tmp_path):
    from pacslabel.ingest.pixels import process_file

    p = write_dicom(tmp_path / "t.dcm", "24")
    data = Path(p).read_bytes()
    Path(p).write_bytes(data[: len(data) - 700])
    assert inspect(p).reject is None  # the header is intact
    res = process_file(p, ExportConfig())
    assert res["reason"] == "truncated"


def test_identifiers_copied_into_kept_tags_are_dropped(tmp_path):
    """A tag the keyword rules keep (here a free-text label) that carries the file's own identifiers."""
    ds = make_dataset("13")
    ds.FilterType = f"{SECRETS['AccessionNumber']}-A"  # kept by keyword, but holds the accession number
    ds.GridFocalDistance = 1000  # an ordinary value stays
    ds.save_as(str(tmp_path / "a.dcm"), enforce_file_format=True)
    other = json.loads(inspect(tmp_path / "a.dcm").tags["other_tags"])
    assert "FilterType" not in other and other["GridFocalDistance"] == 1000
    assert SECRETS["AccessionNumber"] not in json.dumps(other)


def test_native_pixels_are_parsed_whole_for_the_worker_compressed_ones_are_not(tmp_path):
    from pydicom.uid import RLELossless

    from pacslabel.ingest.pixels import process_dataset, process_file

    native = write_dicom(tmp_path / "native.dcm", "71")
    ds = make_dataset("72")
    ds.compress(RLELossless, encoding_plugin="pydicom")
    ds.save_as(str(tmp_path / "rle.dcm"), enforce_file_format=True)
    parsed = inspect(native).dataset
    assert parsed is not None and "PixelData" in parsed
    in_worker = process_dataset(parsed, ExportConfig())
    in_child = process_file(native, ExportConfig())  # what the decoder process computes
    assert in_worker["ok"] and (in_worker["pixels"] == in_child["pixels"]).all()
    rle = inspect(tmp_path / "rle.dcm")
    assert rle.reject is None and rle.dataset is None  # compressed: decoded in the isolated process
    off = IngestConfig(input="x", run_root="y")
    off.decode.native_in_process = False
    assert inspect_file(native, os.path.getsize(native), SALT, "run-1", off).dataset is None
    small = IngestConfig(input="x", run_root="y")
    small.decode.header_read_bytes = 512  # the header read does not hold the whole file
    assert inspect_file(native, os.path.getsize(native), SALT, "run-1", small).dataset is None
