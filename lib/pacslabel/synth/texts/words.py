"""Words per language for regions, modalities, views and appearance components, as descriptions
use them."""

from __future__ import annotations

LANGS = ("hr", "en", "de", "la")
LANG_WEIGHTS = (0.45, 0.25, 0.15, 0.15)
"""Language of a study's descriptions and report, drawn independently of modality and region."""


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
