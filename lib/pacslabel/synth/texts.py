"""Free text as a hospital writes it: descriptions and reports in Croatian, Latin, English and German,
with abbreviations and typos; synthetic (fake) patient and staff identities.
"""

from __future__ import annotations

import numpy as np

Rng = np.random.Generator

LANGS = ("hr", "en", "de", "la")
LANG_WEIGHTS = (0.45, 0.25, 0.15, 0.15)
"""Language of a study's descriptions and report, drawn independently of modality and region."""

TYPO_RATE = 0.08
"""Probability that a description gets one typo (dropped, doubled or swapped letter)."""

REPORT_EMPTY_RATE = 0.02
REPORT_SHORT_RATE = 0.03

# region -> language -> names (the first is the plain one; others abbreviations / synonyms)
REGION_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "HEAD": {
        "hr": ("mozak", "glava", "neurokranij"),
        "en": ("brain", "head"),
        "de": ("Schädel", "Kopf", "Hirn"),
        "la": ("cerebrum", "caput", "neurocranium"),
    },
    "NECK": {
        "hr": ("vrat", "štitnjača", "stitnjaca"),
        "en": ("neck", "thyroid", "soft tissue neck"),
        "de": ("Hals", "Schilddrüse"),
        "la": ("collum", "glandula thyroidea"),
    },
    "CSPINE": {
        "hr": ("vratna kralježnica", "VK", "C kralj."),
        "en": ("cervical spine", "c-spine", "CS"),
        "de": ("HWS", "Halswirbelsäule"),
        "la": ("columna vertebralis cervicalis", "col. cerv."),
    },
    "TSPINE": {
        "hr": ("torakalna kralježnica", "TK", "Th kralj."),
        "en": ("thoracic spine", "t-spine", "TS"),
        "de": ("BWS", "Brustwirbelsäule"),
        "la": ("columna vertebralis thoracica", "col. thor."),
    },
    "LSPINE": {
        "hr": ("lumbalna kralježnica", "LS kralj.", "LSK"),
        "en": ("lumbar spine", "l-spine", "LS"),
        "de": ("LWS", "Lendenwirbelsäule"),
        "la": ("columna vertebralis lumbalis", "col. lumb."),
    },
    "CHEST": {
        "hr": ("pluća", "prsni koš", "toraks", "srce i pluća"),
        "en": ("chest", "lungs", "thorax"),
        "de": ("Thorax", "Lunge", "Rö-Thorax"),
        "la": ("thorax", "pulmones", "pulmo et cor"),
    },
    "ABDOMEN": {
        "hr": ("abdomen", "trbuh", "nativni abdomen"),
        "en": ("abdomen", "abd", "upper abdomen"),
        "de": ("Abdomen", "Bauch", "Oberbauch"),
        "la": ("abdomen", "cavum abdominis"),
    },
    "PELVIS": {
        "hr": ("zdjelica", "mala zdjelica"),
        "en": ("pelvis", "pelvic"),
        "de": ("Becken",),
        "la": ("pelvis", "os coxae"),
    },
    "SHOULDER": {
        "hr": ("rame", "rameni zglob"),
        "en": ("shoulder", "shoulder joint"),
        "de": ("Schulter",),
        "la": ("articulatio humeri", "humerus"),
    },
    "ELBOW": {
        "hr": ("lakat", "lakatni zglob"),
        "en": ("elbow",),
        "de": ("Ellenbogen", "Ellbogen"),
        "la": ("articulatio cubiti", "cubitus"),
    },
    "HAND": {
        "hr": ("šaka", "saka", "ručni zglob"),
        "en": ("hand", "wrist", "fingers"),
        "de": ("Hand", "Handgelenk"),
        "la": ("manus", "carpus", "articulatio radiocarpalis"),
    },
    "HIP": {
        "hr": ("kuk", "zglob kuka"),
        "en": ("hip", "hip joint"),
        "de": ("Hüfte", "Hueftgelenk"),
        "la": ("articulatio coxae", "coxa"),
    },
    "KNEE": {
        "hr": ("koljeno", "zglob koljena"),
        "en": ("knee",),
        "de": ("Knie", "Kniegelenk"),
        "la": ("genu", "articulatio genus"),
    },
    "FOOT": {
        "hr": ("stopalo", "gležanj", "skocni zglob"),
        "en": ("foot", "ankle"),
        "de": ("Fuß", "OSG", "Fuss"),
        "la": ("pes", "articulatio talocruralis"),
    },
    "HEART": {
        "hr": ("srce", "koronarne arterije", "koronarografija"),
        "en": ("heart", "cardiac", "coronary"),
        "de": ("Herz", "Koronarien"),
        "la": ("cor", "arteriae coronariae"),
    },
    "BREAST": {
        "hr": ("dojka", "dojke", "mamografija"),
        "en": ("breast", "mammography", "mammo"),
        "de": ("Mamma", "Brust", "Mammographie"),
        "la": ("mamma", "mammae"),
    },
    "URINARYTRACT": {
        "hr": ("bubrezi", "mokraćni sustav", "urografija"),
        "en": ("kidneys", "urinary tract", "KUB"),
        "de": ("Nieren", "Harnwege", "Urogramm"),
        "la": ("renes", "tractus urinarius", "vesica"),
    },
    "GITRACT": {
        "hr": ("želudac", "jednjak", "irigografija", "crijeva"),
        "en": ("stomach", "barium swallow", "colon"),
        "de": ("Magen", "Ösophagus", "Kolon-KE"),
        "la": ("ventriculus", "oesophagus", "colon"),
    },
    "SKULL": {
        "hr": ("lubanja", "kosti lubanje"),
        "en": ("skull",),
        "de": ("Schädel", "Schaedel knöchern"),
        "la": ("cranium", "calvaria"),
    },
    "SINUS": {
        "hr": ("sinusi", "paranazalni sinusi", "PNS"),
        "en": ("sinuses", "paranasal sinuses"),
        "de": ("NNH", "Nasennebenhöhlen"),
        "la": ("sinus paranasales",),
    },
    "WHOLEBODY": {
        "hr": ("cijelo tijelo", "scintigrafija skeleta", "politrauma"),
        "en": ("whole body", "bone scan", "trauma"),
        "de": ("Ganzkörper", "Skelettszintigraphie"),
        "la": ("corpus totum", "skeleton"),
    },
}

