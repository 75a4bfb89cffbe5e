"""Read a small generated archive back with pydicom and check what the generator promises."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
from pydicom import config as pdconfig
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue
from pydicom.uid import UID

from pacslabel.synth import SynthConfig, codes, generate
from pacslabel.synth.catalog.acquisition import CT_KERNELS, NEGATIVE_AGENTS
from pacslabel.synth.catalog.appearances import APPEARANCE_FIELDS, appearance_weights
from pacslabel.synth.catalog.messiness import BODY_PART_VARIANTS
from pacslabel.synth.catalog.modalities import MODALITY_WEIGHTS, SOP_CLASS
from pacslabel.synth.encode import BROKEN_KINDS, TS_UIDS
from pacslabel.synth.headers.acquisition_tags import VIEW_POSITIONS
from pacslabel.synth.texts.identities import SITE_OF_INSTITUTION
from pacslabel.synth.texts.words import LANGS, REGION_WORDS
from pacslabel.vocab import REGIONS

EQUAL_TS = dict.fromkeys(TS_UIDS, 1.0)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "arch"
    cfg = SynthConfig(
        out=str(out),
        studies=40,
        seed=41,  # a seed whose 40 studies hold every modality
        workers=1,
        broken_fraction=0.06,
        junk_fraction=0.1,
        image_scale=0.25,
        instances_scale=0.25,
        transfer_syntaxes=EQUAL_TS,
        hide_body_part_fraction=0.5,
        site_code_fraction=0.4,
    )
    summary = generate(cfg)
    assert summary["files"] > 40
    return out


@pytest.fixture(scope="module")
def truth(archive) -> pd.DataFrame:
    return pd.read_parquet(archive / "truth.parquet")


def _read(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path)


def test_truth_has_one_row_per_file(archive, truth):
    on_disk = sorted(
        p.relative_to(archive / "dicom").as_posix() for p in (archive / "dicom").rglob("*") if p.is_file()
    )
    assert sorted(truth["path"]) == on_disk
    assert truth["path"].is_unique
    good = truth[truth["broken_kind"].isna()]
    assert good["sop_instance_uid"].is_unique
    assert set(good["anatomical_region"]) <= set(REGIONS)
    assert set(truth["broken_kind"].dropna()) <= {*BROKEN_KINDS, "junk", "dicomdir"}


def test_good_files_decode_with_declared_syntax(archive, truth):
    good = truth[truth["broken_kind"].isna()]
    assert set(good["transfer_syntax_uid"]) == set(TS_UIDS.values())  # every syntax occurs
    for row in good.itertuples():
        ds = _read(archive / "dicom" / row.path)
        assert ds.file_meta.TransferSyntaxUID == row.transfer_syntax_uid
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID == row.sop_instance_uid
        assert ds.SOPClassUID == SOP_CLASS[row.modality]
        assert ds.Modality == row.modality
        assert ds.StudyInstanceUID == row.study_instance_uid
        assert ds.SeriesInstanceUID == row.series_instance_uid
        for uid in (ds.SOPInstanceUID, ds.StudyInstanceUID, ds.SeriesInstanceUID):
            assert UID(uid).is_valid
        arr = ds.pixel_array
        frames = int(ds.get("NumberOfFrames", 1))
        assert frames == row.n_frames
        expect = (ds.Rows, ds.Columns) if ds.SamplesPerPixel == 1 else (ds.Rows, ds.Columns, 3)
        assert arr.shape == ((frames, *expect) if frames > 1 else expect)
        assert arr.max() > arr.min()  # not a constant image
        assert arr.max() < 2**ds.BitsStored


def test_modality_specific_pixels(archive, truth):
    good = truth[truth["broken_kind"].isna()]
    seen = set()
    for row in good.drop_duplicates("series_instance_uid").itertuples():
        ds = _read(archive / "dicom" / row.path)
        m = row.modality
        if m == "CT":
            assert float(ds.RescaleIntercept) == -1024.0 and float(ds.RescaleSlope) == 1.0
            hu = ds.pixel_array.astype(np.float32) - 1024.0
            assert hu.min() <= -900 and hu.max() >= 100  # air around the patient, dense tissue inside
        elif m == "MR":
            assert "RescaleIntercept" not in ds and "MRAcquisitionType" in ds
            assert ds.RepetitionTime > ds.EchoTime > 0
        elif m in ("CR", "DX"):
            assert ds.PhotometricInterpretation in ("MONOCHROME1", "MONOCHROME2")
            assert ds.BitsStored in (10, 12, 14)
        elif m == "US":
            assert ds.SamplesPerPixel == 3 and ds.PhotometricInterpretation == "RGB"
        elif m == "XA" or row.mode in ("SPECT", "DYNAMIC"):
            assert int(ds.NumberOfFrames) > 1
        elif m == "MG":
            assert ds.Rows > ds.Columns and ds.BitsStored in (12, 14) and 25 <= float(ds.KVP) <= 35
        elif m == "PT":
            activity = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
            assert ds.Units == "BQML" and activity.max() > 10_000  # Bq/ml: hot organs above 2 SUV
            assert (ds.PhotometricInterpretation == "MONOCHROME1") == (row.mode == "MIP")
        seen.add(m)
        for key in (
            "PatientName",
            "PatientID",
            "PatientBirthDate",
            "InstitutionName",
            "AccessionNumber",
            "PatientAddress",
        ):
            assert str(ds.get(key, "")) != ""
    assert {"CT", "MR", "MG", "PT"} <= seen


def _really_broken(path: Path, kind: str) -> None:
    data = path.read_bytes()
    if kind == "empty":
        assert data == b""
        return
    if kind == "not_dicom":
        with pytest.raises(InvalidDicomError):
            pydicom.dcmread(path)
        return
    ds = _read(path)
    if kind == "no_pixels":
        assert "PixelData" not in ds
    elif kind in ("truncated", "absurd_size"):
        if "PixelData" in ds:
            with pytest.raises((ValueError, AttributeError)), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds.pixel_array  # noqa: B018
    elif kind == "bad_values":
        old = pdconfig.settings.reading_validation_mode
        pdconfig.settings.reading_validation_mode = pdconfig.RAISE
        try:
            fresh = pydicom.dcmread(path)
            with pytest.raises((ValueError, TypeError)):
                fresh.InstanceNumber  # noqa: B018
            with pytest.raises((ValueError, TypeError)):
                fresh.SliceThickness  # noqa: B018
        finally:
            pdconfig.settings.reading_validation_mode = old
    else:
        raise AssertionError(kind)


def test_broken_files_are_really_broken(archive, truth):
    broken = truth[truth["broken_kind"].isin(BROKEN_KINDS)]
    assert len(broken) >= 3
    for row in broken.itertuples():
        _really_broken(archive / "dicom" / row.path, row.broken_kind)


def test_every_broken_kind_is_broken():
    """Each kind once, on a real dataset (the archive draws kinds at random)."""
    from pacslabel.synth.config import SynthConfig as Cfg
    from pacslabel.synth.encode import broken_bytes
    from pacslabel.synth.headers.dataset import build_dataset
    from pacslabel.synth.plan import plan_study
    from pacslabel.synth.render.frames import render_frames

    cfg = Cfg(out="unused", image_scale=0.25, instances_scale=0.25)
    study, series, rng = plan_study(cfg, 3)
    px = render_frames(series[0].style, 0.0, rng)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for kind in BROKEN_KINDS:
            ds = build_dataset(study, series[0], 1, "2.25.1234", px, 0.0, rng)
            path = Path(tmp) / kind
            path.write_bytes(broken_bytes(kind, ds, px.array, rng))
            _really_broken(path, kind)


def test_junk_dicomdir_and_file_names(archive, truth):
    dd = _read(archive / "dicom" / "DICOMDIR")
    assert dd.file_meta.MediaStorageSOPClassUID == "1.2.840.10008.1.3.10" and "PixelData" not in dd
    junk = truth[truth["broken_kind"] == "junk"]
    assert len(junk) >= 1 and junk["sop_instance_uid"].isna().all()
    good = truth[truth["broken_kind"].isna()]
    names = good["path"].str.rsplit("/", n=1).str[-1]
    assert names.str.endswith(".dcm").any() and (~names.str.endswith(".dcm")).any()
    assert (good["path"].str.count("/") == 3).all()  # patient / study / series / file


def test_reports_one_per_study_mention_region(archive, truth):
    with open(archive / "reports.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["accession_number", "text"]
    studies = truth.dropna(subset=["accession_number"]).drop_duplicates("accession_number")
    assert len(rows) == 40 == len(studies)
    region_of = dict(zip(studies["accession_number"], studies["anatomical_region"], strict=True))
    long_reports = 0
    for row in rows:
        text = row["text"].lower()
        if len(text) < 25:
            continue
        long_reports += 1
        words = [w.lower() for lang in LANGS for w in REGION_WORDS[region_of[row["accession_number"]]][lang]]
        assert any(w in text for w in words), (row, words)
    assert long_reports >= 30


def test_body_part_examined_in_files_is_messy(archive, truth):
    good = truth[truth["broken_kind"].isna()].drop_duplicates("series_instance_uid")
    values = {}
    for row in good.itertuples():
        ds = _read(archive / "dicom" / row.path)
        values[row.series_instance_uid] = (row.modality, row.anatomical_region, ds.get("BodyPartExamined"))
    present = [v for v in values.values() if v[2] is not None]
    assert len(present) < len(values)  # some are missing
    all_spellings = {s for variants in BODY_PART_VARIANTS.values() for s in variants}
    assert {v[2] for v in present} <= all_spellings


def test_hidden_studies_have_no_body_part_examined(archive, truth):
    images = truth[~truth["broken_kind"].isin(["junk", "dicomdir"])]
    assert images["body_part_hidden"].notna().all()
    assert truth.loc[truth["broken_kind"].isin(["junk", "dicomdir"]), "body_part_hidden"].isna().all()
    per_study = images.groupby("study_instance_uid")["body_part_hidden"]
    assert per_study.nunique().max() == 1
    assert 0.2 < per_study.first().mean() < 0.8  # half of 40 studies, within a few
    shown = 0
    for row in truth[truth["broken_kind"].isna()].itertuples():
        ds = pydicom.dcmread(archive / "dicom" / row.path, stop_before_pixels=True)
        if row.body_part_hidden:
            assert "BodyPartExamined" not in ds, row.path
        shown += "BodyPartExamined" in ds
    assert shown > 0


def test_descriptions_use_the_site_codes(archive, truth):
    """Coded series carry their site's protocol names: the InstitutionName tells the site."""
    books = codes.code_books(41)
    coded = 0
    for row in truth[truth["broken_kind"].isna()].drop_duplicates("series_instance_uid").itertuples():
        ds = pydicom.dcmread(archive / "dicom" / row.path, stop_before_pixels=True)
        book = books[SITE_OF_INSTITUTION[ds.InstitutionName]]
        protocol = ds.get("ProtocolName")
        exam = "" if row.modality == "CT" else row.appearance
        coded += protocol is not None and protocol == book.protocol.get(
            (row.modality, row.anatomical_region, exam)
        )
    assert coded >= 3


