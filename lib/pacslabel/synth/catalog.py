"""What occurs in practice: modality mix, region mix per modality, sizes, series plans, vendors.

All rates that tests check are module constants here.
"""

from __future__ import annotations

from pacslabel.vocab import MODALITIES, REGIONS

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
    "MG": 0.05,
    "PT": 0.30,
}
"""Probability per series that BodyPartExamined is absent."""

BODY_PART_VARIANT_RATE = 0.45
"""When present, probability that BodyPartExamined is a variant spelling rather than the canonical one."""

MISLABEL_RATE = 0.03
"""Probability per series that the descriptive tags (and BodyPartExamined) name another region."""

MONOCHROME1_RATE: dict[str, float] = {"CR": 0.45, "DX": 0.15, "MG": 0.3}
WINDOW_MISSING_RATE: dict[str, float] = {
    "CT": 0.05,
    "MR": 0.25,
    "CR": 0.35,
    "DX": 0.20,
    "XA": 0.30,
    "RF": 0.40,
    "NM": 0.60,
    "US": 0.90,
    "MG": 0.05,
    "PT": 0.50,
}
WINDOW_MULTI_RATE: dict[str, float] = {"CT": 0.35, "XA": 0.2, "MG": 0.5}

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
        ("GE Healthcare", ("Definium 6000", "Discovery XR656")),
    ),
    "MG": (
        ("HOLOGIC, Inc.", ("Selenia Dimensions", "3Dimensions")),
        ("GE Healthcare", ("Senographe Pristina", "Senographe Essential")),
        ("SIEMENS", ("MAMMOMAT Revelation", "MAMMOMAT Inspiration")),
        ("FUJIFILM Corporation", ("AMULET Innovality",)),
    ),
    "XA": (("SIEMENS", ("AXIOM-Artis", "Artis zee")), ("Philips Medical Systems", ("AlluraXper",))),
    "RF": (("SIEMENS", ("Luminos dRF", "AXIOM Iconos")), ("Philips Medical Systems", ("EasyDiagnost",))),
    "NM": (("SIEMENS NM", ("Symbia T2", "e.cam")), ("GE MEDICAL SYSTEMS", ("Infinia", "Discovery NM630"))),
    "PT": (
        ("SIEMENS", ("Biograph Vision", "Biograph mCT")),
        ("GE MEDICAL SYSTEMS", ("Discovery MI", "Discovery 710")),
        ("Philips Medical Systems", ("Vereos PET/CT", "Ingenuity TF PET/CT")),
    ),
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


# ---- appearance: what a series looks like within its modality and region ------------------------------

APPEARANCE_FIELDS = ("sequence", "plane", "kernel", "phase", "view", "mode")
"""Components of an appearance, each a truth column; an appearance name is its component values."""

APPEARANCE_TOKENS: dict[str, tuple[str, ...]] = {
    "sequence": ("T1", "T2", "PD", "FLAIR", "DWI", "STIR", "T1C", "SSFP"),
    "plane": ("AX", "COR", "SAG", "SA", "TRANS", "LONG", "A4C"),
    "kernel": ("SOFT", "BONE", "LUNG"),
    "phase": ("NONCONTRAST", "ARTERIAL", "PORTAL", "DELAYED"),
    "view": ("PA", "AP", "LAT", "OBLIQUE", "CC", "MLO", "LAO", "RAO", "ANT", "POST"),
    "mode": (
        "BMODE",
        "DOPPLER",
        "DSA",
        "NATIVE",
        "FLUORO",
        "CINE",
        "LV",
        "SPOT",
        "SEQUENCE",
        "PLANAR",
        "SPECT",
        "DYNAMIC",
        "AC",
        "NAC",
        "MIP",
    ),
}
"""Values per component. MR: sequence (T1C = T1 after gadolinium, PD fat-suppressed, SSFP = cardiac cine)
and plane; CT: kernel class, plane, and for soft-tissue kernels the contrast phase (bone and lung
windows hide it); CR / DX: view; US: mode and plane (SA / A4C = echo short axis / apical four-chamber);
XA: mode and projection; RF: mode; NM: mode and view (planar) or plane (SPECT); MG: view (CC =
craniocaudal, MLO = mediolateral oblique); PT: attenuation-corrected (AC) or not (NAC) slices and their
plane, or the whole-body maximum intensity projection (MIP)."""