MODALITY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "CT": {
        "hr": ("CT", "MSCT", "CT nativno"),
        "en": ("CT", "CT w/o contrast"),
        "de": ("CT", "CT nativ"),
        "la": ("CT",),
    },
    "MR": {"hr": ("MR", "MRI", "MR snimanje"), "en": ("MRI", "MR"), "de": ("MRT", "MR"), "la": ("MR",)},
    "CR": {
        "hr": ("RTG", "rendgen", "snimka"),
        "en": ("XR", "X-ray", "radiograph"),
        "de": ("Rö", "Röntgen"),
        "la": ("RTG", "radiographia"),
    },
    "DX": {
        "hr": ("RTG", "rendgen", "DR"),
        "en": ("XR", "X-ray", "DR"),
        "de": ("Rö", "Röntgen"),
        "la": ("RTG", "radiographia"),
    },
    "XA": {
        "hr": ("angiografija", "DSA"),
        "en": ("angiography", "angio", "DSA"),
        "de": ("Angiographie", "DSA"),
        "la": ("angiographia",),
    },
    "RF": {
        "hr": ("dijaskopija", "kontrastna pretraga"),
        "en": ("fluoroscopy", "fluoro"),
        "de": ("Durchleuchtung", "DL"),
        "la": ("radioscopia",),
    },
    "NM": {
        "hr": ("scintigrafija", "scinti", "SPECT"),
        "en": ("scintigraphy", "NM", "SPECT"),
        "de": ("Szintigraphie", "Szinti"),
        "la": ("scintigraphia",),
    },
    "US": {
        "hr": ("UZV", "ultrazvuk", "color doppler"),
        "en": ("US", "ultrasound", "sonography"),
        "de": ("Sono", "Sonographie"),
        "la": ("sonographia",),
    },
}

