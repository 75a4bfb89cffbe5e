"""What scanners write: manufacturers and models, contrast agents, MR sequence parameters, CT
kernels, head tilt and oblique planes, mammography and PET acquisition."""

from __future__ import annotations

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

CONTRAST_AGENT_MISSING_RATE = 0.3
"""Probability that a contrast-enhanced series has no ContrastBolusAgent."""

CONTRAST_ROUTE_RATE = 0.5
"""Probability that a named contrast agent comes with ContrastBolusRoute."""

NONCONTRAST_AGENT_NONE_RATE = 0.06
"""Probability that a series without contrast has ContrastBolusAgent spelled as a negative ("NONE", ...)."""

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