_MR_SPINE = {"T2 SAG": 34, "T1 SAG": 26, "T2 AX": 24, "STIR SAG": 16}
_MR_SMALL_JOINT = {"PD COR": 30, "T1 COR": 26, "PD AX": 26, "STIR COR": 18}
_CT_SPINE = {"BONE SAG": 34, "BONE AX": 28, "SOFT AX NONCONTRAST": 26, "BONE COR": 12}
_CT_JOINT = {"BONE AX": 45, "BONE COR": 35, "SOFT AX NONCONTRAST": 20}
_XR_SPINE = {"LAT": 52, "AP": 48}
_XR = {
    "CHEST": {"PA": 48, "LAT": 32, "AP": 20},
    "HAND": {"PA": 45, "OBLIQUE": 30, "LAT": 25},
    "FOOT": {"AP": 42, "OBLIQUE": 30, "LAT": 28},
    "KNEE": {"AP": 50, "LAT": 50},
    "SHOULDER": {"AP": 62, "LAT": 38},
    "ELBOW": {"AP": 50, "LAT": 50},
    "HIP": {"AP": 60, "LAT": 40},
    "PELVIS": {"AP": 88, "OBLIQUE": 12},
    "LSPINE": _XR_SPINE,
    "TSPINE": _XR_SPINE,
    "CSPINE": {"LAT": 45, "AP": 40, "OBLIQUE": 15},
    "SKULL": {"PA": 50, "LAT": 50},
    "SINUS": {"PA": 75, "LAT": 25},
    "ABDOMEN": {"AP": 82, "LAT": 18},
}