VIEW_WORDS = (
    "PA",
    "AP",
    "lat",
    "LAT",
    "AP+LAT",
    "2 smjera",
    "2 Ebenen",
    "dex",
    "sin",
    "l.dex.",
    "l.sin.",
    "desno",
    "lijevo",
    "re",
    "li",
    "bilat",
    "",
)
MR_SEQ = (
    "t1_tse_sag",
    "t2_tse_tra",
    "T2W_TSE",
    "t1_se_cor",
    "FLAIR tra",
    "DWI b1000",
    "PD_FS_cor",
    "T1 3D MPRAGE",
    "t2_stir_sag",
    "SWI",
    "TOF 3D",
    "T1 fs +C",
)
CT_SERIES = (
    "Nativ 5.0 B30f",
    "Axial 2.5mm",
    "Kontrast 3.0 Br40",
    "Bone 1.0 H70h",
    "Lung 1.5 B70f",
    "Venska faza",
    "Arterijska faza",
    "AX STND",
    "Soft tissue 3mm",
    "3.0 I26f",
)

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
SHORT_REPORTS = ("ok", "uredno", "b.o.", "o.B.", "nrm", "-", "vidi nalaz", "NAD")

FIRST_NAMES = (
    "Ivan",
    "Marko",
    "Ana",
    "Marija",
    "Luka",
    "Petra",
    "Josip",
    "Ivana",
    "Hans",
    "Anna",
    "John",
    "Mary",
    "Tomislav",
    "Katarina",
    "Stjepan",
    "Nikola",
    "Maja",
    "Sara",
    "Franjo",
    "Klara",
)
LAST_NAMES = (
    "Horvat",
    "Kovačević",
    "Babić",
    "Marić",
    "Jurić",
    "Novak",
    "Knežević",
    "Vuković",
    "Müller",
    "Schmidt",
    "Smith",
    "Petrović",
    "Tomić",
    "Pavlović",
    "Božić",
    "Grgić",
    "Perić",
    "Matić",
)
CITIES = ("Rijeka", "Zagreb", "Split", "Opatija", "Pula", "Karlovac", "Graz", "Wien")
STREETS = ("Ulica Ivana Gundulića", "Krešimirova", "Riva", "Hauptstraße", "Vukovarska", "Ulica Slobode")
INSTITUTIONS = (
    "KBC Rijeka",
    "KBC RIJEKA",
    "Klinički bolnički centar Rijeka",
    "OB Pula",
    "Poliklinika Medico",
    "KBC Zagreb - Rebro",
    "LKH Graz",
)


def pick(rng: Rng, items):
    return items[int(rng.integers(len(items)))]


def typo(rng: Rng, text: str) -> str:
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def maybe_typo(rng: Rng, text: str) -> str:
    return typo(rng, text) if rng.random() < TYPO_RATE else text


def _case(rng: Rng, text: str) -> str:
    r = rng.random()
    if r < 0.4:
        return text.upper()
    if r < 0.5:
        return text.lower()
    return text


def study_description(rng: Rng, lang: str, modality: str, region: str) -> str:
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    reg = pick(rng, REGION_WORDS[region][lang])
    view = pick(rng, VIEW_WORDS) if modality in ("CR", "DX") else ""
    parts = [mod, reg, view] if rng.random() < 0.7 else [reg, mod, view]
    text = " ".join(p for p in parts if p)
    return maybe_typo(rng, _case(rng, text))[:64]


def series_description(rng: Rng, lang: str, modality: str, region: str) -> str:
    reg = pick(rng, REGION_WORDS[region][lang])
    if modality == "MR":
        text = pick(rng, MR_SEQ) + ("" if rng.random() < 0.5 else " " + reg)
    elif modality == "CT":
        text = (reg + " " if rng.random() < 0.5 else "") + pick(rng, CT_SERIES)
    elif modality in ("CR", "DX"):
        text = f"{reg} {pick(rng, VIEW_WORDS)}".strip()
    else:
        text = f"{pick(rng, MODALITY_WORDS[modality][lang])} {reg}"
    return maybe_typo(rng, _case(rng, text))[:64]


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
    if rng.random() < 0.3:
        parts.append(pick(rng, REPORT_BODY[lang]).format(reg=pick(rng, REGION_WORDS[region][lang])))
    return maybe_typo(rng, " ".join(parts))


def person_name(rng: Rng) -> str:
    return f"{pick(rng, LAST_NAMES)}^{pick(rng, FIRST_NAMES)}"


def address(rng: Rng) -> str:
    return f"{pick(rng, STREETS)} {int(rng.integers(1, 120))}, {pick(rng, CITIES)}"
