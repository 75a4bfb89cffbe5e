"""Free text as a hospital writes it: descriptions and reports in Croatian, Latin, English and German,
with abbreviations and typos; synthetic (fake) patient and staff identities.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pacslabel.synth import catalog as cat

if TYPE_CHECKING:
    from pacslabel.synth.appearance import Appearance

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
    "MG": {
        "hr": ("mamografija", "MMG", "mamo"),
        "en": ("mammography", "MAMMO", "screening mammogram"),
        "de": ("Mammographie", "Mammo", "Screening-Mammographie"),
        "la": ("mammographia",),
    },
    "PT": {
        "hr": ("PET/CT", "PET-CT", "PET"),
        "en": ("PET/CT", "PET CT", "PET"),
        "de": ("PET/CT", "PET-CT"),
        "la": ("PET",),
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
APPEARANCE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    # appearance component -> language ("*": any language) -> words scanners and technologists use
    "T1": {"*": ("t1", "T1", "T1W", "t1_se", "T1 SE", "T1 FSE", "t1_tse", "T1W_TSE")},
    "T2": {"*": ("t2", "T2", "T2W", "t2_tse", "T2 FSE", "T2W_TSE", "t2_blade")},
    "PD": {"*": ("pd", "PD", "PDW", "pd_tse_fs", "PD FS", "PD FSE FS", "PDW_SPAIR", "pd_fs")},
    "FLAIR": {"*": ("FLAIR", "flair", "t2_tirm_dark-fluid", "T2W_FLAIR", "T2 FLAIR", "dark fluid")},
    "DWI": {"*": ("DWI", "dwi", "ep2d_diff", "DWI b1000", "DWI_SSh", "diff", "TRACEW")},
    "STIR": {"*": ("STIR", "stir", "t2_tirm", "tirm", "STIR_longTE")},
    "T1C": {
        "*": ("T1 +C", "t1_fs_KM", "T1W_SPIR_Gd", "T1 post Gd", "T1 FS POST", "T1+Gd", "vibe +C"),
        "hr": ("T1 + KS", "T1 kontrast", "T1 postkontrastno"),
        "de": ("T1 + KM", "T1 KM", "T1 nach KM"),
    },
    "SSFP": {"*": ("trufi_cine", "cine", "B-TFE", "FIESTA CINE", "SSFP cine", "bSSFP")},
    "AX": {"*": ("ax", "AX", "tra", "TRA", "axial"), "hr": ("transverzalno",), "de": ("transversal",)},
    "SAG": {"*": ("sag", "SAG", "sagittal"), "hr": ("sagitalno",), "la": ("sagittalis",)},
    "COR": {"*": ("cor", "COR", "coronal"), "hr": ("koronarno",), "de": ("koronar",)},
    "SA": {"*": ("SA", "sax", "short axis", "SAX"), "hr": ("kratka os",), "de": ("kurze Achse",)},
    "SOFT": {
        "*": ("soft tissue", "STND", "abd", "mediastinum", "soft"),
        "hr": ("meko tkivo", "mekotkivni"),
        "de": ("Weichteil", "WT"),
    },
    "BONE": {
        "*": ("bone", "BONE", "osteo"),
        "hr": ("kost", "koštani prozor"),
        "de": ("Knochen",),
        "la": ("ossa",),
    },
    "LUNG": {"*": ("lung", "LUNG", "pulmo", "HR lung"), "hr": ("pluća", "plućni prozor"), "de": ("Lunge",)},
    "NONCONTRAST": {
        "*": ("NECT", "w/o", "plain", "non con"),
        "hr": ("nativno", "bez KS", "nativ"),
        "de": ("nativ", "ohne KM"),
        "la": ("nativ",),
    },
    "ARTERIAL": {
        "*": ("arterial", "CTA", "angio", "art"),
        "hr": ("arterijska faza", "AF"),
        "de": ("arteriell", "art. Phase"),
    },
    "PORTAL": {
        "*": ("venous", "PV", "portal", "+C"),
        "hr": ("venska faza", "portalna faza", "KS"),
        "de": ("portalvenös", "pv Phase", "KM"),
    },
    "DELAYED": {
        "*": ("delayed", "excretory", "urogram"),
        "hr": ("kasna faza", "urografska faza"),
        "de": ("Spätphase",),
    },
    "PA": {"*": ("PA", "p.a.", "pa"), "hr": ("PA stojeći",), "de": ("p.a. stehend",)},
    "AP": {"*": ("AP", "a.p.", "ap"), "hr": ("AP ležeći",), "de": ("a.p. liegend",)},
    "LAT": {
        "*": ("LAT", "lat", "lateral", "LL"),
        "hr": ("profil", "postranično"),
        "de": ("seitlich", "seitl."),
    },
    "OBLIQUE": {
        "*": ("obl", "oblique", "OBL"),
        "hr": ("kosa", "koso"),
        "de": ("schräg",),
        "la": ("obliqua",),
    },
    "CC": {"*": ("CC", "cc", "craniocaudal"), "hr": ("kraniokaudalno",)},
    "MLO": {"*": ("MLO", "mlo", "mediolateral oblique"), "hr": ("kosa MLO",)},
    "LAO": {"*": ("LAO", "LAO 30", "LAO CRAN")},
    "RAO": {"*": ("RAO", "RAO 30", "RAO CAUD")},
    "ANT": {"*": ("ANT", "ant", "anterior")},
    "POST": {"*": ("POST", "post", "posterior")},
    "BMODE": {"*": ("B-mode", "2D", "BMODE", "gray")},
    "DOPPLER": {
        "*": ("Color Doppler", "CFM", "CD", "Doppler", "power doppler", "PW"),
        "hr": ("kolor dopler", "dopler"),
        "de": ("Farbdoppler", "FKDS"),
    },
    "TRANS": {"*": ("trans", "TRV", "transverse"), "hr": ("poprečno",), "de": ("quer",)},
    "LONG": {"*": ("long", "LONG", "longitudinal"), "hr": ("uzdužno",), "de": ("längs",)},
    "A4C": {"*": ("A4C", "4CH", "apical 4ch")},
    "DSA": {"*": ("DSA", "dsa", "Sub", "subtracted")},
    "NATIVE": {"*": ("native", "nativ", "fill", "unsub")},
    "FLUORO": {"*": ("fluoro", "LIH", "scopy"), "hr": ("dijaskopija",), "de": ("Durchleuchtung",)},
    "CINE": {"*": ("cine", "Coro", "LCA", "RCA"), "hr": ("koronarografija",), "de": ("Koro",)},
    "LV": {
        "*": ("LV", "LV gram", "ventriculography"),
        "hr": ("ventrikulografija",),
        "de": ("Lävokardiographie",),
    },
    "SPOT": {"*": ("spot", "single", "LIH"), "hr": ("snimka",), "de": ("Aufnahme",)},
    "SEQUENCE": {"*": ("sequence", "scene", "loop", "run"), "hr": ("serija",), "de": ("Serie", "Szene")},
    "PLANAR": {"*": ("static", "planar", "STAT"), "hr": ("statička",), "de": ("Statik",)},
    "SPECT": {"*": ("SPECT", "tomo", "recon", "TOMO")},
    "DYNAMIC": {"*": ("dynamic", "flow", "DYN"), "hr": ("dinamička",), "de": ("Dynamik", "Funktion")},
    "AC": {"*": ("AC", "CTAC", "PET AC", "QCFX", "corrected"), "de": ("korrigiert",)},
    "NAC": {"*": ("NAC", "NOAC", "PET NAC", "uncorrected"), "hr": ("nekorigirano",), "de": ("unkorrigiert",)},
    "MIP": {"*": ("MIP", "PET MIP", "3D MIP", "rotating MIP")},
}
"""Words for each appearance component as they appear in SeriesDescription / ProtocolName."""

SIDE_WORDS = ("dex", "sin", "l.dex.", "l.sin.", "desno", "lijevo", "re", "li", "R", "L")
BREAST_SIDE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "R": {"*": ("R", "RIGHT", "dex"), "hr": ("desna", "D"), "de": ("re", "rechts")},
    "L": {"*": ("L", "LEFT", "sin"), "hr": ("lijeva", "L"), "de": ("li", "links")},
}
"""Words for the breast of a mammogram, as technologists label every image."""
MG_STUDY_WORDS = ("bilat", "bilateral", "obostrano", "beidseits", "screening", "probir", "dex", "sin", "")
TRACER_WORDS: dict[str, tuple[str, ...]] = {
    "FDG": ("FDG", "18F-FDG", "F-18 FDG"),
    "PSMA": ("PSMA", "Ga-68 PSMA", "68Ga-PSMA-11"),
    "DOTATATE": ("DOTATATE", "Ga-68 DOTATATE", "SSTR"),
    "AMYLOID": ("amyloid", "Amyvid", "florbetapir"),
    "RB82": ("Rb-82", "rubidium", "perfusion"),
    "NH3": ("N-13 ammonia", "NH3", "perfusion"),
}
MULTI_VIEW_WORDS = ("AP+LAT", "2 smjera", "2 Ebenen", "2 proj.", "bilat")
CT_PROTOCOL_SUFFIXES = (
    "Routine",
    "ROUTINE",
    "Trauma",
    "Adult",
    "Spiral",
    "1",
    "2",
    "Protokol",
    "Standardprotokoll",
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
SITES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("KBCRI", ("KBC Rijeka", "KBC RIJEKA", "Klinički bolnički centar Rijeka"), "hr"),
    ("OBPU", ("OB Pula",), "hr"),
    ("MEDICO", ("Poliklinika Medico",), "hr"),
    ("REBRO", ("KBC Zagreb - Rebro",), "hr"),
    ("LKHG", ("LKH Graz",), "de"),
)
"""Institutions sharing the archive: acronym, the InstitutionName spellings their devices write, and the
language of their own abbreviations."""
INSTITUTIONS = tuple(name for _, names, _ in SITES for name in names)
SITE_OF_INSTITUTION = {name: i for i, (_, names, _) in enumerate(SITES) for name in names}


def pick(rng: Rng, items):
    return items[int(rng.integers(len(items)))]


def weighted(rng: Rng, weights: dict[str, float]) -> str:
    """A key of ``weights``, drawn with probability proportional to its value."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


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