def test_truth_names_the_appearance_of_every_image(truth):
    images = truth[~truth["broken_kind"].isin(["junk", "dicomdir"])]
    others = truth[truth["broken_kind"].isin(["junk", "dicomdir"])]
    assert set(images["modality"]) == set(MODALITY_WEIGHTS)  # the archive has every modality
    assert images["appearance"].notna().all()
    assert others[["appearance", *APPEARANCE_FIELDS]].isna().all().all()
    expected = {
        "MR": {"sequence", "plane"},
        "CT": {"kernel", "plane"},
        "CR": {"view"},
        "DX": {"view"},
        "US": {"mode", "plane"},
        "XA": {"mode", "view"},
        "RF": {"mode"},
        "NM": {"mode"},
        "MG": {"view"},
        "PT": {"mode"},
    }
    for row in images.drop_duplicates("series_instance_uid").itertuples():
        parts = {f: getattr(row, f) for f in APPEARANCE_FIELDS if pd.notna(getattr(row, f))}
        assert set(row.appearance.split()) == set(parts.values()), row
        assert expected[row.modality] <= set(parts), row
        assert row.appearance in appearance_weights(row.modality, row.anatomical_region)
        if row.modality == "CT":
            assert pd.isna(row.phase) == (row.kernel != "SOFT")
    assert images.groupby("series_instance_uid")["appearance"].nunique().max() == 1


