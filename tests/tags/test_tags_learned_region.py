"""The learned region fallback without Ray: model gates, abbreviations, labelled rows, threshold choice
and calibration, save / load, study fill, scoring against a truth file."""

import numpy as np
import pandas as pd
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.tags.batches import (
    READING,
    AgreementBatch,
    LabelBatch,
    RegionLabeller,
    calibration_folds,
    fill_from_studies,
    fills_by_kind,
    reading_agreement,
    rule_overrides,
    study_fill,
    study_pairs,
)
from pacslabel.tags.config import TagsConfig
from pacslabel.tags.learned_region import (
    MODEL_FIELDS,
    RegionTextModel,
    abbreviation_keys,
    choose_threshold,
    model_inputs,
)
from pacslabel.tags.region_stage import calibrate, held_out_scores, truth_measurement

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
    assert texts == {"study": ["ct thorax"], "series": ["ax 5mm"]}
    assert devices == ["mod=ct man=ge_medical_systems"]


def test_a_study_code_is_not_drowned_by_series_names_every_region_shares():
    # short study codes, long series names that every region uses: the study's text is weighed as a
    # block of its own, so the code decides with the confidence it earned in training
    codes = {"KNEE": "KN", "HEAD": "BRN", "BREAST": "BRST"}
    series = [
        "T1 FSE AXIAL FAT SAT POST GADOLINIUM",
        "T2 FRFSE SAGITTAL PROPELLER HIGH RES",
        "STIR CORONAL INVERSION RECOVERY",
        "PD SPAIR AXIAL FAT SUPPRESSED",
        "T1 GD AXL FS DYNAMIC SUBTRACTION",
        "DWI B800 AXIAL TRACE ADC",
        "T2 STAR GRE",
    ]
    rows = [(code, name, region) for region, code in codes.items() for name in series[:4]]
    rows += [(None, name, region) for region in codes for name in series[4:6]]
    frame = pd.DataFrame(rows, columns=["study_description", "series_description", "label"])
    model = RegionTextModel(random_state=0).fit(frame.assign(modality="MR"), frame["label"])
    query = pd.DataFrame(
        {"modality": "MR", "study_description": list(codes.values()), "series_description": series[4:]}
    )
    scored = model.predict(query)
    assert scored["region"].tolist() == list(codes)
    assert (scored["probability"] > 0.9).all(), scored


def test_abbreviation_keys_by_hand():
    # consonant skeleton (first letter kept): pelvis -> plvs, pelv -> plv; prefixes of 2 to 5 letters
    assert abbreviation_keys("pelvis pelv plvs") == "pl plv plvs"
    assert abbreviation_keys("chest chst") == "ch chs chst"
    # words with digits, one letter, or a one-letter skeleton give nothing
    assert abbreviation_keys("t2 ax 5mm a eye") == "ax"
    assert abbreviation_keys("") == ""


def test_abbreviations_meet_the_full_words():
    words = {"PELVIS": "pelvis", "KNEE": "knee", "CHEST": "thorax", "HEAD": "brain"}
    frame = pd.DataFrame(
        [
            {"modality": "MR", "series_description": f"{word} {view}", "label": region}
            for region, word in words.items()
            for view in ("ap", "lat", "ax t2", "sag pd", "cor t1", "obl")
        ]
    )
    query = pd.DataFrame(
        {"modality": ["MR"] * 4, "series_description": ["plvs ax t2", "thrx lat", "brn sag", "kn"]}
    )
    with_keys = RegionTextModel(random_state=0).fit(frame, frame["label"]).predict(query)
    without = RegionTextModel(abbreviations=False, random_state=0).fit(frame, frame["label"]).predict(query)
    assert with_keys["region"].tolist() == ["PELVIS", "CHEST", "HEAD", "KNEE"]
    assert (with_keys["probability"] > without["probability"] + 0.2).all()