APPEARANCE_WEIGHTS: dict[str, dict[str, dict[str, float]]] = {
    "MR": {
        "HEAD": {"T2 AX": 24, "FLAIR AX": 22, "DWI AX": 16, "T1 SAG": 16, "T1C AX": 12, "T2 COR": 10},
        "CSPINE": _MR_SPINE,
        "TSPINE": _MR_SPINE,
        "LSPINE": _MR_SPINE,
        "KNEE": {"PD SAG": 30, "PD COR": 26, "T1 COR": 18, "PD AX": 14, "STIR SAG": 12},
        "SHOULDER": {"PD COR": 34, "PD AX": 26, "T1 COR": 22, "STIR COR": 18},
        "HIP": {"STIR COR": 30, "T1 COR": 30, "PD AX": 22, "T2 AX": 18},
        "PELVIS": {"T2 AX": 30, "T2 SAG": 22, "T1 AX": 20, "DWI AX": 14, "T1C AX": 14},
        "ABDOMEN": {"T2 AX": 28, "T1 AX": 22, "T1C AX": 22, "DWI AX": 16, "T2 COR": 12},
        "BREAST": {"T1C AX": 30, "STIR AX": 24, "T1 AX": 18, "DWI AX": 18, "T1C SAG": 10},
        "HEART": {"SSFP SA": 48, "T1C SA": 30, "T2 AX": 22},
        "NECK": {"T2 AX": 30, "T1 AX": 26, "STIR COR": 24, "T1C AX": 20},
        "HAND": _MR_SMALL_JOINT,
        "ELBOW": _MR_SMALL_JOINT,
        "FOOT": {"PD SAG": 30, "T1 SAG": 24, "PD AX": 26, "STIR SAG": 20},
    },
    "CT": {
        "HEAD": {
            "SOFT AX NONCONTRAST": 52,
            "BONE AX": 22,
            "SOFT COR NONCONTRAST": 14,
            "SOFT AX ARTERIAL": 12,
        },
        "SKULL": {"BONE AX": 55, "SOFT AX NONCONTRAST": 25, "BONE SAG": 20},
        "SINUS": {"BONE COR": 45, "BONE AX": 35, "SOFT AX NONCONTRAST": 20},
        "NECK": {
            "SOFT AX PORTAL": 45,
            "SOFT AX NONCONTRAST": 22,
            "SOFT AX ARTERIAL": 18,
            "SOFT COR PORTAL": 15,
        },
        "CHEST": {
            "LUNG AX": 30,
            "SOFT AX PORTAL": 24,
            "SOFT AX NONCONTRAST": 18,
            "SOFT AX ARTERIAL": 14,
            "LUNG COR": 14,
        },
        "HEART": {"SOFT AX ARTERIAL": 60, "SOFT AX NONCONTRAST": 28, "LUNG AX": 12},
        "ABDOMEN": {
            "SOFT AX PORTAL": 36,
            "SOFT COR PORTAL": 20,
            "SOFT AX NONCONTRAST": 16,
            "SOFT AX ARTERIAL": 16,
            "BONE SAG": 12,
        },
        "PELVIS": {"SOFT AX PORTAL": 42, "SOFT AX NONCONTRAST": 24, "BONE AX": 18, "SOFT COR PORTAL": 16},
        "URINARYTRACT": {
            "SOFT AX NONCONTRAST": 40,
            "SOFT AX PORTAL": 25,
            "SOFT AX DELAYED": 20,
            "SOFT COR DELAYED": 15,
        },
        "CSPINE": _CT_SPINE,
        "TSPINE": _CT_SPINE,
        "LSPINE": _CT_SPINE,
        "KNEE": {"BONE AX": 38, "BONE COR": 28, "BONE SAG": 16, "SOFT AX NONCONTRAST": 18},
        "HIP": _CT_JOINT,
        "SHOULDER": _CT_JOINT,
        "FOOT": {"BONE SAG": 35, "BONE AX": 30, "SOFT AX NONCONTRAST": 20, "BONE COR": 15},
        "WHOLEBODY": {"SOFT AX PORTAL": 50, "SOFT AX NONCONTRAST": 20, "BONE AX": 18, "LUNG AX": 12},
    },
    "CR": _XR,
    "DX": _XR,
    "MG": {"BREAST": {"CC": 50, "MLO": 50}},
    "US": {
        "*": {"BMODE TRANS": 38, "BMODE LONG": 36, "DOPPLER LONG": 26},
        "BREAST": {"BMODE TRANS": 44, "BMODE LONG": 40, "DOPPLER TRANS": 16},
        "HEART": {"BMODE A4C": 34, "BMODE SA": 30, "DOPPLER A4C": 36},
    },
    "XA": {
        "*": {"DSA AP": 58, "NATIVE AP": 24, "FLUORO AP": 18},
        "HEAD": {"DSA AP": 38, "DSA LAT": 36, "NATIVE AP": 16, "FLUORO AP": 10},
        "HEART": {"CINE LAO": 40, "CINE RAO": 38, "LV RAO": 22},
    },
    "RF": {
        "*": {"SPOT": 55, "SEQUENCE": 45},
        "URINARYTRACT": {"SPOT": 75, "SEQUENCE": 25},
    },
    "NM": {
        "WHOLEBODY": {"PLANAR ANT": 40, "PLANAR POST": 40, "SPECT AX": 20},
        "HEART": {"SPECT SA": 70, "PLANAR ANT": 30},
        "NECK": {"PLANAR ANT": 72, "SPECT AX": 28},
        "CHEST": {"PLANAR ANT": 34, "PLANAR POST": 34, "SPECT AX": 32},
        "URINARYTRACT": {"DYNAMIC POST": 70, "PLANAR POST": 30},
        "HEAD": {"SPECT AX": 80, "PLANAR ANT": 20},
    },
    "PT": {
        "WHOLEBODY": {"AC AX": 40, "AC COR": 22, "NAC AX": 20, "MIP ANT": 18},
        "HEAD": {"AC AX": 52, "AC COR": 18, "NAC AX": 18, "AC SAG": 12},
        "HEART": {"AC SA": 60, "NAC SA": 22, "AC AX": 18},
    },
}
"""Relative frequency of appearance groups per modality and region (``"*"``: every region not listed).
A study draws its series' appearances without replacement, so a multi-series study shows several."""