def study_description(rng: Rng, lang: str, modality: str, region: str, tracer: str | None = None) -> str:
    """StudyDescription / RequestedProcedureDescription: modality and region words, with the views of
    a radiograph, the extent of a mammography, the tracer of a PET study."""
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    reg = pick(rng, REGION_WORDS[region][lang])
    view = pick(rng, VIEW_WORDS) if modality in ("CR", "DX") else ""
    if modality == "MG":
        view = pick(rng, MG_STUDY_WORDS)
    if tracer is not None:
        view = pick(rng, TRACER_WORDS[tracer])
    parts = [mod, reg, view] if rng.random() < 0.7 else [reg, mod, view]
    text = " ".join(p for p in parts if p)
    return maybe_typo(rng, _case(rng, text))[:64]


def _component_word(rng: Rng, lang: str, value: str) -> str:
    table = APPEARANCE_WORDS[value]
    words = table["*"] + table.get(lang, ())
    return pick(rng, words)


def series_description(
    rng: Rng,
    lang: str,
    modality: str,
    region: str,
    look: Appearance | None,
    extra: tuple[str, ...] = (),
    side: str | None = None,
) -> str:
    """SeriesDescription / ProtocolName of a series: the region, and the words of the appearance
    ``look`` (each left out now and then) in a modality's habitual order; ``look`` None names the region
    only. ``extra`` words (slice thickness, kernel name) are appended one by one at random; ``side`` is
    a mammogram's breast, always named with its view ("R CC", "LMLO")."""
    reg = pick(rng, REGION_WORDS[region][lang])
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    if look is None:
        if modality in ("CR", "DX"):
            text = f"{reg} {pick(rng, MULTI_VIEW_WORDS + SIDE_WORDS + ('',))}".strip()
        else:
            text = reg if rng.random() < 0.5 else f"{mod} {reg}"
        return maybe_typo(rng, _case(rng, text))[:64]
    words = [
        _component_word(rng, lang, v)
        for v in look.name.split()
        if rng.random() >= cat.APPEARANCE_WORD_DROP_RATE
    ] or [_component_word(rng, lang, look.name.split()[0])]
    if modality == "MR":
        joiner = "_" if rng.random() < 0.35 else " "
        if rng.random() < 0.4:
            words = words[::-1]
        text = joiner.join(w.replace(" ", joiner) for w in words) + ("" if rng.random() < 0.5 else " " + reg)
    elif modality in ("CR", "DX"):
        side = (
            f" {pick(rng, SIDE_WORDS)}"
            if region not in ("CHEST", "ABDOMEN", "PELVIS") and rng.random() < 0.4
            else ""
        )
        text = f"{reg} {' '.join(words)}{side}"
    elif modality == "MG" and side is not None:
        table = BREAST_SIDE_WORDS[side]
        view = _component_word(rng, lang, look.view)
        word = pick(rng, table["*"] + table.get(lang, ()))
        text = f"{side}{look.view}" if rng.random() < 0.3 else f"{word} {view}"
    elif modality == "PT":
        text = " ".join(([mod] if rng.random() < 0.5 else []) + words + ([reg] if rng.random() < 0.4 else []))
    elif modality == "CT":
        words = [words[i] for i in rng.permutation(len(words))]
        text = " ".join(([reg] if rng.random() < 0.6 else []) + words)
    elif modality in ("XA", "RF"):
        text = " ".join([*words[:1], reg, *words[1:]])
    else:
        text = " ".join([reg, *words])
    for word in extra:
        if rng.random() < 0.4:
            text = f"{text} {word}"
    return maybe_typo(rng, _case(rng, text.strip()))[:64]


def ct_protocol(rng: Rng, lang: str, region: str) -> str:
    """ProtocolName of a CT study (the examination protocol: the same for all its series)."""
    reg = pick(rng, REGION_WORDS[region][lang])
    sep = pick(rng, ("_", " ", "-"))
    return maybe_typo(rng, _case(rng, f"{reg}{sep}{pick(rng, CT_PROTOCOL_SUFFIXES)}"))[:64]


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


def person_name(rng: Rng) -> str:
    return f"{pick(rng, LAST_NAMES)}^{pick(rng, FIRST_NAMES)}"


def address(rng: Rng) -> str:
    return f"{pick(rng, STREETS)} {int(rng.integers(1, 120))}, {pick(rng, CITIES)}"
