"""What occurs in practice: modality mix, region mix per modality, sizes, series plans, vendors.

All rates that tests check are module constants here.
"""

from __future__ import annotations

from pacslabel.vocab import MODALITIES, REGIONS

MODALITY_WEIGHTS: dict[str, float] = {
    "CR": 0.22,
    "DX": 0.20,
    "CT": 0.18,
    "MR": 0.13,
    "US": 0.12,
    "RF": 0.06,
    "XA": 0.05,
    "NM": 0.04,
}
"""Share of studies per modality (a mid-size hospital: radiographs first, then CT, MR, US)."""

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
        "BREAST": 8,
    },
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
PROJECTION = ("CR", "DX", "XA", "RF")

# ---- tag messiness (rates the tests check) ---------------------------------------------------------

BODY_PART_MISSING_RATE: dict[str, float] = {
    "CT": 0.15,
    "MR": 0.20,
    "CR": 0.70,
    "DX": 0.60,
    "XA": 0.80,
    "RF": 0.75,
    "NM": 0.40,
    "US": 0.50,
}
"""Probability per series that BodyPartExamined is absent."""

BODY_PART_VARIANT_RATE = 0.45
"""When present, probability that BodyPartExamined is a variant spelling rather than the canonical one."""

MISLABEL_RATE = 0.03
"""Probability per series that the descriptive tags (and BodyPartExamined) name another region."""

MONOCHROME1_RATE: dict[str, float] = {"CR": 0.45, "DX": 0.15}
WINDOW_MISSING_RATE: dict[str, float] = {
    "CT": 0.05,
    "MR": 0.25,
    "CR": 0.35,
    "DX": 0.20,
    "XA": 0.30,
    "RF": 0.40,
    "NM": 0.60,
    "US": 0.90,
}
WINDOW_MULTI_RATE: dict[str, float] = {"CT": 0.35, "XA": 0.2}

BODY_PART_VARIANTS: dict[str, tuple[str, ...]] = {
    "HEAD": ("HEAD", "BRAIN", "GLAVA", "MOZAK", "KOPF", "SCHAEDEL", "HEAD_NECK", "CRANIUM"),
    "NECK": ("NECK", "VRAT", "HALS", "THYROID", "STITNJACA", "COLLUM"),
    "CSPINE": ("CSPINE", "C_SPINE", "C-SPINE", "CERVICAL SPINE", "HWS", "VRATNA KRALJ", "C SPINE"),
    "TSPINE": ("TSPINE", "T_SPINE", "T-SPINE", "THORACIC SPINE", "BWS", "TORAKALNA KRALJ", "DORSAL SPINE"),
    "LSPINE": ("LSPINE", "L_SPINE", "L-SPINE", "LUMBAR SPINE", "LWS", "LS KRALJ", "L SPINE", "LUMBOSACRAL"),
    "CHEST": ("CHEST", "THORAX", "PLUCA", "TORAKS", "LUNGE", "PULMO", "CHEST_LAT", "PC"),
    "ABDOMEN": ("ABDOMEN", "ABD", "TRBUH", "BAUCH", "ABDOMEN_PELVIS", "ABDOMENPELVIS"),
    "PELVIS": ("PELVIS", "ZDJELICA", "BECKEN", "PELVIS_BONE"),
    "SHOULDER": ("SHOULDER", "RAME", "SCHULTER", "HUMERUS", "ARM"),
    "ELBOW": ("ELBOW", "LAKAT", "ELLENBOGEN", "ARM", "FOREARM"),
    "HAND": ("HAND", "SAKA", "WRIST", "SHAKA", "HANDGELENK", "RUKA", "FINGER"),
    "HIP": ("HIP", "KUK", "HUEFTE", "HUFTE", "FEMUR"),
    "KNEE": ("KNEE", "KOLJENO", "KNIE", "LEG", "EXTREMITY"),
    "FOOT": ("FOOT", "STOPALO", "FUSS", "ANKLE", "GLEZANJ", "LOWER_LIMB"),
    "HEART": ("HEART", "SRCE", "HERZ", "CARDIAC", "CORONARY", "COR"),
    "BREAST": ("BREAST", "DOJKA", "BRUST", "MAMMA", "MAMMO"),
    "URINARYTRACT": ("KIDNEY", "BUBREG", "NIERE", "URINARY", "UROTRACT", "BLADDER", "RENAL"),
    "GITRACT": ("GI", "STOMACH", "COLON", "ZELUDAC", "ESOPHAGUS", "JEDNJAK", "DARM", "BOWEL"),
    "SKULL": ("SKULL", "LUBANJA", "SCHAEDEL", "CRANIUM", "HEAD"),
    "SINUS": ("SINUS", "SINUSI", "NNH", "PNS", "PARANASAL", "FACE"),
    "WHOLEBODY": ("WHOLEBODY", "WHOLE BODY", "CIJELO TIJELO", "GANZKOERPER", "BODY", "TBODY"),
}
"""Spellings of BodyPartExamined seen per region; the first one is canonical."""

