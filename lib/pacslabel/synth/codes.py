"""Site vocabularies: each institution's own codes and abbreviations for its procedures and protocols.

Order entry and scanners describe studies with procedure codes ("7203", "RX0412"), abbreviations ("XR
CHST 2V", "KN MRI RT W/O") and protocol names ("0,OPA,GE,HSP", "HD_SFT_NC", "AX T2 FRFSE") that no rule
list anticipates. The code books of all sites are drawn once per archive seed: a site always writes the
same text for the same procedure or protocol, and sites write different texts.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from dataclasses import dataclass

import numpy as np

from pacslabel.synth.appearance import Appearance
from pacslabel.synth.catalog.appearances import APPEARANCE_WEIGHTS
from pacslabel.synth.catalog.sites import (
    SITE_CT_THICKNESS_RATE,
    SITE_CURATED_ABBREVIATION_RATE,
    SITE_FUSED_RATE,
    SITE_LOCAL_WORD_RATE,
    SITE_PROTOCOL_STYLES,
    SITE_REQUESTED_STYLES,
    SITE_SERIES_REGION_RATE,
)
from pacslabel.synth.texts.identities import SITES
from pacslabel.synth.texts.sampling import pick, weighted
from pacslabel.synth.texts.words import REGION_WORDS
from pacslabel.vocab import MODALITIES, REGIONS

Rng = np.random.Generator

CODE_BOOK_STREAM = 0xC0DE
"""Spawn key of the random stream the code books are drawn from (apart from every study's stream)."""

LATERAL_REGIONS = frozenset({"SHOULDER", "ELBOW", "HAND", "HIP", "KNEE", "FOOT", "BREAST"})
"""Regions whose procedures are ordered per side."""
SIDES = ("R", "L")

MODALITY_CODES: dict[str, tuple[str, ...]] = {
    "CT": ("CT", "CTS", "C"),
    "MR": ("MR", "MRI", "MRT", "M"),
    "CR": ("XR", "RX", "RTG", "CR", "X"),
    "DX": ("XR", "RX", "RTG", "DR", "DX"),
    "XA": ("XA", "ANG", "DSA", "IR"),
    "RF": ("RF", "FL", "DL", "FLUO"),
    "NM": ("NM", "NUC", "SCI", "SC"),
    "US": ("US", "UZV", "SONO", "U"),
    "MG": ("MG", "MAM", "MAMMO", "MMG"),
    "PT": ("PT", "PET", "PETCT", "PET-CT"),
}
FUSED_CODES: dict[tuple[str, str], str] = {
    ("CR", "CHEST"): "CXR",
    ("DX", "CHEST"): "CXR",
    ("CR", "ABDOMEN"): "AXR",
    ("DX", "ABDOMEN"): "AXR",
    ("CT", "HEAD"): "CTH",
    ("CT", "HEART"): "CCTA",
    ("MG", "BREAST"): "MMG",
    ("XA", "HEART"): "CATH",
}
"""Abbreviations that name modality and region in one word."""

REGION_CODES: dict[str, tuple[str, ...]] = {
    "HEAD": ("HD", "BRN", "CRAN", "NEURO", "HEAD"),
    "NECK": ("NK", "NCK", "STN", "THY", "NECK"),
    "CSPINE": ("CS", "CSP", "C-SPINE", "HWS", "CWS"),
    "TSPINE": ("TS", "TSP", "T-SPINE", "BWS", "DS"),
    "LSPINE": ("LS", "LSP", "L-SPINE", "LWS", "LSS"),
    "CHEST": ("CH", "CHST", "THX", "TX", "THOR", "CHEST"),
    "ABDOMEN": ("AB", "ABD", "ABDO", "ABDM", "ABDOMEN"),
    "PELVIS": ("PEL", "PLV", "PELV", "BCK", "PELVIS"),
    "SHOULDER": ("SH", "SHLD", "SHO", "SHDR", "SHOULDER"),
    "ELBOW": ("EL", "ELB", "ELBW", "ELBOW"),
    "HAND": ("HND", "HA", "WR", "WRST", "HAND", "WRIST"),
    "HIP": ("HP", "HIP", "HFT"),
    "KNEE": ("KN", "KNE", "KNI", "KNEE"),
    "FOOT": ("FT", "FO", "ANK", "ANKL", "FOOT", "ANKLE"),
    "HEART": ("HRT", "CARD", "CAR", "CARDIAC"),
    "BREAST": ("BR", "BRST", "MAM", "BREAST", "MAMMO"),
    "URINARYTRACT": ("KUB", "URO", "REN", "UT", "GU", "RENAL"),
    "GITRACT": ("GI", "UGI", "GIT", "BE", "SBFT", "BARIUM"),
    "SKULL": ("SKL", "SK", "SKU", "SKULL"),
    "SINUS": ("SIN", "SNS", "PNS", "NNH"),
    "WHOLEBODY": ("WB", "TB", "WBD", "TOT"),
}
"""Common clinical abbreviations of each region; a site may instead abbreviate a word of its own."""

QUALIFIERS: dict[str, tuple[str, ...]] = {
    "CT": ("W/O", "WO", "W", "W+W/O", "C-", "C+", "NAT", "ROUTINE", ""),
    "MR": ("W/O", "W WO", "W/WO", "C-", "C+/-", "ROUTINE", ""),
    "CR": ("1V", "2V", "3V", "2VW", "MIN 3V", "PA/LAT", "PORT 1V", ""),
    "DX": ("1V", "2V", "3V", "2VW", "MIN 3V", "PA/LAT", "PORT 1V", ""),
    "XA": ("DIAG", "INTV", "EMB", ""),
    "RF": ("STD", "SGL", "DBL", ""),
    "NM": ("STD", "3PH", "SPECT", ""),
    "US": ("LIM", "LTD", "COMP", "DUP", ""),
    "MG": ("BIL", "SCR", "DIAG", "2V", "4V", ""),
    "PT": ("FDG", "WB", "SKULL-THIGH", "PSMA", ""),
}
"""Last words of a procedure: contrast, number of views, extent."""

SIDE_CODES = (("RT", "LT"), ("R", "L"), ("DEX", "SIN"), ("RE", "LI"))
PROCEDURE_ORDERS = (
    ("mod", "reg", "side", "q"),
    ("reg", "mod", "side", "q"),
    ("mod", "reg", "q", "side"),
    ("q", "mod", "reg", "side"),
    ("reg", "side", "q"),
)
"""Word orders of a site's procedure abbreviations ("XR CHST 2V", "KN MRI RT W/O", "L-SPINE 2V")."""
SEPARATORS = (" ", " ", "_", "-")

SCANNER_TOKENS: dict[str, tuple[str, ...]] = {
    "T1": ("T1", "T1W", "T1 SE", "T1 FSE", "T1 TSE"),
    "T2": ("T2", "T2W", "T2 FRFSE", "T2 TSE", "T2 PROP"),
    "PD": ("PD FS", "PD FSE FS", "PD SPAIR", "PDW FS", "PD FATSAT"),
    "FLAIR": ("FLAIR", "T2 FLAIR", "DARKFL", "TIRM DF"),
    "DWI": ("DWI", "DIFF", "EP2D DIFF", "DWI B1000", "TRACEW"),
    "STIR": ("STIR", "TIRM", "T2 STIR"),
    "T1C": ("T1+C", "T1 POST", "T1 FS +C", "T1 GD", "VIBE POST"),
    "SSFP": ("FIESTA", "TRUFI", "B-TFE", "CINE SSFP"),
    "AX": ("AX", "TRA", "AXL", "T"),
    "COR": ("COR", "CORO", "C"),
    "SAG": ("SAG", "SAGI", "S"),
    "SA": ("SA", "SAX", "SHORT"),
    "TRANS": ("TRV", "TRANS", "TR"),
    "LONG": ("LONG", "LNG", "LON"),
    "A4C": ("A4C", "4CH", "AP4"),
    "SOFT": ("SFT", "STD", "SOFT", "ST"),
    "BONE": ("BN", "BONE", "OST", "HR"),
    "LUNG": ("LNG", "LUNG", "PULM"),
    "NONCONTRAST": ("NC", "W/O", "NAT", "PRE"),
    "ARTERIAL": ("ART", "CTA", "ARTL", "AR"),
    "PORTAL": ("PV", "VEN", "POR", "+C"),
    "DELAYED": ("DEL", "LATE", "EXC", "DLY"),
    "PA": ("PA",),
    "AP": ("AP",),
    "LAT": ("LAT", "LL", "LATERAL"),
    "OBLIQUE": ("OBL", "OBLQ", "OBLIQUE"),
    "CC": ("CC",),
    "MLO": ("MLO",),
    "LAO": ("LAO", "LAO30"),
    "RAO": ("RAO", "RAO30"),
    "ANT": ("ANT", "ANTERIOR"),
    "POST": ("POST", "POSTERIOR"),
    "BMODE": ("2D", "B", "BM", "GRAY"),
    "DOPPLER": ("CFM", "CD", "DOP", "PW", "COLOR"),
    "DSA": ("DSA", "SUB"),
    "NATIVE": ("NAT", "FILL", "UNSUB"),
    "FLUORO": ("FLUORO", "LIH", "FL"),
    "CINE": ("CINE", "ACQ", "CORO"),
    "LV": ("LV", "LVG"),
    "SPOT": ("SPOT", "EXP", "SNAP"),
    "SEQUENCE": ("SEQ", "RUN", "SCENE"),
    "PLANAR": ("STAT", "PLN", "STATIC"),
    "SPECT": ("SPECT", "TOMO"),
    "DYNAMIC": ("DYN", "FLOW"),
    "AC": ("AC", "CTAC", "QCFX"),
    "NAC": ("NAC", "NOAC", "UNCORR"),
    "MIP": ("MIP", "MIP3D", "RMIP"),
}
"""Scanner spellings of each appearance component in a site's protocol and series names."""

CT_THICKNESS: dict[str, tuple[str, ...]] = {
    "SOFT": ("5.0", "3.0", "2.5", "5mm"),
    "BONE": ("1.0", "0.625", "1.25", "1mm"),
    "LUNG": ("1.25", "1.0", "0.625"),
}
VENDOR_CODES = ("GE", "SMS", "PMS", "TSB", "SIE", "PHI")

_LETTERS = string.ascii_uppercase
_ALNUM = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class CodeBook:
    """One site's texts. ``study`` (StudyDescription) and ``requested`` (RequestedProcedureDescription)
    are keyed by (modality, region, side), side "" for a region without laterality; ``protocol``
    (ProtocolName) and ``series`` (SeriesDescription) by (modality, region, appearance name), where
    appearance "" is the examination protocol of a CT study."""

    site: str
    study: dict[tuple[str, str, str], str]
    requested: dict[tuple[str, str, str], str]
    protocol: dict[tuple[str, str, str], str]
    series: dict[tuple[str, str, str], str]


def study_key(modality: str, region: str, side: str) -> tuple[str, str, str]:
    """Key of ``CodeBook.study`` / ``requested``: the side only counts for a lateral region."""
    return modality, region, side if region in LATERAL_REGIONS else ""


@functools.lru_cache(maxsize=4)
def code_books(seed: int) -> tuple[CodeBook, ...]:
    """The code book of every site in :data:`pacslabel.synth.texts.identities.SITES` for an archive seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(CODE_BOOK_STREAM,)))
    thousands = rng.choice(np.arange(1, 10), size=len(SITES), replace=False)
    return tuple(_code_book(rng, site, 1000 * int(t)) for site, t in enumerate(thousands))


def _letters(phrase: str) -> str:
    """Upper-case ASCII words of ``phrase`` ("Rö-Thorax" -> "RO THORAX")."""
    text = unicodedata.normalize("NFKD", phrase.upper())
    text = "".join(c if c.isascii() and c.isalpha() else " " for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def _abbreviate(rng: Rng, phrase: str) -> str:
    """A site's own abbreviation of a phrase: initials, the first letters, or the consonants."""
    words = _letters(phrase).split()
    kind = int(rng.integers(3))
    if kind == 0 and len(words) > 1:
        return "".join(w[0] for w in words)
    word = words[0] if len(words[0]) > 2 or len(words) == 1 else words[0] + words[1]
    if kind == 1:
        return word[: int(rng.integers(3, 5))]
    return (word[0] + "".join(c for c in word[1:] if c not in "AEIOUY"))[:5]


def _region_codes(rng: Rng, lang: str) -> dict[str, str]:
    """One abbreviation per region, no two regions alike."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for region in (REGIONS[i] for i in rng.permutation(len(REGIONS)).tolist()):
        curated = [REGION_CODES[region][i] for i in rng.permutation(len(REGION_CODES[region])).tolist()]
        langs = (lang, "en") if rng.random() < SITE_LOCAL_WORD_RATE else ("en", lang)
        own = [_abbreviate(rng, w) for la in langs for w in REGION_WORDS[region][la]]
        curated_first = rng.random() < SITE_CURATED_ABBREVIATION_RATE
        first, second = (curated, own) if curated_first else (own, curated)
        out[region] = next((c for c in (*first, *second) if c not in used), region)
        used.add(out[region])
    return out


def _fresh(rng: Rng, taken: set[str], head: str, tail: str, length: int) -> str:
    """A random code (first character from ``head``, the rest from ``tail``) not in ``taken``."""
    while True:
        rest = rng.integers(len(tail), size=length - 1).tolist()
        code = pick(rng, head) + "".join([tail[i] for i in rest])
        if code not in taken:
            taken.add(code)
            return code


def _appearance_names(modality: str) -> list[str]:
    return sorted({name for table in APPEARANCE_WEIGHTS[modality].values() for name in table})


def _code_book(rng: Rng, site: int, base: int) -> CodeBook:
    acronym, _, lang = SITES[site]
    mod = {m: pick(rng, MODALITY_CODES[m]) for m in MODALITIES}
    reg = _region_codes(rng, lang)
    study, requested = _procedures(rng, base, mod, reg)
    protocol, series = _protocols(rng, acronym, mod, reg)
    return CodeBook(site=acronym, study=study, requested=requested, protocol=protocol, series=series)


def _procedures(rng: Rng, base: int, mod: dict[str, str], reg: dict[str, str]) -> tuple[dict, dict]:
    """Study and requested procedure descriptions: one abbreviation and one numeric code (from the
    site's thousand ``base``, a hundred per modality) per procedure."""
    fused = rng.random() < SITE_FUSED_RATE
    side_words = dict(zip(SIDES, pick(rng, SIDE_CODES), strict=True))
    order = pick(rng, PROCEDURE_ORDERS)
    sep = pick(rng, SEPARATORS)
    requested_style = weighted(rng, SITE_REQUESTED_STYLES)
    study: dict[tuple[str, str, str], str] = {}
    requested: dict[tuple[str, str, str], str] = {}
    for m, block in zip(MODALITIES, rng.permutation(len(MODALITIES)).tolist(), strict=True):
        number = base + 100 * block + int(rng.integers(1, 10))
        for region in (REGIONS[i] for i in rng.permutation(len(REGIONS)).tolist()):
            short = FUSED_CODES.get((m, region)) if fused else None
            slots = {
                "mod": "" if short else mod[m],
                "reg": short or reg[region],
                "q": pick(rng, QUALIFIERS[m]),
            }
            for side in SIDES if region in LATERAL_REGIONS else ("",):
                slots["side"] = side_words.get(side, "")
                abbr = sep.join([slots[k] for k in order if slots[k]]).replace(" ", sep)
                study[(m, region, side)] = abbr
                requested[(m, region, side)] = requested_style.format(num=number, mod=mod[m], abbr=abbr)
                number += int(rng.integers(1, 4))
    return study, requested


def _protocols(rng: Rng, acronym: str, mod: dict[str, str], reg: dict[str, str]) -> tuple[dict, dict]:
    """Protocol names in the site's style (unique where they are drawn at random) and the series
    descriptions its scanners write: the appearance in the site's scanner spelling, optionally with
    region abbreviation and CT slice thickness."""
    tokens = {value: pick(rng, words) for value, words in SCANNER_TOKENS.items()}
    style = weighted(rng, SITE_PROTOCOL_STYLES)
    number_sep = pick(rng, ("_", "-", ""))
    vendor = pick(rng, VENDOR_CODES)
    series_sep = " " if rng.random() < 0.7 else "_"
    plane_first = rng.random() < 0.5
    with_region = rng.random() < SITE_SERIES_REGION_RATE
    with_thickness = rng.random() < SITE_CT_THICKNESS_RATE
    taken: set[str] = set()
    protocol: dict[tuple[str, str, str], str] = {}
    series: dict[tuple[str, str, str], str] = {}
    for m in MODALITIES:
        number = int(rng.integers(1, 400))
        names = ([""] if m == "CT" else []) + _appearance_names(m)
        for region, name in ((r, n) for r in REGIONS for n in names):
            parts = [tokens[t] for t in name.split()]
            if style == "csv":
                code = (
                    f"{int(rng.integers(10))},{_fresh(rng, taken, _LETTERS, _LETTERS, 3)},{vendor},{acronym}"
                )
            elif style == "opaque":
                code = _fresh(rng, taken, _LETTERS, _ALNUM, int(rng.integers(3, 7)))
            elif style == "structured":
                words = [reg[region], *parts]
                if not name:
                    words = [mod[m], reg[region], pick(rng, QUALIFIERS[m])]
                code = "_".join(w.replace(" ", "_") for w in words if w)
            else:
                code = f"{mod[m]}{number_sep}{number:03d}"
                number += int(rng.integers(1, 3))
            protocol[(m, region, name)] = code
            if not name:
                continue
            if m == "MR" and plane_first:
                parts = parts[::-1]
            if m == "CT" and with_thickness:
                parts.append(pick(rng, CT_THICKNESS[Appearance.parse(name).kernel]))
            if with_region:
                parts.insert(0, reg[region])
            series[(m, region, name)] = series_sep.join(parts).replace(" ", series_sep)
    return protocol, series
