"""The learned region fallback without Ray: model gates, threshold choice, save / load, study fill."""

import numpy as np
import pandas as pd
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.tags.job import TagsConfig
from pacslabel.tags.learned_region import RegionTextModel, choose_threshold, model_inputs
from pacslabel.tags.region_batches import (
    LabelBatch,
    RegionLabeller,
    fill_from_studies,
    fills_by_kind,
    study_fill,
    study_pairs,
)

# protocol codes no rule knows, each used by one region of this made-up archive
CODES = {
    "CHEST": ["0,OPA,GE,HSP", "PORT 1V AP"],
    "KNEE": ["KN3 PD FSE", "KN3 T1 COR"],
    "ABDOMEN": ["3PH LIV ART", "3PH LIV VEN"],
}


def _rows(n_per_code=12, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for region, codes in CODES.items():
        for code in codes:
            for i in range(n_per_code):
                rows.append(
                    {
                        "modality": "MR" if region == "KNEE" else "CT",
                        "protocol_name": code if i % 2 else f"{code} {rng.integers(1, 9)}",
                        "manufacturer": "GE MEDICAL SYSTEMS",
                        "label": region,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def model():
    frame = _rows()
    fitted = RegionTextModel(random_state=0).fit(frame, frame["label"])
    fitted.threshold_ = 0.5
    return fitted


def test_rules_cannot_read_the_codes():
    frame = _rows()
    region, _ = RegionLabeller()(frame)
    assert region.isna().all()


def test_model_reads_the_codes_and_leaves_unseen_text_open(model):
    query = pd.DataFrame(
        {
            "modality": ["CT", "MR", "CT", "CT", "MR", "CT"],
            "protocol_name": ["0,OPA,GE,HSP", "KN3 PD FSE", "3PH LIV VEN 4", "QZX WVU JJK", None, "0"],
        }
    )
    decided = model.decide(query)
    assert decided["region"].tolist()[:3] == ["CHEST", "KNEE", "ABDOMEN"]
    assert (decided["probability"].iloc[:3] >= model.threshold_).all()
    # never-seen text, no text, and a text without any 4-gram: open, whatever the modality suggests
    assert decided["region"].iloc[3:].isna().all() and decided["probability"].iloc[3:].isna().all()
    assert decided["known"].iloc[3] == 0.0
    scored = model.predict(query)
    assert scored["region"].notna().all()  # the raw prediction exists; the gates decide


def test_threshold_gate(model):
    query = pd.DataFrame({"modality": ["CT"], "protocol_name": ["0,OPA,GE,HSP"]})
    model_off = RegionTextModel.from_bytes(model.to_bytes())
    model_off.threshold_ = None
    assert model_off.decide(query)["region"].isna().all()
    model_off.threshold_ = 1.01
    assert model_off.decide(query)["region"].isna().all()


def test_save_load_same_predictions(model):
    frame = _rows(seed=3)
    loaded = RegionTextModel.from_bytes(model.to_bytes())
    pd.testing.assert_frame_equal(model.predict(frame), loaded.predict(frame))
    assert loaded.meta()["threshold"] == model.threshold_
    with pytest.raises(ValueError, match="RegionTextModel"):
        RegionTextModel.from_bytes(b"\x80\x05N.")


def test_model_inputs_dedupe_and_device_tokens():
    texts, devices = model_inputs(
        pd.DataFrame(
            {
                "study_description": ["CT Thorax"],
                "requested_procedure_description": ["ct thorax"],
                "series_description": ["AX 5mm"],
                "modality": ["CT"],
                "manufacturer": ["GE Medical Systems"],
            }
        )
    )
    assert texts == ["ct thorax ax 5mm"]
    assert devices == ["mod=ct man=ge_medical_systems"]


def test_choose_threshold_by_hand():
    prob = np.array([0.99, 0.9, 0.9, 0.8, 0.6, 0.4])
    correct = np.array([1, 1, 0, 1, 1, 0], dtype=bool)
    weight = np.array([1, 1, 1, 1, 1, 1.0])
    # cuts: 0.99 -> 1/1, 0.9 -> 2/3, 0.8 -> 3/4, 0.6 -> 4/5, 0.4 -> 4/6
    got = choose_threshold(prob, correct, weight, precision=0.75)
    assert got == {"threshold": 0.6, "precision": 0.8, "coverage": pytest.approx(5 / 6)}
    assert choose_threshold(prob, correct, weight, precision=0.75, floor=0.7)["threshold"] == 0.8
    assert choose_threshold(prob, correct, weight, precision=1.0)["threshold"] == 0.99
    # weights: the wrong 0.9 row weighs 10
    heavy = choose_threshold(prob, correct, np.array([1, 1, 10, 1, 1, 1.0]), precision=0.75)
    assert heavy["threshold"] == 0.99
    assert choose_threshold(prob[2:3], correct[2:3], weight[2:3], 0.5)["threshold"] is None


def test_label_batch_uses_only_single_region_bpe_not_contradicted():
    batch = pd.DataFrame(
        {
            "sop_instance_uid": ["a", "b", "c", "d", "e", "f"],
            "study_instance_uid": ["s1", "s1", "s2", "s3", "s4", "s5"],
            "series_instance_uid": ["r1", "r1", "r2", "r3", "r4", "r5"],
            "modality": ["CT"] * 6,
            "body_part_examined": ["CHEST", "CHEST", "KNEE", "CHESTABDPELVIS", "EXTREMITY", "LUNG"],
            "study_description": [None, None, "CT thorax", None, None, None],
            "protocol_name": ["0,OPA,GE,HSP"] * 6,
        }
    )
    out = LabelBatch()(batch)
    labelled = out[out["status"] == "label"]
    assert labelled[["study_instance_uid", "label", "n", "series"]].values.tolist() == [
        ["s1", "CHEST", 2, 1],
        ["s5", "CHEST", 1, 1],
    ]
    contradicted = out[out["status"] == "contradicted"]
    assert contradicted["study_instance_uid"].tolist() == ["s2"]  # KNEE, but the study says thorax
    assert labelled["text_open"].all()


def test_study_fill_within_studies_only():
    rows = pd.DataFrame(
        {
            "study_instance_uid": ["s1", "s1", "s1", "s2", "s2", "s2", "s3", "s4"],
            "region": ["CHEST", "CHEST", None, "HEAD", "NECK", None, None, "KNEE"],
            "rule_id": ["chest_en", "learned", None, "head_en", "neck_en", None, None, "knee_en"],
            "source": ["rules", "learned", None, "rules", "rules", None, None, "rules"],
        }
    )
    fills = fills_by_kind(study_fill(study_pairs(rows)))
    assert fills == {"region": {"s1": "CHEST"}}  # s2 disagrees, s3 has nothing, s4 is not open
    out = fill_from_studies(rows, fills)
    assert out["region"].fillna("-").tolist() == ["CHEST", "CHEST", "CHEST", "HEAD", "NECK", "-", "-", "KNEE"]
    assert out.loc[2, "rule_id"] == "study" and out.loc[2, "source"] == "study"


def test_config_validation():
    cfg = load_config(TagsConfig, "configs/tags.yaml", ["run_root=x"])
    assert cfg.regions.learned.precision == 0.95 and cfg.regions.study_consistency
    for bad, key in [
        ("regions.learned.precision=1.5", "precision"),
        ("regions.learned.calibration_fraction=0", "calibration_fraction"),
        ("regions.learned.ngram_min=6", "ngram_min"),
        ("regions.measure_fraction=1", "measure_fraction"),
    ]:
        with pytest.raises(ConfigError, match=key):
            load_config(TagsConfig, None, ["run_root=x", bad])
