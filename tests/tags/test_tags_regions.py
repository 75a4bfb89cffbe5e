"""Region reconstruction: tricky strings, rule-file semantics, accuracy table, real corpus floor."""

from pathlib import Path

import pandas as pd
import pytest

from pacslabel.tags.regions import (
    RegionReconstructor,
    RegionRules,
    bpe_key,
    normalise_text,
    reconstruct_region,
    region_accuracy,
    rule_hit_counts,
)
from pacslabel.vocab import REGIONS

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# (modality, body_part_examined, study_description, series_description, expected region)
CASES = [
    ("CR", None, "RTG pluća", None, "CHEST"),
    ("CR", None, "RTG pluca PA", None, "CHEST"),  # accents dropped by the technician
    ("CR", None, "prsni koš", None, "CHEST"),
    ("DX", None, "thorax pa", None, "CHEST"),
    ("CR", None, "RTG srca i pluća", None, "CHEST"),  # "heart and lungs" is a chest radiograph
    ("CT", None, "Schädel nativ", None, "HEAD"),
    ("CT", None, "Schaedel", None, "HEAD"),
    ("CR", None, "Schädel 2 Ebenen", None, "SKULL"),  # CR + HEAD -> SKULL
    ("CR", "HEAD", None, None, "SKULL"),
    ("CR", "NECK", None, None, "CSPINE"),  # CR + NECK -> CSPINE
    ("CT", "NECK", None, None, "NECK"),
    ("CR", None, "lumbalna kralježnica", None, "LSPINE"),
    ("CR", None, "L-S kralježnica", None, "LSPINE"),
    ("CR", None, "LWS in 2 Ebenen", None, "LSPINE"),
    ("CR", None, "HWS", None, "CSPINE"),
    ("CR", None, "BWS ap/seitl.", None, "TSPINE"),
    ("CR", None, "torakalna kralježnica", None, "TSPINE"),
    ("CT", "T_SPINE", None, None, "TSPINE"),
    ("CT", "TSPINE", None, None, "TSPINE"),
    ("CT", "T-SPINE", None, None, "TSPINE"),
    ("CT", "t spine", None, None, "TSPINE"),
    ("CT", "T_SPNE", None, None, "TSPINE"),
    ("CT", "C_SPNE", None, None, "CSPINE"),
    ("MR", "L_SPNE", None, None, "LSPINE"),
    ("MR", "SPINE", "MR thoracic spine", None, "TSPINE"),  # generic BPE refined by the text
    ("CR", "NECK", "vratna kralježnica", None, "CSPINE"),
    ("CR", None, "koljeno", None, "KNEE"),
    ("MR", None, "Knie links", None, "KNEE"),
    ("CR", None, "genu dex.", None, "KNEE"),
    ("CR", None, "kolejno lijevo", None, None),  # too mangled: no guess
    ("CR", None, "abdomen nativ", None, "ABDOMEN"),
    ("CT", None, "MSCT trbuha", None, "ABDOMEN"),
    ("CR", None, "zdjelica", None, "PELVIS"),
    ("CR", None, "Becken a.p.", None, "PELVIS"),
    ("CR", None, "kuk lijevi", None, "HIP"),
    ("CR", None, "Hüfte", None, "HIP"),
    ("CR", None, "RTG glave femura", None, "HIP"),  # femoral head, not the head
    ("CR", None, "rame", None, "SHOULDER"),
    ("MR", None, "Schulter re.", None, "SHOULDER"),
    ("CR", None, "lakat", None, "ELBOW"),
    ("CR", None, "Ellbogen", None, "ELBOW"),
    ("CR", None, "šaka", None, "HAND"),
    ("CR", None, "RTG šake", None, "HAND"),
    ("CR", None, "Hand", None, "HAND"),
    ("CR", None, "ručni zglob", None, "HAND"),
    ("CR", None, "stopalo", None, "FOOT"),
    ("CR", None, "gležanj", None, "FOOT"),
    ("CR", None, "Sprunggelenk", None, "FOOT"),
    ("CT", None, "glava", None, "HEAD"),
    ("MR", None, "MR mozga", None, "HEAD"),
    ("CT", None, "Kopf", None, "HEAD"),
    ("CT", None, "sinusi", None, "SINUS"),
    ("CT", None, "NNH", None, "SINUS"),
    ("MR", None, "dojka", None, "BREAST"),
    ("CR", None, "mamografija", None, "BREAST"),
    ("MR", None, "srce", None, "HEART"),
    ("XA", None, "koronarografija", None, "HEART"),
    ("US", None, "Echocardiogram", "Transesophageal Echocardiogram", "HEART"),
    ("CR", None, "urografija", None, "URINARYTRACT"),
    ("CR", None, "IVU", None, "URINARYTRACT"),
    ("RF", None, "želudac", None, "GITRACT"),
    ("RF", None, "pasaža", None, "GITRACT"),
    ("RF", None, "irigografija", None, "GITRACT"),
    ("NM", None, "scintigrafija cijelog tijela", None, "WHOLEBODY"),
    ("NM", None, "Whole Body Bone", None, "WHOLEBODY"),
    ("NM", "WHOLE BODY", None, None, "WHOLEBODY"),
    ("CT", None, "CT koronarografija", None, "HEART"),
    ("XA", None, "koronarna angiografija", None, "HEART"),
    ("CT", None, "Koronarangiographie", None, "HEART"),
    ("PT", None, None, "PET-CT SAX koronarne arterije", "HEART"),
    ("MR", None, "MR Schulter", "pd_tse_fs_koronar", "SHOULDER"),  # German / Croatian coronal plane
    ("MR", None, None, "PD FS koronarno", None),
    ("CR", None, "radiographia calvaria", None, "SKULL"),
    ("CT", None, "CT skull", "bone 1mm", "SKULL"),  # the word names the skull, not the brain
    ("CT", None, "CT lubanje", None, "SKULL"),
    ("CT", None, "CCTA", None, "HEART"),  # coronary CT angiography
    ("PT", None, "PET/CT skull base to mid-thigh", None, "WHOLEBODY"),  # the usual PET range
    ("DX", None, "columna vertebralis thoracica", None, "TSPINE"),  # Terminologia Anatomica
    ("MR", None, "MR columna vertebralis lumbalis", None, "LSPINE"),
    ("CT", None, "CT mozga", "LUNG 1mm", None),  # the descriptions contradict each other: open
    ("CT", "CHEST", "CT mozga", "LUNG 1mm", "CHEST"),  # ... and BodyPartExamined decides
    ("CT", None, "vrat", "cervical spine", "NECK"),  # a refinement (`from`) is no contradiction
    ("MR", None, None, "MEMPRAGE_4e_p2_1mm_iso", "HEAD"),  # MR brain sequence name
    ("CT", None, None, "MPRAGE", None),  # sequence rules are MR only
    ("CR", "EXTREMITY", None, None, None),  # generic, nothing else to go on
    ("CT", None, None, None, None),
]


