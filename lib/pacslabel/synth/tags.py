"""DICOM header of a synthetic instance: identifiers, study/series description, acquisition tags.

The messiness (missing BodyPartExamined, variant spellings, mislabelled descriptions, missing or
multi-valued windows) is drawn here with the rates named in :mod:`pacslabel.synth.catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset

from pacslabel.synth import catalog as cat
from pacslabel.synth import texts
from pacslabel.synth.render import Pixels, Style
from pacslabel.vocab import REGIONS

Rng = np.random.Generator


def new_uid(rng: Rng) -> str:
    """A 2.25 (UUID-derived) UID from the generator: deterministic, valid, at most 44 characters."""
    return "2.25." + str(int.from_bytes(rng.bytes(16), "big") >> 1)


def other_region(rng: Rng, region: str) -> str:
    choices = [r for r in REGIONS if r != region]
    return choices[int(rng.integers(len(choices)))]


def body_part_value(rng: Rng, modality: str, region: str, mislabelled: bool) -> str | None:
    """BodyPartExamined for one series: None (absent), canonical, a variant, or another region's name."""
    if rng.random() < cat.BODY_PART_MISSING_RATE[modality]:
        return None
    if mislabelled:
        region = other_region(rng, region)
    variants = cat.BODY_PART_VARIANTS[region]
    if rng.random() < cat.BODY_PART_VARIANT_RATE:
        return variants[1 + int(rng.integers(len(variants) - 1))]
    return variants[0]


@dataclass
class Patient:
    patient_id: str
    name: str
    birth: tuple[int, int, int]
    sex: str
    address: str


def make_patient(seed: int, patient_index: int) -> Patient:
    rng = np.random.default_rng([seed, 0x5EED, patient_index])
    year = int(rng.integers(1925, 2022))
    return Patient(
        patient_id=str(10_000_000 + patient_index * 13 + int(rng.integers(13))),
        name=texts.person_name(rng),
        birth=(year, int(rng.integers(1, 13)), int(rng.integers(1, 29))),
        sex="F" if rng.random() < 0.52 else "M",
        address=texts.address(rng),
    )


@dataclass
class StudyInfo:
    index: int
    modality: str
    region: str
    patient: Patient
    sex: str
    date: tuple[int, int, int]
    time: str
    accession: str
    study_uid: str
    lang: str
    study_description: str | None
    requested_description: str | None
    institution: str
    referring: str
    manufacturer: str
    model: str
    station: str


@dataclass
class SeriesInfo:
    number: int
    uid: str
    style: Style
    n_instances: int
    description: str | None
    protocol: str | None
    body_part: str | None
    ts_key: str
    slice_thickness: float
    spacing: float
    window_mode: str  # "single" | "multi" | "missing"
    tr_te: tuple[float, float]
    kvp: float
    exposure_ms: float
    mas: float
    position: str | None
    orientation: list[float] | None


def _age(birth: tuple[int, int, int], date: tuple[int, int, int]) -> int:
    years = date[0] - birth[0] - ((date[1], date[2]) < (birth[1], birth[2]))
    return max(years, 0)


def _ymd(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}{d[1]:02d}{d[2]:02d}"


ORIENT = {
    "axial": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    "frontal": [1.0, 0.0, 0.0, 0.0, 0.0, -1.0],
    "sagittal": [0.0, 1.0, 0.0, 0.0, 0.0, -1.0],
    "short": [0.62, 0.78, 0.0, -0.35, 0.28, -0.89],
}


