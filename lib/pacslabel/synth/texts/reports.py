"""Report texts: header, body and findings sentences per language, with empty and one-word reports."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.texts.sampling import maybe_typo, pick
from pacslabel.synth.texts.words import MODALITY_WORDS, REGION_WORDS

Rng = np.random.Generator

REPORT_EMPTY_RATE = 0.02
REPORT_SHORT_RATE = 0.03

FINDINGS: dict[str, tuple[str, ...]] = {
    "hr": (
        "Bez znakova akutne patologije.",
        "Uredan nalaz.",
        "Degenerativne promjene.",
        "Ne prikazuje se svježa fraktura.",
        "Manja lezija, preporučuje se kontrola.",
        "Stanje nakon operativnog zahvata.",
        "Prikazuje se blaže zadebljanje.",
        "Nalaz kao i kod prethodne snimke.",
    ),
    "en": (
        "No acute abnormality.",
        "Normal study.",
        "Degenerative changes.",
        "No fracture seen.",
        "Small lesion, follow-up recommended.",
        "Post-operative state.",
        "Mild thickening noted.",
        "Unchanged compared to prior.",
    ),
    "de": (
        "Kein akuter Befund.",
        "Unauffälliger Befund.",
        "Degenerative Veränderungen.",
        "Keine Fraktur.",
        "Kleine Läsion, Kontrolle empfohlen.",
        "Zustand nach Operation.",
        "Leichte Verdickung.",
        "Befund unverändert zur Voruntersuchung.",
    ),
    "la": (
        "Sine patologia acuta.",
        "Status normalis.",
        "Mutationes degenerativae.",
        "Fractura non videtur.",
        "Laesio parva, controla suadetur.",
        "Status post operationem.",
        "Incrassatio levis.",
        "Status idem ac prius.",
    ),
}
REPORT_HEAD = {
    "hr": ("{mod} {reg}: ", "Nalaz {mod} pretrage ({reg}). ", "{reg} - {mod}. "),
    "en": ("{mod} of the {reg}: ", "Findings ({mod}, {reg}): ", "{reg}, {mod}. "),
    "de": ("{mod} {reg}: ", "Befund {mod} {reg}. ", "{reg} ({mod}): "),
    "la": ("{mod} {reg}: ", "Descriptio: {reg}, {mod}. "),
}
REPORT_BODY = {
    "hr": (
        "Prikazan {reg} urednog položaja.",
        "U području {reg} bez patoloških promjena.",
        "Struktura {reg} očuvana.",
    ),
    "en": (
        "The {reg} is shown in normal position.",
        "The {reg} shows no focal lesion.",
        "Anatomy of the {reg} preserved.",
    ),
    "de": (
        "{reg} regelrecht dargestellt.",
        "Im Bereich {reg} kein Herdbefund.",
        "{reg} ohne Auffälligkeiten.",
    ),
    "la": ("{reg} in positione normali.", "{reg} sine laesione focali."),
}
MODALITY_FINDINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "MG": {
        "hr": (
            "BI-RADS 1.",
            "BI-RADS 2, benigne kalcifikacije.",
            "Gusti žljezdani parenhim (ACR C).",
            "BI-RADS 3, preporučuje se kontrola za 6 mjeseci.",
        ),
        "en": (
            "BI-RADS 1: negative.",
            "BI-RADS 2: benign calcifications.",
            "Heterogeneously dense breasts (ACR C).",
            "BI-RADS 3: probably benign, 6-month follow-up.",
        ),
        "de": (
            "BI-RADS 1.",
            "BI-RADS 2, benigne Verkalkungen.",
            "Dichtes Drüsengewebe (ACR C).",
            "BI-RADS 3, Kontrolle in 6 Monaten.",
        ),
        "la": ("BI-RADS 1.", "BI-RADS 2, calcificationes benignae.", "Parenchyma densum (ACR C)."),
    },
    "PT": {
        "hr": (
            "Bez patološki pojačanog nakupljanja radiofarmaka.",
            "Hipermetabolička lezija, SUVmax {suv}.",
            "Fiziološka distribucija radiofarmaka.",
        ),
        "en": (
            "No abnormal tracer uptake.",
            "Hypermetabolic lesion, SUVmax {suv}.",
            "Physiological tracer distribution.",
        ),
        "de": (
            "Keine pathologische Mehranreicherung.",
            "Hypermetabole Läsion, SUVmax {suv}.",
            "Physiologische Tracerverteilung.",
        ),
        "la": ("Sine accumulatione pathologica.", "Laesio hypermetabolica, SUVmax {suv}."),
    },
}
"""Findings only a mammography (BI-RADS, breast density) or PET (uptake, SUV) report has."""
SHORT_REPORTS = ("ok", "uredno", "b.o.", "o.B.", "nrm", "-", "vidi nalaz", "NAD")


def report_text(rng: Rng, lang: str, modality: str, region: str) -> str:
    r = rng.random()
    if r < REPORT_EMPTY_RATE:
        return ""
    if r < REPORT_EMPTY_RATE + REPORT_SHORT_RATE:
        return pick(rng, SHORT_REPORTS)
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    reg = pick(rng, REGION_WORDS[region][lang])
    reg2 = pick(rng, REGION_WORDS[region][lang])
    parts = [
        pick(rng, REPORT_HEAD[lang]).format(mod=mod, reg=reg),
        pick(rng, REPORT_BODY[lang]).format(reg=reg2),
    ]
    for _ in range(int(rng.integers(1, 4))):
        parts.append(pick(rng, FINDINGS[lang]))
    if modality in MODALITY_FINDINGS:
        suv = round(float(rng.uniform(2.5, 18.0)), 1)
        parts.append(pick(rng, MODALITY_FINDINGS[modality][lang]).format(suv=suv))
    if rng.random() < 0.3:
        parts.append(pick(rng, REPORT_BODY[lang]).format(reg=pick(rng, REGION_WORDS[region][lang])))
    return maybe_typo(rng, " ".join(parts))