def _values(value) -> list:
    return list(value) if isinstance(value, MultiValue) else [value]


def _normal_axis(ds) -> int:
    cosines = np.array([float(v) for v in ds.ImageOrientationPatient])
    return int(np.argmax(np.abs(np.cross(cosines[:3], cosines[3:]))))


def test_headers_follow_the_appearance(archive, truth):
    good = truth[truth["broken_kind"].isna()].drop_duplicates("series_instance_uid")
    planes: set[str] = set()
    lateral_views = 0
    for row in good.itertuples():
        ds = _read(archive / "dicom" / row.path)
        agent = str(ds.get("ContrastBolusAgent", ""))
        if agent and agent not in NEGATIVE_AGENTS:
            assert (
                row.phase in ("ARTERIAL", "PORTAL", "DELAYED")
                or row.sequence == "T1C"
                or row.modality == "XA"
            )
        if row.modality in ("CT", "MR", "PT") and pd.notna(row.plane) and row.plane != "SA":
            # the slice normal runs along x (sagittal), y (coronal) or z (axial), obliquity aside
            assert _normal_axis(ds) == {"SAG": 0, "COR": 1, "AX": 2}[row.plane], (
                row.appearance,
                ds.ImageOrientationPatient,
            )
            planes.add(row.plane)
        if row.modality == "CT":
            kernel = ds.ConvolutionKernel
            name = _values(kernel)[0]
            assert name in CT_KERNELS[ds.Manufacturer][row.kernel]
            assert (ds.ImageType[2] == "AXIAL") == (row.plane == "AX")
        elif row.modality == "MR":
            scanning = set(_values(ds.ScanningSequence))
            if row.sequence in ("FLAIR", "STIR"):
                assert "IR" in scanning and float(ds.InversionTime) > 100
            if row.sequence == "DWI":
                assert "EP" in scanning
            if row.sequence in ("T2", "FLAIR"):
                assert float(ds.EchoTime) >= 80
            if row.sequence in ("T1", "T1C"):
                assert float(ds.EchoTime) < 25
        elif row.modality in ("CR", "DX"):
            view = str(ds.get("ViewPosition", ""))
            if view:
                assert view in VIEW_POSITIONS[row.view]
                lateral_views += row.view == "LAT"
        elif row.modality == "XA":
            assert ("MaskSubtractionSequence" in ds) == (row.mode == "DSA")
        elif row.modality == "US":
            types = {int(r.RegionDataType) for r in ds.SequenceOfUltrasoundRegions}
            assert (2 in types) == (row.mode == "DOPPLER")
        elif row.modality == "NM":
            assert ds.ImageType[2] in ("STATIC", "WHOLE BODY", "RECON TOMO", "DYNAMIC")
        elif row.modality == "MG":
            assert ds.ViewPosition == row.view and ds.ImageLaterality in ("R", "L")
            assert ds.ViewCodeSequence[0].CodeMeaning.startswith({"CC": "cranio", "MLO": "medio"}[row.view])
            assert ds.PresentationIntentType == "FOR PRESENTATION" and float(ds.CompressionForce) > 0
        elif row.modality == "PT":
            (agent,) = ds.RadiopharmaceuticalInformationSequence
            assert agent.RadionuclideCodeSequence[0].CodeMeaning.startswith("^")
            assert float(agent.RadionuclideTotalDose) > 1e7 and float(ds.PatientWeight) > 0
            assert ("ATTN" in ds.CorrectedImage) == (row.mode != "NAC")
    assert {"AX", "SAG", "COR"} <= planes
    assert lateral_views >= 1


def test_small_images_fall_back_from_jpeg2000(tmp_path):
    """OpenJPEG cannot encode a side under 32 pixels: those images are written uncompressed, the others
    in JPEG 2000, and the truth names the syntax each file really has."""
    cfg = SynthConfig(
        out=str(tmp_path), studies=6, seed=2, workers=1, dicomdir=False, image_scale=0.05,
        broken_fraction=0.0, junk_fraction=0.0, transfer_syntaxes={"j2k": 1.0},
    )  # fmt: skip
    generate(cfg)
    truth = pd.read_parquet(tmp_path / "truth.parquet")
    sides = set()
    for row in truth.itertuples():
        ds = pydicom.dcmread(tmp_path / "dicom" / row.path)
        small = min(ds.Rows, ds.Columns) < 32
        sides.add(small)
        assert ds.file_meta.TransferSyntaxUID == row.transfer_syntax_uid
        assert row.transfer_syntax_uid == (TS_UIDS["explicit_le"] if small else TS_UIDS["j2k"])
        assert ds.pixel_array.shape[-2:] == (ds.Rows, ds.Columns) or ds.pixel_array.shape[:2] == (
            ds.Rows,
            ds.Columns,
        )
    assert sides == {True, False}