DESCRIPTION_UNINFORMATIVE_RATE: dict[str, float] = {
    "CT": 0.12,
    "MR": 0.08,
    "CR": 0.30,
    "DX": 0.20,
    "XA": 0.40,
    "RF": 0.45,
    "NM": 0.30,
    "US": 0.50,
    "MG": 0.10,
    "PT": 0.25,
}
"""Probability per series that SeriesDescription / ProtocolName name the region only, not the appearance."""

APPEARANCE_WORD_DROP_RATE = 0.2
"""In an informative description, probability that a component's word is left out (per component)."""

CONTRAST_AGENT_MISSING_RATE = 0.3
"""Probability that a contrast-enhanced series has no ContrastBolusAgent."""

CONTRAST_ROUTE_RATE = 0.5
"""Probability that a named contrast agent comes with ContrastBolusRoute."""

NONCONTRAST_AGENT_NONE_RATE = 0.06
"""Probability that a series without contrast has ContrastBolusAgent spelled as a negative ("NONE", ...)."""

VIEW_POSITION_MISSING_RATE: dict[str, float] = {"CR": 0.35, "DX": 0.10}
"""Probability per radiograph series that ViewPosition is absent or empty."""

MR_OBLIQUE_RATE = 0.6
"""Probability that an MR series is planned slightly oblique (ImageOrientationPatient off the axes)."""

CT_HEAD_TILT_RATE = 0.3
"""Probability that an axial head CT series is acquired with gantry tilt."""

MG_COMPRESSION_N = (60.0, 160.0)
MG_THICKNESS_MM = (30.0, 80.0)
MG_KVP = (25.0, 34.0)
"""Compression force (N), compressed breast thickness (mm) and tube voltage (kVp) of a mammogram."""

PT_TRACERS: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"FDG": 78, "PSMA": 16, "DOTATATE": 6},
    "HEAD": {"FDG": 70, "AMYLOID": 30},
    "HEART": {"RB82": 60, "NH3": 40},
}
"""Tracer of a PET study per region: oncological FDG first, PSMA (prostate) and DOTATATE
(neuroendocrine); brain FDG and amyloid; myocardial perfusion with rubidium or ammonia."""

RADIOPHARMACEUTICALS: dict[str, tuple[str, str, str, float, tuple[float, float]]] = {
    "FDG": ("Fluorodeoxyglucose", "^18^Fluorine", "C-111A1", 6586.2, (180.0, 400.0)),
    "PSMA": ("Ga-68 PSMA-11", "^68^Gallium", "C-131A3", 4057.7, (100.0, 200.0)),
    "DOTATATE": ("Ga-68 DOTATATE", "^68^Gallium", "C-131A3", 4057.7, (100.0, 200.0)),
    "AMYLOID": ("Florbetapir", "^18^Fluorine", "C-111A1", 6586.2, (300.0, 400.0)),
    "RB82": ("Rubidium-82 chloride", "^82^Rubidium", "C-159A2", 75.4, (900.0, 1500.0)),
    "NH3": ("Ammonia N-13", "^13^Nitrogen", "C-107A1", 597.9, (400.0, 800.0)),
}
"""Per tracer: Radiopharmaceutical, radionuclide (SNOMED code meaning and value), half-life (s) and
injected activity (MBq)."""

CONTRAST_AGENTS: dict[str, tuple[str, ...]] = {
    "CT": (
        "Omnipaque 350",
        "OMNIPAQUE",
        "Ultravist 370",
        "Iomeron 400",
        "IOMERON",
        "Visipaque 320",
        "Optiray 350",
        "KONTRAST",
        "80ml Omnipaque",
        "iv kontrast",
        "KM",
    ),
    "MR": (
        "Gadovist",
        "GADOVIST 1.0",
        "DOTAREM",
        "MultiHance",
        "Gd-DTPA",
        "gadolinium",
        "10 ml Gadovist",
        "Clariscan",
    ),
}
"""Spellings of ContrastBolusAgent: iodinated agents (CT, angiography) and gadolinium (MR)."""
NEGATIVE_AGENTS = ("NONE", "None", "no", "0", "nativ")

