"""Series-constant tags a scanner writes for an appearance, and ImageOrientationPatient."""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset

from pacslabel.synth.appearance import Appearance
from pacslabel.synth.catalog.acquisition import (
    CONTRAST_AGENT_MISSING_RATE,
    CONTRAST_AGENTS,
    CONTRAST_ROUTE_RATE,
    CT_HEAD_TILT_RATE,
    CT_KERNELS,
    MG_COMPRESSION_N,
    MG_THICKNESS_MM,
    MR_OBLIQUE_RATE,
    MR_SEQUENCE_PARAMS,
    NEGATIVE_AGENTS,
    NONCONTRAST_AGENT_NONE_RATE,
    RADIOPHARMACEUTICALS,
)
from pacslabel.synth.catalog.messiness import VIEW_POSITION_MISSING_RATE
from pacslabel.synth.catalog.modalities import CROSS_SECTIONAL
from pacslabel.synth.texts.sampling import pick

Rng = np.random.Generator

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
    if modality not in CROSS_SECTIONAL:
        return None
    base = ORIENT[look.plane]
    if modality == "MR" and rng.random() < MR_OBLIQUE_RATE:
        rx, ry, rz = np.clip(rng.normal(0.0, np.radians(6.0), 3), -np.radians(15), np.radians(15))
        return _rotate(base, float(rx), float(ry), float(rz))
    if modality == "CT" and region == "HEAD" and look.plane == "AX" and rng.random() < CT_HEAD_TILT_RATE:
        return _rotate(base, -np.radians(float(rng.uniform(8, 22))), 0.0, 0.0)
    return list(base)


def _contrast_agent(rng: Rng, modality: str, look: Appearance) -> str | None:
    if look.contrast or look.mode in ("DSA", "NATIVE", "CINE", "LV"):
        if rng.random() < CONTRAST_AGENT_MISSING_RATE:
            return None
        return pick(rng, CONTRAST_AGENTS["MR" if modality == "MR" else "CT"])
    if modality in CROSS_SECTIONAL and rng.random() < NONCONTRAST_AGENT_NONE_RATE:
        return pick(rng, NEGATIVE_AGENTS)
    return None


def _mr_tags(rng: Rng, region: str, manufacturer: str, look: Appearance) -> dict[str, object]:
    choices = MR_SEQUENCE_PARAMS[look.sequence]
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
        tags["ScanOptions"] = pick(rng, ("FS", "FS\\PFP", "SAT1", "FAST_GEMS\\FS")).split("\\")
    if manufacturer == "SIEMENS":
        tags["SequenceName"] = p["name"]
    if look.sequence == "DWI":
        tags["ImageType"] = ["ORIGINAL", "PRIMARY", "DIFFUSION", "TRACEW"]
    return tags


def _ct_tags(rng: Rng, manufacturer: str, look: Appearance) -> dict[str, object]:
    name = pick(rng, CT_KERNELS[manufacturer][look.kernel])
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
        "CompressionForce": round(float(rng.uniform(*MG_COMPRESSION_N))),
        "BodyPartThickness": round(float(rng.uniform(*MG_THICKNESS_MM))),
        "AnodeTargetMaterial": target,
        "FilterMaterial": filt,
        "OrganDose": round(float(rng.uniform(0.8, 2.5)), 2),
    }


def _pt_tags(rng: Rng, region: str, look: Appearance, tracer: str, study_time: str) -> dict[str, object]:
    """Units, corrections, series type and the radiopharmaceutical (injected about an hour before the
    study, a few minutes before for rubidium)."""
    name, nuclide_meaning, nuclide_code, half_life, dose = RADIOPHARMACEUTICALS[tracer]
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
        "ReconstructionMethod": pick(rng, PT_RECONSTRUCTIONS),
        "RadiopharmaceuticalInformationSequence": [agent],
    }
    if look.mode != "NAC":
        tags["AttenuationCorrectionMethod"] = pick(rng, ("CT-based", "CTAC", "measured,CT"))
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
    mammogram's breast, ``tracer`` a PET study's (a key of ``catalog.acquisition.RADIOPHARMACEUTICALS``)."""
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
        if r < VIEW_POSITION_MISSING_RATE[modality]:
            if r < VIEW_POSITION_MISSING_RATE[modality] / 2:
                tags["ViewPosition"] = ""
        else:
            tags["ViewPosition"] = pick(rng, VIEW_POSITIONS[look.view])
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
        if agent not in NEGATIVE_AGENTS and rng.random() < CONTRAST_ROUTE_RATE:
            tags["ContrastBolusRoute"] = "IV"
    return tags