def test_label_batch_learns_from_rule_labels_where_bpe_names_none():
    batch = pd.DataFrame(
        {
            "sop_instance_uid": ["a", "b", "c", "d"],
            "study_instance_uid": ["s1", "s1", "s2", "s3"],
            "series_instance_uid": ["r1", "r2", "r3", "r4"],
            "modality": ["CT"] * 4,
            "body_part_examined": [None, None, "EXTREMITY", "KNEE"],
            "study_description": ["CT thorax", "CT thorax", "knee CT", None],
            "protocol_name": ["0,OPA,GE,HSP", "PORT 1V AP", "KN3 PD FSE", "KN3 T1 COR"],
        }
    )
    out = LabelBatch()(batch).sort_values("protocol_name")
    assert out[["protocol_name", "label", "origin", "text_open", "n", "series"]].values.tolist() == [
        ["0,OPA,GE,HSP", "CHEST", "rules", False, 1, 1],
        ["KN3 PD FSE", "KNEE", "rules", False, 1, 1],  # EXTREMITY names no region: the rules decide
        ["KN3 T1 COR", "KNEE", "bpe", True, 1, 1],
        ["PORT 1V AP", "CHEST", "rules", False, 1, 1],
    ]
    assert (out["status"] == "label").all()
    only_bpe = LabelBatch(rule_labels=False)(batch)
    assert only_bpe["origin"].tolist() == ["bpe"] and only_bpe["label"].tolist() == ["KNEE"]


def test_calibration_folds_are_stable_and_study_disjoint():
    studies = np.array([f"s{i // 3}" for i in range(3000)], dtype=object)
    folds = calibration_folds(studies, 4, seed=1)
    assert set(folds) == {0, 1, 2, 3}
    assert pd.Series(folds).groupby(studies).nunique().max() == 1
    assert (np.bincount(folds) > 600).all()
    np.testing.assert_array_equal(folds, calibration_folds(studies, 4, seed=1))
    assert (folds != calibration_folds(studies, 4, seed=2)).any()


def test_held_out_scores_and_calibration():
    cfg = load_config(TagsConfig, "configs/tags.yaml", ["run_root=x"])
    frame = _rows(n_per_code=20)
    frame = frame.reindex(columns=[*MODEL_FIELDS, "label"], fill_value="")
    rows = frame.assign(
        study_instance_uid=[f"s{i}" for i in range(len(frame))],
        n=2,
        series=1,
        origin=np.where(np.arange(len(frame)) % 2, "bpe", "rules"),
        text_open=np.arange(len(frame)) % 4 == 1,
    )
    held = held_out_scores(cfg, rows)
    # every row once, scored by a model that never saw its study
    assert sorted(held["study_instance_uid"]) == sorted(rows["study_instance_uid"])
    assert (held["region"] == held["label"]).mean() > 0.9
    lc = cfg.regions.learned
    chosen = calibrate(held, lc)
    assert chosen["basis"] == "all held-out rows" and chosen["held_out_groups"] == len(rows)
    assert chosen["threshold"] >= lc.min_probability and chosen["precision"] >= lc.precision
    lc.min_calibration = 30
    chosen = calibrate(held, lc)
    assert chosen["basis"] == "rows the rules leave open" and chosen["held_out_groups"] == len(rows) // 4


