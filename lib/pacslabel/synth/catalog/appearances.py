"""What a series looks like within its modality and region: appearance components, their
frequency, and how often descriptions leave them out."""

from __future__ import annotations

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


def appearance_weights(modality: str, region: str) -> dict[str, float]:
    """Appearance groups (canonical names) and their relative frequency for one modality and region."""
    table = APPEARANCE_WEIGHTS[modality]
    return table[region] if region in table else table["*"]
