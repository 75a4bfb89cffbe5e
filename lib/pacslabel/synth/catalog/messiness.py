"""How often tags are absent or wrong: BodyPartExamined and its spellings, mislabelled regions,
MONOCHROME1, windows, view positions."""

from __future__ import annotations

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

VIEW_POSITION_MISSING_RATE: dict[str, float] = {"CR": 0.35, "DX": 0.10}
"""Probability per radiograph series that ViewPosition is absent or empty."""
