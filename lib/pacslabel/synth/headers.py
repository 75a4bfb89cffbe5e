"""DICOM header of a synthetic instance: identifiers, study/series description, acquisition tags.

The messiness (missing BodyPartExamined, variant spellings, mislabelled descriptions, missing or
multi-valued windows, missing contrast agents and view positions) is drawn here with the rates named in
:mod:`pacslabel.synth.catalog`. The acquisition tags follow the series' appearance the way a scanner
writes them: MR timing and sequence type, CT kernel names per vendor, contrast agent, image orientation,
radiograph view position, angiography angles and subtraction, NM image type, ultrasound regions,
mammography view and laterality with compression, PET units, corrections and radiopharmaceutical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset

from pacslabel.synth import catalog as cat
from pacslabel.synth import texts
from pacslabel.synth.appearance import Appearance
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
    site: int  # index into pacslabel.synth.texts.SITES
    body_part_hidden: bool
    referring: str
    manufacturer: str
    model: str
    station: str
    tracer: str | None = None  # PET: a key of catalog.RADIOPHARMACEUTICALS
    weight_kg: float | None = None  # PET: PatientWeight, for standardised uptake values


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
    acquisition: dict[str, object]  # series-constant tags that follow the appearance (keyword: value)
    kvp: float
    exposure_ms: float
    mas: float
    position: str | None
    orientation: list[float] | None
    laterality: str | None = None  # mammography: the breast imaged (R / L)


def _age(birth: tuple[int, int, int], date: tuple[int, int, int]) -> int:
    years = date[0] - birth[0] - ((date[1], date[2]) < (birth[1], birth[2]))
    return max(years, 0)


def _ymd(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}{d[1]:02d}{d[2]:02d}"


ORIENT: dict[str, tuple[float, ...]] = {
    "AX": (1.0, 0.0, 0.0, 0.0, 1.0, 0.0),
    "COR": (1.0, 0.0, 0.0, 0.0, 0.0, -1.0),
    "SAG": (0.0, 1.0, 0.0, 0.0, 0.0, -1.0),
    "SA": (0.62, 0.78, 0.0, -0.35, 0.28, -0.89),
}
"""ImageOrientationPatient (row and column direction cosines) per plane; SA is a cardiac short axis."""


def _rotate(cosines: tuple[float, ...], rx: float, ry: float, rz: float) -> list[float]:
    """Direction cosines turned by small angles (radians) about the patient axes."""
    cx, sx, cy, sy, cz, sz = np.cos(rx), np.sin(rx), np.cos(ry), np.sin(ry), np.cos(rz), np.sin(rz)
    r = (
        np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
        @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
        @ np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    )
    row, col = r @ np.array(cosines[:3]), r @ np.array(cosines[3:])
    return [round(float(v), 6) + 0.0 for v in (*row, *col)]


def orientation(rng: Rng, modality: str, region: str, look: Appearance) -> list[float] | None:
    """ImageOrientationPatient of a CT / MR / PET series: the plane's axes, MR often slightly oblique, head
    CT sometimes with gantry tilt; None for the other modalities and a PET projection."""
    if modality == "PT":
        return list(ORIENT[look.plane]) if look.plane else None
    if modality not in cat.CROSS_SECTIONAL:
        return None
    base = ORIENT[look.plane]
    if modality == "MR" and rng.random() < cat.MR_OBLIQUE_RATE:
        rx, ry, rz = np.clip(rng.normal(0.0, np.radians(6.0), 3), -np.radians(15), np.radians(15))
        return _rotate(base, float(rx), float(ry), float(rz))
    if modality == "CT" and region == "HEAD" and look.plane == "AX" and rng.random() < cat.CT_HEAD_TILT_RATE:
        return _rotate(base, -np.radians(float(rng.uniform(8, 22))), 0.0, 0.0)
    return list(base)


def _contrast_agent(rng: Rng, modality: str, look: Appearance) -> str | None:
    if look.contrast or look.mode in ("DSA", "NATIVE", "CINE", "LV"):
        if rng.random() < cat.CONTRAST_AGENT_MISSING_RATE:
            return None
        return texts.pick(rng, cat.CONTRAST_AGENTS["MR" if modality == "MR" else "CT"])
    if modality in cat.CROSS_SECTIONAL and rng.random() < cat.NONCONTRAST_AGENT_NONE_RATE:
        return texts.pick(rng, cat.NEGATIVE_AGENTS)
    return None


def _mr_tags(rng: Rng, region: str, manufacturer: str, look: Appearance) -> dict[str, object]:
    choices = cat.MR_SEQUENCE_PARAMS[look.sequence]
    if look.sequence == "T1" and (look.plane != "SAG" or region != "HEAD"):
        choices = choices[:1]  # 3D inversion-prepared T1 is a sagittal brain sequence
    p = choices[int(rng.integers(len(choices)))]
    tags: dict[str, object] = {
        "ScanningSequence": p["scan"].split("\\"),
        "SequenceVariant": p["variant"].split("\\"),
        "MRAcquisitionType": p.get("acq", "2D"),
        "RepetitionTime": round(float(rng.uniform(*p["tr"])), 1),
        "EchoTime": round(float(rng.uniform(*p["te"])), 2),
        "FlipAngle": round(float(rng.uniform(*p["flip"]))),
        "EchoTrainLength": int(rng.integers(p["etl"][0], p["etl"][1] + 1)),
    }
    if "ti" in p:
        tags["InversionTime"] = round(float(rng.uniform(*p["ti"])), 1)
    if rng.random() < p.get("fs", 0.0):
        tags["ScanOptions"] = texts.pick(rng, ("FS", "FS\\PFP", "SAT1", "FAST_GEMS\\FS")).split("\\")
    if manufacturer == "SIEMENS":
        tags["SequenceName"] = p["name"]
    if look.sequence == "DWI":
        tags["ImageType"] = ["ORIGINAL", "PRIMARY", "DIFFUSION", "TRACEW"]
    return tags


def _ct_tags(rng: Rng, manufacturer: str, look: Appearance) -> dict[str, object]:
    name = texts.pick(rng, cat.CT_KERNELS[manufacturer][look.kernel])
    kernel: object = [name, str(int(rng.integers(2, 5)))] if name[:2] in ("Br", "Bl") else name
    if look.plane == "AX":
        image_type = ["ORIGINAL", "PRIMARY", "AXIAL"]
    else:
        image_type = ["DERIVED", "SECONDARY", "MPR" if manufacturer == "SIEMENS" else "REFORMATTED"]
    return {"ConvolutionKernel": kernel, "ImageType": image_type}


VIEW_POSITIONS: dict[str, tuple[str, ...]] = {
    "PA": ("PA",),
    "AP": ("AP",),
    "LAT": ("LL", "RL", "LL", "RL", "LAT", "LATERAL"),
    "OBLIQUE": ("RLO", "LLO", "OBL"),
    "CC": ("CC",),
    "MLO": ("MLO",),
}
"""ViewPosition values written for each radiograph view (defined terms plus vendor spellings)."""

PATIENT_ORIENTATION = {"PA": ("L", "F"), "AP": ("R", "F"), "LAT": ("A", "F"), "OBLIQUE": ("L", "F")}

XA_ANGLES = {"AP": (0.0, 0.0), "LAT": (90.0, 0.0), "LAO": (30.0, 20.0), "RAO": (-30.0, -15.0)}
"""(PositionerPrimaryAngle, PositionerSecondaryAngle) per projection: LAO positive, cranial positive."""

NM_IMAGE_TYPE = {"PLANAR": "STATIC", "SPECT": "RECON TOMO", "DYNAMIC": "DYNAMIC"}

MG_VIEW_CODES = {"CC": ("R-10242", "cranio-caudal"), "MLO": ("R-10226", "medio-lateral oblique")}
"""ViewCodeSequence (SNOMED, scheme SRT) per mammography view."""
MG_ORIENTATION = {
    ("CC", "R"): ("P", "L"),
    ("CC", "L"): ("A", "R"),
    ("MLO", "R"): ("P", "F"),
    ("MLO", "L"): ("A", "F"),
}
"""PatientOrientation (row, column directions) per view and breast: the chest wall towards the image's
outer edge, right breast mirrored."""
MG_TARGETS = {
    "HOLOGIC, Inc.": ("TUNGSTEN", "RHODIUM"),
    "GE Healthcare": ("MOLYBDENUM", "RHODIUM"),
    "SIEMENS": ("TUNGSTEN", "RHODIUM"),
    "FUJIFILM Corporation": ("TUNGSTEN", "RHODIUM"),
}
"""(AnodeTargetMaterial, FilterMaterial) per mammography manufacturer."""
PT_CORRECTIONS = ("DECY", "ATTN", "SCAT", "DTIM", "RAN", "NORM")
PT_RECONSTRUCTIONS = ("OSEM3D 4i16s", "OSEM 3i21s", "VPFXS", "TOF OSEM", "BLOB-OS-TF", "PSF+TOF 4i5s")


def _code(value: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = "SRT"
    item.CodeMeaning = meaning
    return item


def _mg_tags(rng: Rng, manufacturer: str, look: Appearance, laterality: str) -> dict[str, object]:
    target, filt = MG_TARGETS[manufacturer]
    return {
        "ViewPosition": look.view,
        "ImageLaterality": laterality,
        "PatientOrientation": list(MG_ORIENTATION[(look.view, laterality)]),
        "ViewCodeSequence": [_code(*MG_VIEW_CODES[look.view])],
        "BreastImplantPresent": "NO",
        "CompressionForce": round(float(rng.uniform(*cat.MG_COMPRESSION_N))),
        "BodyPartThickness": round(float(rng.uniform(*cat.MG_THICKNESS_MM))),
        "AnodeTargetMaterial": target,
        "FilterMaterial": filt,
        "OrganDose": round(float(rng.uniform(0.8, 2.5)), 2),
    }


def _pt_tags(rng: Rng, region: str, look: Appearance, tracer: str, study_time: str) -> dict[str, object]:
    """Units, corrections, series type and the radiopharmaceutical (injected about an hour before the
    study, a few minutes before for rubidium)."""
    name, nuclide_meaning, nuclide_code, half_life, dose = cat.RADIOPHARMACEUTICALS[tracer]
    agent = Dataset()
    agent.Radiopharmaceutical = name
    minutes = int(rng.integers(2, 6)) if tracer == "RB82" else int(rng.integers(45, 90))
    seconds = max(int(study_time[:2]) * 3600 + int(study_time[2:4]) * 60 - minutes * 60, 0)
    agent.RadiopharmaceuticalStartTime = f"{seconds // 3600:02d}{seconds % 3600 // 60:02d}00"
    agent.RadionuclideTotalDose = round(float(rng.uniform(*dose)) * 1e6)
    agent.RadionuclideHalfLife = half_life
    agent.RadionuclidePositronFraction = 0.9673 if "Fluorine" in nuclide_meaning else 0.889
    agent.RadionuclideCodeSequence = [_code(nuclide_code, nuclide_meaning)]
    corrected = [c for c in PT_CORRECTIONS if look.mode != "NAC" or c not in ("ATTN", "SCAT")]
    tags: dict[str, object] = {
        "Units": "BQML",
        "DecayCorrection": "START",
        "CorrectedImage": corrected,
        "SeriesType": ["WHOLE BODY" if region == "WHOLEBODY" else "STATIC", "IMAGE"],
        "ReconstructionMethod": texts.pick(rng, PT_RECONSTRUCTIONS),
        "RadiopharmaceuticalInformationSequence": [agent],
    }
    if look.mode != "NAC":
        tags["AttenuationCorrectionMethod"] = texts.pick(rng, ("CT-based", "CTAC", "measured,CT"))
    if look.mode == "MIP":
        tags["SeriesType"] = ["WHOLE BODY", "REPROJECTION"]
        tags["ImageType"] = ["DERIVED", "SECONDARY", "MIP"]
    return tags


def acquisition_tags(
    rng: Rng,
    modality: str,
    region: str,
    manufacturer: str,
    look: Appearance,
    laterality: str | None = None,
    tracer: str | None = None,
    study_time: str = "000000",
) -> dict[str, object]:
    """Series-constant tags a scanner writes for this appearance (keyword: value); ``laterality`` is a
    mammogram's breast, ``tracer`` a PET study's (a key of ``catalog.RADIOPHARMACEUTICALS``)."""
    tags: dict[str, object] = {}
    if modality == "MG":
        tags.update(_mg_tags(rng, manufacturer, look, laterality or "L"))
    elif modality == "PT":
        tags.update(_pt_tags(rng, region, look, tracer or "FDG", study_time))
    elif modality == "MR":
        tags.update(_mr_tags(rng, region, manufacturer, look))
    elif modality == "CT":
        tags.update(_ct_tags(rng, manufacturer, look))
    elif modality in ("CR", "DX"):
        r = rng.random()
        if r < cat.VIEW_POSITION_MISSING_RATE[modality]:
            if r < cat.VIEW_POSITION_MISSING_RATE[modality] / 2:
                tags["ViewPosition"] = ""
        else:
            tags["ViewPosition"] = texts.pick(rng, VIEW_POSITIONS[look.view])
        if look.view in PATIENT_ORIENTATION:
            tags["PatientOrientation"] = list(PATIENT_ORIENTATION[look.view])
    elif modality == "XA":
        primary, secondary = XA_ANGLES[look.view]
        tags["PositionerPrimaryAngle"] = round(primary + float(rng.normal(0, 4)), 1)
        tags["PositionerSecondaryAngle"] = round(secondary + float(rng.normal(0, 4)), 1)
        tags["ImageType"] = ["ORIGINAL", "PRIMARY", "SINGLE PLANE"]
        if look.mode == "DSA":
            tags["RecommendedViewingMode"] = "SUB"
    elif modality == "NM":
        kind = "WHOLE BODY" if region == "WHOLEBODY" and look.mode == "PLANAR" else NM_IMAGE_TYPE[look.mode]
        tags["ImageType"] = ["ORIGINAL", "PRIMARY", kind, "EMISSION"]
    agent = _contrast_agent(rng, modality, look)
    if agent is not None:
        tags["ContrastBolusAgent"] = agent
        if agent not in cat.NEGATIVE_AGENTS and rng.random() < cat.CONTRAST_ROUTE_RATE:
            tags["ContrastBolusRoute"] = "IV"
    return tags


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
    if study.weight_kg is not None:
        ds.PatientWeight = study.weight_kg
    if series.body_part is not None:
        ds.BodyPartExamined = series.body_part
    if m in cat.SLICED:
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
