"""PS3.16 Annex L Body Part Examined defined terms: every term, one by one, through the region rules."""

import pandas as pd
import pytest

from pacslabel.tags.bodypart_terms import body_part_terms
from pacslabel.tags.regions import RegionReconstructor, RegionRules
from pacslabel.vocab import REGIONS

# the expected reading of every defined term, written out independently of bodypart_terms.yaml
EXPECTED = {
    "HEAD": "HEAD BRAIN CEREBELLUM CEREBHEMISPHERE INTRACRANIAL THALAMUS LATVENTRICLE 3RDVENTRICLE "
    "4THVENTRICLE CHOROIDPLEXUS SELLA CIRCLEOFWILLIS CEREBRALA ACA MCA PCA ANTCOMMA POSCOMMA BASILARA "
    "OCCPITALA OCCIPTALV OPHTHALMICA LACRIMALA SCALP FONTANEL IAC EAR EAC EYE EYELID CORNEA SCLERA FACIALA",
    "SKULL": "SKULL FACE CHEEK NOSE ORBIT OPTICCANAL MAXILLA MANDIBLE JAW TMJ ZYGOMA MASTOID MOUTH",
    "SINUS": "FRONTALSINUS",
    "NECK": "NECK CAROTID CCA ICA ECA BULB VERTEBRALA EXTJUGV INTJUGULARV LARYNX PHARYNX PHARYNXLARYNX "
    "HYPOPHARYNX NASOPHARYNX ENDONASOPHARYNYX TONGUE LINGUALA THYROID PARATHYROID SUPTHYROIDA PAROTID "
    "SUBMANDIBULAR SUPRACLAVICULAR",
    "CSPINE": "CSPINE ATLANTOAXIAL ATLANTOOCCIPITAL",
    "TSPINE": "TSPINE",
    "LSPINE": "LSPINE LSSPINE LUMBAR",
    "CHEST": "CHEST THORAX LUNG RIB STERNUM SCJOINT MEDIASTINUM THYMUS TRACHEA BRONCHUS TRACHEABRONCHUS "
    "PULMONARYA LPULMONARYA RPULMONARYA PULMONARYV LSUPPULMONARYV RSUPPULMONARYV THORACICAORTA ASCAORTA "
    "AORTICARCH DESCAORTA SVC AZYGOSVEIN INNOMINATEA INNOMINATEV SUBCLAVIANA SUBCLAVIANV INTMAMMARYA",
    "HEART": "HEART CORONARYARTERY CORONARYSINUS LATRIUM RATRIUM LVENTRICLE RVENTRICLE ANTCARDIACV "
    "ENDOCARDIAC PARASTERNAL",
    "BREAST": "BREAST",
    "ABDOMEN": "ABDOMEN LIVER GALLBLADDER BILEDUCT COMMONBILEDUCT BILIARYTRACT PANCREAS PANCREATICDUCT "
    "PANCBILEDUCT SPLEEN ADRENAL APPENDIX RETROPERITONEUM MORISONSPOUCH EPIGASTRIC UMBILICAL FLANK "
    "LHYPOCHONDRIAC RHYPOCHONDRIAC LLUMBAR RLUMBAR LUQ RUQ LLQ RLQ ABDOMINALAORTA INFVENACAVA CELIACA SMA "
    "INFMESA MESENTRICA MESENTRICV HEPATICA HEPATICV LHEPATICV MIDHEPATICV RHEPATICV PORTALV LPORTALV "
    "RPORTALV SPLENICA SPLENICV GASTRICV LUMBARA",
    "GITRACT": "ESOPHAGUS STOMACH UGITRACT DUODENUM JEJUNUM ILEUM SMALLINTESTINE LARGEINTESTINE COLON "
    "ASCENDINGCOLON TRANSVERSECOLON DESCENDINGCOLON SIGMOID RECTUM ANUSRECTUMSIGMD",
    "URINARYTRACT": "URINARYTRACT UPRURINARYTRACT KIDNEY RENALA RENALV URETER BLADDER URETHRA "
    "BLADDERURETHRA ENDORENAL ENDOURETERIC ENDOVESICAL ENDOURETHRAL",
    "PELVIS": "PELVIS ILIUM SIJOINT SSPINE COCCYX BUTTOCK GLUTEAL HYPOGASTRIC SUPRAPUBIC INGUINAL "
    "LINGUINAL RINGUINAL PERINEUM ILIACA ILIACV COMILIACA COMILIACV EXTILIACA EXTILIACV INTILIACA "
    "PROSTATE SEMVESICLE PENIS PENILEA SCROTUM TESTIS EPIDIDYMIS UTERUS ENDOMETRIUM CERVIX OVARY CULDESAC "
    "VAGINA VULVA ENDOVAGINAL ENDORECTAL",
    "SHOULDER": "SHOULDER CLAVICLE SCAPULA ACJOINT",
    "ELBOW": "ELBOW",
    "HAND": "HAND WRIST CARPUS METACARPUS FINGER THUMB",
    "HIP": "HIP",
    "KNEE": "KNEE PATELLA POPLITEALFOSSA POPLITEALA POPLITEALV GENICULARA STIFLE",
    "FOOT": "FOOT ANKLE TARSUS CALCANEUS METATARSUS TOE SESAMOID FOREFOOT HINDFOOT",
    "WHOLEBODY": "WHOLEBODY",
    None: "SPINE SPINALCORD ANTSPINALA BACK AXILLA AXILLARYA AXILLARYV AORTA ARTERY VEIN LUMEN JOINT "
    "EXTREMITY UPPERLIMB LOWERLIMB ARM UPPERARM HUMERUS BRACHIALA BRACHIALV CEPHALICV ANTECUBITALV FOREARM "
    "RADIUS ULNA RADIUSULNA RADIALA ULNARA DIGIT DISTALPHALANX THIGH FEMUR CFA CFV FEMORALA FEMORALV "
    "LFEMORALA RFEMORALA PROFFEMA PROFFEMV SFA SFV SFJ GSV SAPHENOUSV LEG LEGS LOWERLEG CALF TIBIA FIBULA "
    "TIBIAFIBULA ANTTIBIALA POSTIBIALA PERONEALA ENDOARTERIAL ENDOVASCULAR ENDOVENOUS ENDOESOPHAGEAL "
    "ENDONASAL SUBCOSTAL UMBILICALA UMBILICALV PLACENTA AMNIOTICFLUID GESTSAC FETALARM FETALDIGIT "
    "FETALHEART FETALLEG FETALPOLE PHANTOM TAIL WING FOREFETLOCK HINDFETLOCK FOREPASTERN HINDPASTERN "
    "FORENAVICULAR HINDNAVICULAR",
}
# multi-region values: (default region, parts)
MULTI = {
    "HEADNECK": ("HEAD", {"HEAD", "NECK"}),
    "NECKCHEST": ("CHEST", {"NECK", "CHEST"}),
    "NECKCHESTABDOMEN": ("CHEST", {"NECK", "CHEST", "ABDOMEN"}),
    "NECKCHESTABDPELV": ("WHOLEBODY", {"NECK", "CHEST", "ABDOMEN", "PELVIS"}),
    "CHESTABDOMEN": ("CHEST", {"CHEST", "ABDOMEN"}),
    "CHESTABDPELVIS": ("ABDOMEN", {"CHEST", "ABDOMEN", "PELVIS"}),
    "ABDOMENPELVIS": ("ABDOMEN", {"ABDOMEN", "PELVIS"}),
    "PELVISLOWEXTREMT": ("PELVIS", {"PELVIS", "HIP", "KNEE", "FOOT"}),
    "CTSPINE": ("CSPINE", {"CSPINE", "TSPINE"}),
    "TLSPINE": ("TSPINE", {"TSPINE", "LSPINE"}),
}
SINGLE = [(term, region) for region, terms in EXPECTED.items() for term in terms.split()]


