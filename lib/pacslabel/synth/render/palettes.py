"""Tissue values per modality: CT HU per contrast phase, MR signal per sequence, X-ray attenuation,
echogenicity, NM and PET uptake."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.render.style import Style

TISSUES = (
    "AIR",
    "LUNG",
    "FAT",
    "SOFT",
    "MUSCLE",
    "FLUID",
    "BRAIN",
    "WHITE",
    "BONE",
    "CORTEX",
    "CONTRAST",
    "GAS",
    "BLOOD",
    "GLAND",
    "ORGAN",
    "KIDNEY",
    "MYO",
)

PAL_CT = dict(
    zip(TISSUES, (-1000, -850, -100, 40, 55, 8, 38, 28, 450, 1150, 45, -950, 45, 70, 60, 35, 50), strict=True)
)
CT_PHASE: dict[str, dict[str, float]] = {
    "NONCONTRAST": {},
    "ARTERIAL": {
        "BLOOD": 330.0,
        "CONTRAST": 330.0,
        "KIDNEY": 150.0,
        "ORGAN": 75.0,
        "MYO": 110.0,
        "GLAND": 130.0,
    },
    "PORTAL": {
        "BLOOD": 170.0,
        "CONTRAST": 170.0,
        "KIDNEY": 180.0,
        "ORGAN": 115.0,
        "MYO": 95.0,
        "GLAND": 110.0,
    },
    "DELAYED": {"BLOOD": 90.0, "CONTRAST": 900.0, "KIDNEY": 120.0, "ORGAN": 80.0, "MYO": 70.0, "GLAND": 80.0},
}
"""HU that change with the contrast phase (CONTRAST: cardiac blood pool, urine in the collecting system)."""

_MR = {
    # AIR LUNG FAT SOFT MUSCLE FLUID BRAIN WHITE BONE CORTEX CONTRAST GAS BLOOD GLAND ORGAN KIDNEY MYO
    "T1": (0, 15, 950, 380, 300, 120, 520, 650, 700, 25, 150, 0, 90, 420, 480, 380, 320),
    "T2": (0, 15, 700, 420, 200, 1500, 650, 450, 450, 20, 60, 0, 40, 600, 300, 700, 220),
    "PD": (0, 15, 180, 480, 320, 1150, 720, 600, 260, 20, 80, 0, 60, 520, 420, 620, 330),
    "FLAIR": (0, 10, 600, 380, 220, 60, 700, 480, 420, 20, 40, 0, 30, 520, 320, 520, 240),
    "DWI": (0, 5, 30, 150, 110, 70, 420, 330, 40, 5, 40, 0, 20, 260, 220, 380, 110),
    "STIR": (0, 10, 40, 340, 150, 1500, 560, 420, 90, 15, 60, 0, 30, 520, 300, 760, 190),
    "T1C": (0, 15, 260, 420, 320, 120, 540, 660, 300, 25, 650, 0, 900, 800, 820, 1000, 60),
    "SSFP": (0, 20, 900, 500, 260, 1300, 600, 500, 500, 20, 1250, 0, 1200, 500, 520, 600, 260),
}
PAL_MR: dict[str, dict[str, float]] = {k: dict(zip(TISSUES, v, strict=True)) for k, v in _MR.items()}
"""MR signal per sequence class: fluid bright on T2 / STIR / PD, dark on T1 / FLAIR; fat suppressed on
PD (fat-saturated), STIR, DWI and T1C; gadolinium in vessels and organs on T1C; bright blood on SSFP."""
MR_NOISE = {"DWI": 2.2, "STIR": 1.5}
"""Noise relative to the other sequences (low signal-to-noise acquisitions)."""

# projection: attenuation relative to soft tissue (the body outline is SOFT over AIR = +1)
PAL_XRAY = dict(
    zip(
        TISSUES,
        (-1.0, -0.9, -0.15, 0.0, 0.05, 0.0, 0.0, 0.0, 0.9, 1.6, 2.5, -0.8, 0.05, 0.1, 0.08, 0.05, 0.05),
        strict=True,
    )
)
PAL_US = dict(
    zip(
        TISSUES,
        (0.02, 0.8, 0.3, 0.45, 0.35, 0.03, 0.4, 0.42, 0.9, 1.0, 0.04, 0.9, 0.05, 0.65, 0.5, 0.35, 0.55),
        strict=True,
    )
)
"""Echogenicity; blood (0.05) and blood pool (CONTRAST, 0.04) are anechoic values of their own, where
colour Doppler paints flow."""
NM_UPTAKE: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"BONE": 0.5, "CORTEX": 0.3, "KIDNEY": 0.5, "FLUID": 1.0, "BRAIN": -0.4},
    "HEART": {"MYO": 1.0, "MUSCLE": 0.1, "BLOOD": 0.05, "CONTRAST": -0.95},
    "NECK": {"GLAND": 1.0},
    "CHEST": {"LUNG": 0.8},
    "URINARYTRACT": {"KIDNEY": 1.0, "CONTRAST": 0.8},
    "HEAD": {"BRAIN": 0.9, "WHITE": -0.5, "FLUID": -0.85},
}
NM_POSTERIOR = {"BONE": 1.5, "CORTEX": 1.5, "KIDNEY": 2.0, "FLUID": 0.5, "GLAND": 0.6}
"""Uptake factors of the posterior view (spine and kidneys lie close to the back, bladder and thyroid
to the front)."""

PAL_MG = {**PAL_XRAY, "FAT": -0.2, "GLAND": 0.35, "MUSCLE": 0.3, "SOFT": 0.1}
"""Mammography: at 25-34 kVp fat and fibroglandular tissue differ far more than in a radiograph."""

PT_UPTAKE = dict(
    zip(
        TISSUES,
        (0.0, 0.4, 0.3, 0.8, 0.9, 0.2, 7.0, 2.5, 1.2, 0.5, 1.6, 0.0, 1.6, 1.8, 2.4, 3.5, 2.5),
        strict=True,
    )
)
"""Standardised uptake value per tissue: grey matter, kidneys and liver bright, lungs and fat faint."""
PT_REGION_UPTAKE: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"FLUID": 5.0, "CONTRAST": 5.0},  # tracer excreted into the bladder
    "HEART": {"MYO": 6.0, "BLOOD": 0.9, "CONTRAST": 0.9},  # perfusion tracers: myocardium only
}


def palette_for(style: Style, rng: np.random.Generator) -> tuple[dict[str, float], str]:
    m = style.modality
    look = style.look
    if m == "CT":
        pal = dict(PAL_CT)
        pal.update(CT_PHASE[look.phase or "NONCONTRAST"])
        return pal, "set"
    if m == "MR":
        gain = float(rng.uniform(0.7, 1.6))
        pal = {k: v * gain * float(rng.uniform(0.9, 1.1)) for k, v in PAL_MR[look.sequence].items()}
        return pal, "set"
    if m == "US":
        return dict(PAL_US), "set"
    if m == "PT":
        pal = {**PT_UPTAKE, **PT_REGION_UPTAKE.get(style.region, {})}
        return pal, "add" if look.mode == "MIP" else "set"
    if m == "MG":
        return dict(PAL_MG), "add"
    if m == "NM":
        pal = dict.fromkeys(TISSUES, 0.0)
        pal["SOFT"] = 0.04
        pal.update(NM_UPTAKE.get(style.region, {}))
        if look.view == "POST":
            pal.update({k: pal[k] * f for k, f in NM_POSTERIOR.items()})
        return pal, "add"
    pal = dict(PAL_XRAY)
    pal["RIB"] = 0.35
    if m == "XA":
        pal["CONTRAST"] = 0.0  # vessels are drawn on their own layer
    return pal, "add"