CT_KERNELS: dict[str, dict[str, tuple[str, ...]]] = {
    "SIEMENS": {
        "SOFT": ("B30f", "B31f", "I31f", "Br40d", "H30s", "B40f"),
        "BONE": ("B60s", "B70s", "Br64d", "H60s", "B75f"),
        "LUNG": ("B70f", "I70f", "Bl57d", "B60f"),
    },
    "GE MEDICAL SYSTEMS": {
        "SOFT": ("STANDARD", "SOFT", "DETAIL"),
        "BONE": ("BONE", "BONEPLUS", "EDGE"),
        "LUNG": ("LUNG", "CHEST"),
    },
    "Philips": {"SOFT": ("B", "C", "UB"), "BONE": ("D", "E", "YC"), "LUNG": ("L", "YB")},
    "TOSHIBA": {
        "SOFT": ("FC03", "FC13", "FC18", "FC26"),
        "BONE": ("FC30", "FC35", "FC81"),
        "LUNG": ("FC51", "FC52", "FC55"),
    },
}
"""ConvolutionKernel names per CT manufacturer and kernel class."""

MR_SEQUENCE_PARAMS: dict[str, tuple[dict, ...]] = {
    "T1": (
        {
            "scan": "SE",
            "variant": "SK\\SP",
            "tr": (400, 750),
            "te": (8, 20),
            "flip": (70, 90),
            "etl": (1, 4),
            "name": "*tse2d1_3",
        },
        {
            "scan": "GR\\IR",
            "variant": "SK\\SP\\MP",
            "tr": (1800, 2300),
            "te": (2, 4),
            "ti": (800, 1100),
            "flip": (8, 12),
            "etl": (1, 1),
            "acq": "3D",
            "name": "*tfl3d1_16ns",
        },
    ),
    "T2": (
        {
            "scan": "SE",
            "variant": "SK\\SP\\OSP",
            "tr": (3000, 6500),
            "te": (80, 120),
            "flip": (120, 180),
            "etl": (10, 25),
            "name": "*tse2d1_15",
        },
    ),
    "PD": (
        {
            "scan": "SE",
            "variant": "SK\\SP",
            "tr": (2000, 4000),
            "te": (25, 45),
            "flip": (120, 180),
            "etl": (6, 14),
            "fs": 0.7,
            "name": "*tse2d1_7",
        },
    ),
    "FLAIR": (
        {
            "scan": "SE\\IR",
            "variant": "SK\\SP\\MP",
            "tr": (7000, 11000),
            "te": (80, 140),
            "ti": (2200, 2800),
            "flip": (120, 180),
            "etl": (12, 24),
            "name": "*tir2d1_21",
        },
    ),
    "STIR": (
        {
            "scan": "SE\\IR",
            "variant": "SK\\SP\\MP",
            "tr": (3000, 6000),
            "te": (30, 70),
            "ti": (130, 180),
            "flip": (120, 180),
            "etl": (8, 18),
            "name": "*tir2d1_11",
        },
    ),
    "DWI": (
        {
            "scan": "EP",
            "variant": "SK\\SP",
            "tr": (3000, 8000),
            "te": (55, 100),
            "flip": (90, 90),
            "etl": (48, 128),
            "fs": 1.0,
            "name": "*ep_b1000t",
        },
    ),
    "T1C": (
        {
            "scan": "SE",
            "variant": "SK\\SP",
            "tr": (400, 750),
            "te": (8, 20),
            "flip": (70, 90),
            "etl": (1, 4),
            "fs": 0.6,
            "name": "*tse2d1_3",
        },
        {
            "scan": "GR",
            "variant": "SP\\SK",
            "tr": (3.5, 8),
            "te": (1.2, 4),
            "flip": (10, 15),
            "etl": (1, 1),
            "acq": "3D",
            "fs": 0.8,
            "name": "*fl3d1",
        },
    ),
    "SSFP": (
        {
            "scan": "GR",
            "variant": "SS\\SK",
            "tr": (2.8, 4.0),
            "te": (1.2, 1.8),
            "flip": (45, 70),
            "etl": (1, 1),
            "name": "*tfi2d1_12",
        },
    ),
}
"""Acquisition of each MR sequence class (one choice drawn per series): ScanningSequence, SequenceVariant,
TR / TE / TI ranges (ms), flip angle, echo train length, 3D or 2D, probability of fat suppression
(ScanOptions FS), and the SequenceName a Siemens scanner writes."""