def _frame(cases):
    return pd.DataFrame(
        [c[:4] for c in cases],
        columns=["modality", "body_part_examined", "study_description", "series_description"],
    )


def test_tricky_strings():
    df = _frame(CASES)
    region, rule = reconstruct_region(df)
    got = [None if r is None else r for r in region]
    wrong = [(c[:4], c[4], g, r) for c, g, r in zip(CASES, got, rule, strict=True) if g != c[4]]
    assert not wrong, wrong
    assert rule[region.isna()].isna().all()
    assert rule[region.notna()].notna().all()
    assert set(region.dropna()) <= set(REGIONS)


def test_normalisation():
    assert normalise_text("RTG Pluća_PA") == "rtg pluca pa"
    assert normalise_text("Schädel/Kopf") == "schadel kopf"
    assert normalise_text("Fuß") == "fuss"
    assert normalise_text("Međa") == "meda"
    assert bpe_key("t-spine") == bpe_key("T_SPINE") == "TSPINE"
    assert normalise_text(None) == normalise_text(pd.NA) == normalise_text(float("nan")) == ""


def test_first_match_and_field_order(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        """
version: 7
fields: [body_part_examined, study_description, series_description]
remaps: {KNEE: [KNEE], SPINE: [SPINE]}
rules:
  - {id: a, region: HAND, lang: en, pattern: 'hand'}
  - {id: b, region: FOOT, lang: en, pattern: 'hand|foot'}
  - {id: c, region: TSPINE, lang: en, pattern: 'thoracic', from: [KNEE]}
special:
  - {modality: CR, region: HAND, to: FOOT}
"""
    )
    loaded = RegionRules.load(rules)
    assert loaded.version == 7
    df = pd.DataFrame(
        {
            "modality": ["CT", "CT", "CT", "CT", "CR", "CT"],
            "body_part_examined": [None, None, "KNEE", "KNEE", None, "SPINE"],
            "study_description": ["hand foot", "foot", "hand", "thoracic", "hand", None],
            "series_description": [None, "foot x", None, None, None, "foot"],
        }
    )
    region, rule = reconstruct_region(df, loaded)
    # first rule in file order wins; the study description is searched before the series description;
    # a final remap is only refined by a rule listing it in `from`; specials apply last; a generic
    # remap (SPINE) stays open for the rules
    assert region.tolist() == ["HAND", "FOOT", "KNEE", "TSPINE", "FOOT", "FOOT"]
    assert rule.tolist() == ["a", "b", "remap:KNEE", "c", "a>special:CR", "b"]
    # fields naming different regions (each field's first rule) contradict each other: no rule
    # decides, BodyPartExamined still does
    df = pd.DataFrame(
        {
            "modality": ["CT", "CT", "CT"],
            "body_part_examined": [None, "KNEE", None],
            "study_description": ["foot", "foot", "hand foot"],
            "series_description": ["hand", "hand", "hand"],
        }
    )
    region, rule = reconstruct_region(df, loaded)
    assert region.tolist() == [None, "KNEE", "HAND"]
    assert rule.tolist() == [None, "remap:KNEE", "a"]