def build_dataset(
    study: StudyInfo, series: SeriesInfo, instance: int, sop_uid: str, px: Pixels, z: float, rng: Rng
) -> Dataset:
    """The full dataset (without file meta) of one instance."""
    from pacslabel.synth.render import view_for

    m = study.modality
    st = series.style
    p = study.patient
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL" if m == "CT" else ""]
    ds.SOPClassUID = cat.SOP_CLASS[m]
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = _ymd(study.date)
    ds.SeriesDate = _ymd(study.date)
    ds.ContentDate = _ymd(study.date)
    ds.StudyTime = study.time
    ds.ContentTime = study.time
    ds.AccessionNumber = study.accession
    ds.Modality = m
    ds.Manufacturer = study.manufacturer
    ds.InstitutionName = study.institution
    ds.InstitutionAddress = "Krešimirova 42, Rijeka" if "Rijeka" in study.institution else "Hauptplatz 1"
    ds.ReferringPhysicianName = study.referring
    ds.StationName = study.station
    if study.study_description is not None:
        ds.StudyDescription = study.study_description
    if series.description is not None:
        ds.SeriesDescription = series.description
    ds.ManufacturerModelName = study.model
    ds.PatientName = p.name
    ds.PatientID = p.patient_id
    ds.PatientBirthDate = _ymd(p.birth)
    ds.PatientSex = study.sex
    ds.PatientAge = f"{_age(p.birth, study.date):03d}Y"
    ds.PatientAddress = p.address
    if series.body_part is not None:
        ds.BodyPartExamined = series.body_part
    if m in ("CT", "MR"):
        ds.SliceThickness = round(series.slice_thickness, 2)
    if m in ("CT", "CR", "DX", "XA", "RF"):
        ds.KVP = series.kvp
        ds.ExposureTime = round(series.exposure_ms)
        ds.XRayTubeCurrent = round(series.mas * 1000 / max(series.exposure_ms, 1))
        ds.Exposure = round(series.mas)
    if m == "MR":
        ds.ScanningSequence = "SE" if st.weighting in ("T1", "T2") else "GR"
        ds.SequenceVariant = "SK"
        ds.MRAcquisitionType = "3D" if rng.random() < 0.15 else "2D"
        ds.RepetitionTime = round(series.tr_te[0], 1)
        ds.EchoTime = round(series.tr_te[1], 2)
        ds.MagneticFieldStrength = 3 if "Skyra" in study.model or "Vida" in study.model else 1.5
        ds.ImagingFrequency = 63.68 if ds.MagneticFieldStrength == 1.5 else 123.2
        ds.EchoTrainLength = int(rng.integers(1, 20))
        ds.FlipAngle = 90 if st.weighting == "T1" else 150
    if series.protocol is not None:
        ds.ProtocolName = series.protocol
    if series.position is not None:
        ds.PatientPosition = series.position
    if m in ("CR", "DX"):
        ds.ViewPosition = texts.pick(rng, ("PA", "AP", "LL", "RL", ""))
    ds.StudyInstanceUID = study.study_uid
    ds.SeriesInstanceUID = series.uid
    ds.StudyID = study.accession[-6:]
    ds.SeriesNumber = series.number
    ds.InstanceNumber = instance
    if m in ("CT", "MR"):
        zpos = z * 150.0
        ds.ImagePositionPatient = [
            round(-series.spacing * st.cols / 2, 3),
            round(-series.spacing * st.rows / 2, 3),
            round(zpos, 3),
        ]
        ds.ImageOrientationPatient = series.orientation or ORIENT[view_for(m, st.region)]
        ds.FrameOfReferenceUID = series.uid + ".1" if len(series.uid) < 62 else series.uid
        ds.SliceLocation = round(zpos, 3)
    elif series.orientation is not None:
        ds.ImageOrientationPatient = series.orientation
    if m in ("CR", "DX"):
        ds.PatientOrientation = ["L", "F"] if rng.random() < 0.5 else ["A", "F"]
    if study.requested_description is not None:
        ds.RequestedProcedureDescription = study.requested_description
    ds.PerformingPhysicianName = texts.person_name(rng)
    # image pixel module
    arr = px.array
    ds.SamplesPerPixel = 3 if px.photometric == "RGB" else 1
    ds.PhotometricInterpretation = px.photometric
    if px.photometric == "RGB":
        ds.PlanarConfiguration = 0
    multi = arr.ndim == 3 and px.photometric != "RGB"
    if multi:
        ds.NumberOfFrames = arr.shape[0]
        if m == "XA" or m == "RF":
            ds.FrameTime = 66.7
            ds.FrameIncrementPointer = 0x00181063
            ds.CineRate = 15
        elif m == "NM":
            ds.FrameIncrementPointer = 0x00540080
            ds.SliceVector = list(range(1, arr.shape[0] + 1))
            ds.NumberOfSlices = arr.shape[0]
    ds.Rows = arr.shape[-3] if px.photometric == "RGB" else arr.shape[-2]
    ds.Columns = arr.shape[-2] if px.photometric == "RGB" else arr.shape[-1]
    if m != "US":
        ds.PixelSpacing = [round(series.spacing, 4), round(series.spacing, 4)]
    if m in ("CR", "DX"):
        ds.ImagerPixelSpacing = [round(series.spacing, 4), round(series.spacing, 4)]
    ds.BitsAllocated = px.bits_allocated
    ds.BitsStored = px.bits_stored
    ds.HighBit = px.bits_stored - 1
    ds.PixelRepresentation = 0
    if m == "DX":
        ds.PresentationIntentType = "FOR PRESENTATION"
    if px.photometric == "MONOCHROME1" and rng.random() < 0.3:
        ds.PresentationLUTShape = "IDENTITY"
    if px.rescale is not None:
        ds.RescaleIntercept = px.rescale[1]
        ds.RescaleSlope = px.rescale[0]
        if m == "CT":
            ds.RescaleType = "HU"
    elif m in ("CR", "DX") and rng.random() < 0.5:
        ds.RescaleIntercept = 0
        ds.RescaleSlope = 1
    if px.window is not None and series.window_mode != "missing":
        centres, widths = px.window
        if series.window_mode == "multi" and len(centres) > 1:
            ds.WindowCenter = [float(round(c, 1)) for c in centres]
            ds.WindowWidth = [float(round(w, 1)) for w in widths]
            ds.WindowCenterWidthExplanation = ["WINDOW1", "WINDOW2"]
        else:
            ds.WindowCenter = float(round(centres[0], 1))
            ds.WindowWidth = float(round(widths[0], 1))
    return ds