# ---- site vocabularies: each institution's own codes (see pacslabel.synth.codes) ----------------------

SITE_PROTOCOL_STYLES: dict[str, float] = {"csv": 0.2, "opaque": 0.3, "structured": 0.3, "numbered": 0.2}
"""How a site names its scanner protocols in ProtocolName (one style per site): comma-separated fields
("0,OPA,GE,HSP"), an opaque code ("QX7R"), abbreviations joined ("HD_SFT_NC"), a numbered list ("MR114")."""

SITE_REQUESTED_STYLES: dict[str, float] = {
    "{num}": 0.3,
    "{mod}{num}": 0.2,
    "{mod}-{num}": 0.1,
    "{num} {abbr}": 0.2,
    "{abbr}": 0.2,
}
"""How a site's order entry writes RequestedProcedureDescription: a numeric procedure code, with the
modality code, with the procedure abbreviation, or the abbreviation alone."""

SITE_CURATED_ABBREVIATION_RATE = 0.5
"""Probability that a site writes a region with a common clinical abbreviation ("CHST", "LS") rather
than one of its own (vowels dropped, truncated, initials) of an English or local word."""

SITE_LOCAL_WORD_RATE = 0.4
"""Probability that a site's own region abbreviation comes from its language rather than English."""

SITE_FUSED_RATE = 0.5
"""Probability that a site writes fused modality-region abbreviations ("CXR", "CTH") where they exist."""

SITE_SERIES_REGION_RATE = 0.4
"""Probability that a site's scanner series descriptions name the region ("KN PD SAG", not "PD SAG")."""

SITE_CT_THICKNESS_RATE = 0.5
"""Probability that a site's CT series descriptions end with the slice thickness ("SFT AX 5.0")."""


def appearance_weights(modality: str, region: str) -> dict[str, float]:
    """Appearance groups (canonical names) and their relative frequency for one modality and region."""
    table = APPEARANCE_WEIGHTS[modality]
    return table[region] if region in table else table["*"]


def check_catalog() -> None:
    """Programmer check: every vocabulary name is used and nothing outside it; appearances are well formed."""
    assert set(MODALITY_WEIGHTS) == set(MODALITIES)
    used = set()
    for modality, weights in REGION_WEIGHTS.items():
        assert modality in MODALITIES
        assert set(weights) <= set(REGIONS), set(weights) - set(REGIONS)
        used |= set(weights)
    assert used == set(REGIONS), set(REGIONS) - used
    assert set(BODY_PART_VARIANTS) == set(REGIONS)
    field_of = {t: f for f, tokens in APPEARANCE_TOKENS.items() for t in tokens}
    assert len(field_of) == sum(map(len, APPEARANCE_TOKENS.values())), "a token names two components"
    for modality, weights in REGION_WEIGHTS.items():
        for region in weights:
            groups = appearance_weights(modality, region)
            assert 2 <= len(groups) <= 6, (modality, region)
            for name in groups:
                fields = [field_of[t] for t in name.split()]
                assert len(set(fields)) == len(fields), name
    assert set(MR_SEQUENCE_PARAMS) == set(APPEARANCE_TOKENS["sequence"])
    assert {m for m, _ in MANUFACTURERS["CT"]} == set(CT_KERNELS)