def test_truth_measurement_on_rows_without_body_part(run_root, tmp_path):
    uids = [f"u{i}" for i in range(7)]
    run_root.makedirs("tags")
    pd.DataFrame(
        {
            "sop_instance_uid": uids,
            "body_part_examined": ["CHEST", None, " ", None, None, None, None],
        }
    ).to_parquet(run_root.path("tags", "part-0.parquet"))
    run_root.makedirs("regions")
    pd.DataFrame(
        {
            "sop_instance_uid": uids,
            "modality": ["CT", "CT", "CT", "CT", "MR", "MR", "MR"],
            "region": ["CHEST", "CHEST", "HEAD", None, "KNEE", "KNEE", "HEAD"],
            "source": ["bpe", "rules", "learned", None, "study", "learned", "rules"],
        }
    ).to_parquet(run_root.path("regions", "part-0.parquet"))
    truth = tmp_path / "truth.parquet"
    pd.DataFrame(
        {
            "sop_instance_uid": uids,
            "anatomical_region": ["CHEST", "CHEST", "CHEST", "HEAD", "KNEE", "KNEE", None],
        }
    ).to_parquet(truth)
    got = truth_measurement(run_root, str(truth))
    # u0 has BodyPartExamined; u6 has no truth
    assert got["rows"] == 5
    ct, mr, overall = (got["by_modality"][k] for k in ("CT", "MR", "ALL"))
    assert ct["n"] == 3 and mr["n"] == 2 and overall["n"] == 5
    assert ct["rules"] == {"covered": 1, "correct": 1, "coverage": 0.3333, "accuracy": 1.0}
    assert ct["rules_model"] == {"covered": 2, "correct": 1, "coverage": 0.6667, "accuracy": 0.5}
    assert mr["rules_model"] == {"covered": 1, "correct": 1, "coverage": 0.5, "accuracy": 1.0}
    assert mr["rules_model_study"] == {"covered": 2, "correct": 2, "coverage": 1.0, "accuracy": 1.0}
    assert overall["rules_model_study"] == {"covered": 4, "correct": 3, "coverage": 0.8, "accuracy": 0.75}


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
    assert labelled["text_open"].all() and (labelled["origin"] == "bpe").all()


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
        ("regions.learned.calibration_folds=1", "calibration_folds"),
        ("regions.learned.ngram_min=6", "ngram_min"),
        ("regions.measure_fraction=1", "measure_fraction"),
        ("regions.learned.override_min_studies=-1", "override_min_studies"),
    ]:
        with pytest.raises(ConfigError, match=key):
            load_config(TagsConfig, None, ["run_root=x", bad])


def test_readings_the_archive_contradicts_in_enough_studies_are_overruled():
    rows = []

    def study(uid, bpe, text, n=3):
        rows.extend(
            {"sop_instance_uid": f"{uid}.{i}", "study_instance_uid": uid, "modality": "ct"}
            | {"body_part_examined": bpe, "study_description": text}
            for i in range(n)
        )

    for s in range(4):  # a site files its cardiac CTs, named by their lung window, as HEART
        study(f"h{s}", "HEART", "CT lung")
    study("h9", "HEART", "CT lung thorax")  # the rule's first match is "lung", so it counts there
    for s in range(5):
        study(f"c{s}", "CHEST", "CT thorax")
    study("x", "KNEE", "CT thorax", n=1)  # one study's error does not overrule "thorax"
    study("y", None, "CT lung")  # no BodyPartExamined: not counted
    frame = pd.DataFrame(rows)
    halves = [AgreementBatch()(part) for part in (frame.iloc[:20], frame.iloc[20:])]
    readings = reading_agreement(pd.concat(halves)).set_index(READING)
    lung, thorax = readings.loc[("CT", "chest_en", "lung")], readings.loc[("CT", "chest_en", "thorax")]
    assert (lung["rows"], lung["disagree"], lung["studies"], lung["bpe_region"]) == (15, 15, 5, "HEART")
    assert (thorax["rows"], thorax["disagree"], thorax["studies"], thorax["bpe_region"]) == (16, 1, 1, "KNEE")
    overruled = rule_overrides(readings.reset_index(), min_studies=3)
    assert list(overruled[READING].itertuples(index=False, name=None)) == [("CT", "chest_en", "lung")]
    assert rule_overrides(readings.reset_index(), min_studies=6).empty
    assert rule_overrides(readings.reset_index(), min_studies=0).empty
    # the labelled rows read without the overruled reading: HEART is a label, no longer a contradiction
    labelled = LabelBatch(overrides=tuple(overruled[READING].itertuples(index=False, name=None)))(frame)
    lung_rows = labelled[labelled["study_description"] == "CT lung"]
    assert set(lung_rows["status"]) == {"label"} and set(lung_rows["label"]) == {"HEART"}
    before = LabelBatch()(frame).query("study_description == 'CT lung' and origin == 'bpe'")
    assert set(before["status"]) == {"contradicted"}
    # a text where the rule also matches another term is still read through it
    assert labelled.query("study_description == 'CT lung thorax'")["status"].tolist() == ["contradicted"]