def test_rules_file_is_valid_and_versioned():
    rules = RegionRules.load()
    assert rules.version >= 1
    table = rules.table()
    assert table["id"].is_unique
    assert set(table["region"]) <= set(REGIONS)
    assert {"hr", "en", "de", "la"} <= set(table["lang"])
    # every region of the vocabulary can be produced by the rules or remaps
    assert set(REGIONS) <= set(table["region"]) | set(rules.remaps.values()) | set(rules.special.values())


def test_bad_rules_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("fields: [study_description]\nrules:\n  - {id: x, region: LEG, pattern: 'leg'}\n")
    with pytest.raises(ValueError, match="LEG"):
        RegionRules.load(bad)


def test_accuracy_table_and_hits():
    acc = region_accuracy(
        ["CT", "CT", "CT", "MR", "MR"],
        ["HEAD", None, "CHEST", "KNEE", "KNEE"],
        ["HEAD", "HEAD", "HEAD", "KNEE", None],
    )
    ct = acc.set_index("modality").loc["CT"]
    assert (ct["n"], ct["covered"], ct["correct"]) == (3, 2, 1)
    assert ct["coverage"] == pytest.approx(2 / 3)
    assert ct["accuracy"] == pytest.approx(1 / 2)
    assert ct["accuracy_all"] == pytest.approx(1 / 3)
    overall = acc.set_index("modality").loc["ALL"]
    assert (overall["n"], overall["correct"]) == (4, 2)  # the MR row without truth is left out
    hits = rule_hit_counts(pd.Series(["a", "a", None, "b"]))
    assert dict(zip(hits["rule_id"], hits["rows"], strict=True)) == {"a": 2, "(no rule)": 1, "b": 1}


def _hint_truth(hint: str, modality: str, study: str | None):
    """Truth for the labelled corpus rows, verified by hand against each row's tags."""
    text = hint.upper()
    if "SHOULDER" in text or (study or "").upper() == "SHOULDER":
        return "SHOULDER"  # MR shoulder series (hint says EXTREMITY)
    if "EXTREMITY" in text:
        return None  # CR of the distal tibia: no region of the vocabulary; left out
    for key, region in [
        ("BRAIN", "HEAD"),
        ("HEAD", "HEAD"),
        ("WHOLE", "WHOLEBODY"),
        ("THORAX", "CHEST"),
        ("CHEST", "CHEST"),
        ("ABDOMEN", "ABDOMEN"),
        ("HEART", "HEART"),
    ]:
        if key in text:
            return region
    raise AssertionError(f"unverified hint {hint!r}")


def test_real_corpus_accuracy_floor():
    if not (CORPUS / "inventory.csv").is_file():
        pytest.skip("real DICOM corpus not found at ../shared/corpus (relative to the project root)")
    inv = pd.read_csv(CORPUS / "inventory.csv", dtype=str, keep_default_na=False).replace({"": None})
    rows = inv[inv["eval_candidate"] == "yes"].copy()
    rows["truth"] = [
        _hint_truth(h, m, s)
        for h, m, s in zip(rows["anatomy_hint"], rows["modality"], rows["study_description"], strict=True)
    ]
    region, _ = reconstruct_region(rows)
    acc = region_accuracy(rows["modality"], region, rows["truth"]).set_index("modality")
    overall = acc.loc["ALL"]
    assert overall["n"] >= 100
    assert overall["accuracy"] >= 0.97
    assert overall["coverage"] >= 0.95
    assert acc.loc["MR", "accuracy"] == 1.0


def test_overridden_readings_are_skipped():
    df = pd.DataFrame(
        {
            "modality": ["CT", "CT", "CR", "CT"],
            "study_description": ["CT lung", "CT thorax", "lung pa", "lung thorax"],
        }
    )
    assert reconstruct_region(df)[0].tolist() == ["CHEST"] * 4
    overridden = RegionReconstructor(overrides=[("CT", "chest_en", "lung")])
    out = overridden.explain(df)
    # only that term of that rule in that modality: CT "thorax" still reads CHEST, CR "lung" too
    assert out["region"].tolist() == [None, "CHEST", "CHEST", "CHEST"]
    assert out["term"].tolist() == [None, "thorax", "lung", "thorax"]
