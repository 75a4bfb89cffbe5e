"""The full dataset of one instance: identifiers, descriptions, acquisition, geometry and pixel
description."""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset

from pacslabel.synth.catalog.modalities import SLICED, SOP_CLASS
from pacslabel.synth.headers.study_info import SeriesInfo, StudyInfo
from pacslabel.synth.render.style import Pixels
from pacslabel.synth.texts.identities import person_name

Rng = np.random.Generator


def _age(birth: tuple[int, int, int], date: tuple[int, int, int]) -> int:
    years = date[0] - birth[0] - ((date[1], date[2]) < (birth[1], birth[2]))
    return max(years, 0)


def _ymd(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}{d[1]:02d}{d[2]:02d}"


def _us_region(rows: int, cols: int, data_type: int, box: tuple[int, int, int, int]) -> Dataset:
    r = Dataset()
    r.RegionSpatialFormat = 1
    r.RegionDataType = data_type
    r.RegionFlags = 0
    r.RegionLocationMinX0, r.RegionLocationMinY0, r.RegionLocationMaxX1, r.RegionLocationMaxY1 = box
    r.PhysicalUnitsXDirection = 3
    r.PhysicalUnitsYDirection = 3
    r.PhysicalDeltaX = round(4.0 / cols, 6)
    r.PhysicalDeltaY = round(4.0 / cols, 6)
    return r


def build_dataset(
    study: StudyInfo, series: SeriesInfo, instance: int, sop_uid: str, px: Pixels, z: float, rng: Rng
) -> Dataset:
    """The full dataset (without file meta) of one instance."""
    m = study.modality
    st = series.style
    p = study.patient
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ImageType = ["ORIGINAL", "PRIMARY", ""]
    ds.SOPClassUID = SOP_CLASS[m]
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
    if study.weight_kg is not None:
        ds.PatientWeight = study.weight_kg
    if series.body_part is not None:
        ds.BodyPartExamined = series.body_part
    if m in SLICED:
        ds.SliceThickness = round(series.slice_thickness, 2)
    if m in ("CT", "CR", "DX", "MG", "XA", "RF"):
        ds.KVP = series.kvp
        ds.ExposureTime = round(series.exposure_ms)
        ds.XRayTubeCurrent = round(series.mas * 1000 / max(series.exposure_ms, 1))
        ds.Exposure = round(series.mas)
    if m == "MR":
        ds.MagneticFieldStrength = 3 if "Skyra" in study.model or "Vida" in study.model else 1.5
        ds.ImagingFrequency = 63.68 if ds.MagneticFieldStrength == 1.5 else 123.2
    for keyword, value in series.acquisition.items():
        setattr(ds, keyword, value)
    if series.protocol is not None:
        ds.ProtocolName = series.protocol
    if series.position is not None:
        ds.PatientPosition = series.position
    ds.StudyInstanceUID = study.study_uid
    ds.SeriesInstanceUID = series.uid
    ds.StudyID = study.accession[-6:]
    ds.SeriesNumber = series.number
    ds.InstanceNumber = instance
    if series.orientation is not None:
        cosines = np.array(series.orientation)
        row, col = cosines[:3], cosines[3:]
        zpos = z * 150.0
        corner = np.cross(row, col) * zpos - (row * st.cols + col * st.rows) * series.spacing / 2
        ds.ImagePositionPatient = [round(float(v), 3) + 0.0 for v in corner]
        ds.ImageOrientationPatient = series.orientation
        ds.FrameOfReferenceUID = series.uid + ".1" if len(series.uid) < 62 else series.uid
        ds.SliceLocation = round(zpos, 3)
    if m == "XA" and st.look.mode == "DSA":
        mask = Dataset()
        mask.MaskOperation = "AVG_SUB"
        mask.MaskFrameNumbers = [1]
        ds.MaskSubtractionSequence = [mask]
    if m == "US":
        box = (0, max(st.rows // 30, 2), st.cols - 1, st.rows - 1)
        regions = [_us_region(st.rows, st.cols, 1, box)]
        if st.look.mode == "DOPPLER":
            regions.append(
                _us_region(
                    st.rows, st.cols, 2, (st.cols // 4, st.rows // 6, 3 * st.cols // 4, 3 * st.rows // 4)
                )
            )
        ds.SequenceOfUltrasoundRegions = regions
    if study.requested_description is not None:
        ds.RequestedProcedureDescription = study.requested_description
    ds.PerformingPhysicianName = person_name(rng)
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
    if m in ("CR", "DX", "MG"):
        ds.ImagerPixelSpacing = [round(series.spacing, 4), round(series.spacing, 4)]
    ds.BitsAllocated = px.bits_allocated
    ds.BitsStored = px.bits_stored
    ds.HighBit = px.bits_stored - 1
    ds.PixelRepresentation = 0
    if m in ("DX", "MG"):
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
