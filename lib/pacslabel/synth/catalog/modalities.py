"""Modality and region mix, SOP classes, series and instances per study, frames, image sizes."""

from __future__ import annotations

MODALITY_WEIGHTS: dict[str, float] = {
    "CR": 0.205,
    "DX": 0.185,
    "CT": 0.168,
    "MR": 0.121,
    "US": 0.112,
    "RF": 0.056,
    "MG": 0.05,
    "XA": 0.046,
    "NM": 0.037,
    "PT": 0.02,
}
"""Share of studies per modality (a mid-size hospital: radiographs first, then CT, MR, US; screening
mammography and PET/CT)."""

REGION_WEIGHTS: dict[str, dict[str, float]] = {
    "CT": {
        "HEAD": 22,
        "CHEST": 18,
        "ABDOMEN": 16,
        "PELVIS": 5,
        "URINARYTRACT": 4,
        "CSPINE": 4,
        "LSPINE": 4,
        "TSPINE": 2,
        "SINUS": 4,
        "NECK": 4,
        "HEART": 4,
        "SKULL": 2,
        "KNEE": 1,
        "HIP": 1,
        "FOOT": 1,
        "SHOULDER": 1,
        "WHOLEBODY": 3,
    },
    "MR": {
        "HEAD": 30,
        "LSPINE": 12,
        "CSPINE": 8,
        "TSPINE": 3,
        "KNEE": 12,
        "SHOULDER": 6,
        "HIP": 3,
        "PELVIS": 5,
        "ABDOMEN": 6,
        "BREAST": 4,
        "HEART": 2,
        "NECK": 3,
        "HAND": 2,
        "FOOT": 3,
        "ELBOW": 1,
    },
    "CR": {
        "CHEST": 34,
        "HAND": 8,
        "FOOT": 8,
        "KNEE": 8,
        "SHOULDER": 5,
        "ELBOW": 3,
        "HIP": 4,
        "PELVIS": 5,
        "LSPINE": 6,
        "CSPINE": 4,
        "TSPINE": 3,
        "SKULL": 3,
        "SINUS": 3,
        "ABDOMEN": 4,
    },
    "DX": {
        "CHEST": 30,
        "HAND": 8,
        "FOOT": 8,
        "KNEE": 9,
        "SHOULDER": 5,
        "ELBOW": 3,
        "HIP": 4,
        "PELVIS": 5,
        "LSPINE": 6,
        "CSPINE": 4,
        "TSPINE": 3,
        "SKULL": 2,
        "SINUS": 2,
        "ABDOMEN": 3,
    },
    "MG": {"BREAST": 100},
    "XA": {"HEART": 60, "HEAD": 14, "NECK": 6, "ABDOMEN": 6, "PELVIS": 6, "URINARYTRACT": 4, "KNEE": 4},
    "RF": {
        "GITRACT": 45,
        "URINARYTRACT": 20,
        "LSPINE": 6,
        "SHOULDER": 5,
        "HIP": 4,
        "KNEE": 4,
        "CHEST": 4,
        "ABDOMEN": 6,
    },
    "NM": {"WHOLEBODY": 36, "HEART": 24, "NECK": 14, "CHEST": 10, "URINARYTRACT": 10, "HEAD": 6},
    "PT": {"WHOLEBODY": 78, "HEAD": 14, "HEART": 8},
    "US": {
        "ABDOMEN": 34,
        "NECK": 12,
        "BREAST": 12,
        "URINARYTRACT": 10,
        "PELVIS": 10,
        "HEART": 10,
        "HIP": 3,
        "SHOULDER": 4,
        "KNEE": 2,
        "GITRACT": 3,
    },
}
"""Relative frequency of regions per modality; a pair absent here never occurs."""

CROSS_SECTIONAL = ("CT", "MR")
PROJECTION = ("CR", "DX", "MG", "XA", "RF")
SLICED = ("CT", "MR", "PT")
"""Modalities whose series are stacks of slices (a PET maximum intensity projection is one image)."""

SOP_CLASS: dict[str, str] = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "XA": "1.2.840.10008.5.1.4.1.1.12.1",
    "RF": "1.2.840.10008.5.1.4.1.1.12.2",
    "NM": "1.2.840.10008.5.1.4.1.1.20",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
    "MG": "1.2.840.10008.5.1.4.1.1.1.2",  # digital mammography, for presentation
    "PT": "1.2.840.10008.5.1.4.1.1.128",
}


# series per study and instances (files) per series, inclusive ranges, before instances_scale
SERIES_PER_STUDY: dict[str, tuple[int, int]] = {
    "CT": (1, 3),
    "MR": (2, 5),
    "CR": (1, 2),
    "DX": (1, 2),
    "XA": (1, 4),
    "RF": (1, 2),
    "NM": (1, 3),
    "US": (1, 1),
    "MG": (2, 4),
    "PT": (2, 4),
}
INSTANCES_PER_SERIES: dict[str, tuple[int, int]] = {
    "CT": (12, 40),
    "MR": (8, 24),
    "CR": (1, 2),
    "DX": (1, 2),
    "XA": (1, 1),
    "RF": (1, 4),
    "NM": (1, 1),
    "US": (3, 10),
    "MG": (1, 1),
    "PT": (10, 30),
}
FRAMES: dict[str, tuple[int, int]] = {"XA": (4, 12), "RF": (3, 8), "NM": (8, 32)}
"""Frames of multi-frame instances (before instances_scale): XA runs, RF fluoroscopy sequences, NM
SPECT slices and dynamic time frames; RF spot images and NM planar views have one frame."""

SIZES: dict[str, tuple[tuple[int, int], ...]] = {
    "CT": ((512, 512),),
    "MR": ((256, 256), (320, 320), (384, 384), (512, 512), (256, 224)),
    "CR": ((1024, 1024), (1024, 832), (832, 1024), (1024, 768)),
    "DX": ((1024, 1024), (1024, 840), (840, 1024), (1024, 800)),
    "XA": ((512, 512), (1024, 1024)),
    "RF": ((512, 512), (1024, 1024), (768, 1024)),
    "NM": ((64, 64), (128, 128), (256, 256)),
    "US": ((480, 640), (600, 800), (768, 1024)),
    "MG": ((1024, 832), (1024, 856), (1024, 820)),
    "PT": ((128, 128), (144, 144), (168, 168), (192, 192), (200, 200), (256, 256)),
}
"""(rows, columns) choices per modality before image_scale and max_size."""

WHOLEBODY_NM_SIZE = (1024, 256)
WHOLEBODY_PT_SIZE = (384, 192)
"""Whole-body PET coronal reformats and maximum intensity projections: twice as tall as wide."""