# ---- acquisition ---------------------------------------------------------------------------------------

MANUFACTURERS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "CT": (
        ("SIEMENS", ("SOMATOM Definition AS+", "SOMATOM go.Top", "Emotion 16")),
        ("GE MEDICAL SYSTEMS", ("Revolution EVO", "LightSpeed VCT", "Optima CT660")),
        ("Philips", ("Ingenuity CT", "Brilliance 64")),
        ("TOSHIBA", ("Aquilion",)),
    ),
    "MR": (
        ("SIEMENS", ("Avanto", "Skyra", "Aera", "MAGNETOM Vida")),
        ("GE MEDICAL SYSTEMS", ("SIGNA Explorer", "Optima MR450w")),
        ("Philips Medical Systems", ("Ingenia", "Achieva")),
    ),
    "CR": (
        ("FUJIFILM Corporation", ("FCR PROFECT CS", "FCR Capsula XL II")),
        ("Agfa", ("CR 85-X", "DX-G")),
        ("KODAK", ("CR 975",)),
        ("Carestream Health", ("CR Vita",)),
    ),
    "DX": (
        ("Philips Medical Systems", ("DigitalDiagnost", "DigitalDiagnost C90")),
        ("SIEMENS", ("Ysio Max", "Multix Fusion")),
        ("Carestream Health", ("DRX-Evolution",)),
        ("GE Healthcare", ("Definium 6000", "Senographe Essential")),
    ),
    "XA": (("SIEMENS", ("AXIOM-Artis", "Artis zee")), ("Philips Medical Systems", ("AlluraXper",))),
    "RF": (("SIEMENS", ("Luminos dRF", "AXIOM Iconos")), ("Philips Medical Systems", ("EasyDiagnost",))),
    "NM": (("SIEMENS NM", ("Symbia T2", "e.cam")), ("GE MEDICAL SYSTEMS", ("Infinia", "Discovery NM630"))),
    "US": (
        ("GE Healthcare", ("LOGIQ E9", "Voluson E8", "Vivid S70")),
        ("Philips Medical Systems", ("iU22", "EPIQ 7G")),
        ("TOSHIBA_MEC_US", ("Aplio 500",)),
        ("SAMSUNG MEDISON CO.,LTD.", ("HS70A",)),
    ),
}

SOP_CLASS: dict[str, str] = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "XA": "1.2.840.10008.5.1.4.1.1.12.1",
    "RF": "1.2.840.10008.5.1.4.1.1.12.2",
    "NM": "1.2.840.10008.5.1.4.1.1.20",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
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
}
FRAMES: dict[str, tuple[int, int]] = {"XA": (4, 12), "NM": (8, 32)}
"""Frames of the multi-frame modalities (before instances_scale)."""

SIZES: dict[str, tuple[tuple[int, int], ...]] = {
    "CT": ((512, 512),),
    "MR": ((256, 256), (320, 320), (384, 384), (512, 512), (256, 224)),
    "CR": ((1024, 1024), (1024, 832), (832, 1024), (1024, 768)),
    "DX": ((1024, 1024), (1024, 840), (840, 1024), (1024, 800)),
    "XA": ((512, 512), (1024, 1024)),
    "RF": ((512, 512), (1024, 1024), (768, 1024)),
    "NM": ((64, 64), (128, 128), (256, 256)),
    "US": ((480, 640), (600, 800), (768, 1024)),
}
"""(rows, columns) choices per modality before image_scale and max_size."""

WHOLEBODY_NM_SIZE = (1024, 256)


def check_catalog() -> None:
    """Programmer check: every vocabulary name is used and nothing outside it."""
    assert set(MODALITY_WEIGHTS) == set(MODALITIES)
    used = set()
    for modality, weights in REGION_WEIGHTS.items():
        assert modality in MODALITIES
        assert set(weights) <= set(REGIONS), set(weights) - set(REGIONS)
        used |= set(weights)
    assert used == set(REGIONS), set(REGIONS) - used
    assert set(BODY_PART_VARIANTS) == set(REGIONS)