@pytest.fixture(scope="module")
def reconstructor():
    return RegionReconstructor(RegionRules.load())


def test_every_defined_term_is_listed_once():
    listed = [t for t, _ in SINGLE] + list(MULTI)
    assert len(listed) == len(set(listed))
    assert set(body_part_terms()) == set(listed)
    # terms the PS3.16 table names, spot-checked against the standard
    spot = ("CHESTABDPELVIS", "CIRCLEOFWILLIS", "CORONARYARTERY", "IAC", "TLSPINE", "UGITRACT", "ZYGOMA")
    assert set(spot) <= set(body_part_terms())


@pytest.mark.parametrize(("term", "region"), SINGLE)
def test_single_term(reconstructor, term, region):
    entry = body_part_terms()[term]
    assert entry.region == region and entry.parts == ()
    got = reconstructor.explain(pd.DataFrame({"modality": ["MR"], "body_part_examined": [term]}))
    assert got["region"].iloc[0] == region
    if region is not None:
        assert got["source"].iloc[0] == "bpe"


@pytest.mark.parametrize(("term", "spec"), list(MULTI.items()))
def test_multi_region_term(reconstructor, term, spec):
    default, parts = spec
    entry = body_part_terms()[term]
    assert entry.region == default and set(entry.parts) == parts and set(parts) <= set(REGIONS)
    frame = pd.DataFrame(
        {
            "modality": ["CT"] * (len(parts) + 1),
            "body_part_examined": [term] * (len(parts) + 1),
            "series_description": [None, *[f"{p.lower()} 5mm" for p in sorted(parts)]],
        }
    )
    region, _ = reconstructor(frame)
    assert region.iloc[0] == default  # no description: the default region
    assert region.iloc[1:].tolist() == sorted(parts)  # a later field naming a part picks that part


def test_multi_region_is_not_replaced_by_another_region(reconstructor):
    frame = pd.DataFrame(
        {"modality": ["CT"], "body_part_examined": ["NECKCHEST"], "series_description": ["knee"]}
    )
    assert reconstructor(frame)[0].iloc[0] == "CHEST"


def test_rules_file_remap_overrides_a_defined_term(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("version: 1\nfields: [body_part_examined]\nremaps: {HIP: [FEMUR]}\nrules: []\n")
    frame = pd.DataFrame({"modality": ["CT", "CT"], "body_part_examined": ["FEMUR", "KNEE"]})
    assert RegionReconstructor(RegionRules.load(rules))(frame)[0].tolist() == ["HIP", "KNEE"]
    rules.write_text("version: 1\nstandard_terms: false\nfields: [body_part_examined]\nrules: []\n")
    assert RegionReconstructor(RegionRules.load(rules))(frame)[0].isna().all()
