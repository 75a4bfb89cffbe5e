"""Profiling (partial aggregates, merge, sketches) and the RadiologyNET selection rules."""

import json

import numpy as np
import pandas as pd
import pytest

from pacslabel.synth.tag_table import random_tags
from pacslabel.tags.config import SelectionConfig
from pacslabel.tags.profile import (
    combine_profiles,
    profile_frame,
    select_columns,
)
from pacslabel.tags.run import profile_dataset
from pacslabel.tags.schema import exclusion_reason, flatten_other_tags, snake_case, with_other_tags


def _profile_row(column, fill_rate, n_distinct, numeric_fraction=0.0, group_fill_rate=None):
    n = 1000
    present = round(fill_rate * n)
    return {
        "column": column,
        "source": "column",
        "n_rows": n,
        "n_present": present,
        "fill_rate": present / n,
        "group_fill_rate": fill_rate if group_fill_rate is None else group_fill_rate,
        "group": "CT",
        "n_distinct": n_distinct,
        "distinct_exact": True,
        "numeric_fraction": numeric_fraction,
        "min": np.nan,
        "max": np.nan,
        "top_values": "[]",
    }


def test_selection_rules():
    prof = pd.DataFrame(
        [
            _profile_row("manufacturer", 0.9, 4),
            _profile_row("patient_position", 0.19, 3),  # sparse
            _profile_row("mr_acquisition_type", 0.20, 2),  # exactly at the threshold: kept
            _profile_row("photometric_interpretation", 1.0, 1),  # constant
            _profile_row("manufacturer_model_name", 1.0, 51),  # too many categories
            _profile_row("ot_station_name", 1.0, 50),  # at the cap: kept
            _profile_row("exposure", 0.5, 5000, 1.0),  # continuous: no cardinality cap
            _profile_row("sop_instance_uid", 1.0, 1000),
            _profile_row("path", 1.0, 1000),
            _profile_row("patient_key", 1.0, 40),
            _profile_row("ot_study_date", 1.0, 3, 1.0),
            _profile_row("ot_acquisition_time", 1.0, 3, 1.0),
            _profile_row("exposure_time", 1.0, 30, 1.0),  # a duration, not a time of day
            _profile_row("study_description", 1.0, 10),
            _profile_row("body_part_examined", 1.0, 10),
            _profile_row("region", 1.0, 10),
            _profile_row("ot_series_number", 1.0, 3, 0.5),  # mostly text: categorical
        ]
    )
    sel = select_columns(prof, SelectionConfig()).set_index("column")
    kept = set(sel.index[sel["selected"]])
    assert kept == {
        "manufacturer",
        "mr_acquisition_type",
        "ot_station_name",
        "exposure",
        "exposure_time",
        "region",
        "ot_series_number",
    }
    assert sel.loc["patient_position", "reason"].startswith("fill rate")
    assert sel.loc["photometric_interpretation", "reason"].startswith("distinct")
    assert sel.loc["manufacturer_model_name", "reason"].startswith("cardinality")
    assert sel.loc["sop_instance_uid", "reason"] == "identifier"
    assert sel.loc["patient_key", "reason"] == "identifier"
    assert sel.loc["path", "reason"] == "path/key"
    assert sel.loc["ot_study_date", "reason"] == "date"
    assert sel.loc["ot_acquisition_time", "reason"] == "date"
    assert sel.loc["study_description", "reason"] == "free text"
    assert sel.loc["body_part_examined", "reason"] == "replaced by region"
    assert (
        sel.loc["exposure", "kind"] == "continuous" and sel.loc["ot_series_number", "kind"] == "categorical"
    )
    # configurable thresholds, include and exclude
    cfg = SelectionConfig(
        min_fill_rate=0.1,
        max_categorical_cardinality=60,
        include=["study_description"],
        exclude=["exposure"],
        replace_body_part_with_region=False,
    )
    sel2 = select_columns(prof, cfg).set_index("column")
    assert sel2.loc["patient_position", "selected"] and sel2.loc["manufacturer_model_name", "selected"]
    assert not sel2.loc["exposure", "selected"] and sel2.loc["body_part_examined", "selected"]
    assert not sel2.loc["study_description", "selected"]  # free text stays out even when included


def test_a_tag_of_one_modality_is_judged_inside_it():
    prof = pd.DataFrame(
        [
            _profile_row("ot_inversion_time", 0.07, 25, 1.0, group_fill_rate=0.3),  # MR's own tag
            _profile_row("ot_view_position", 0.04, 11, group_fill_rate=0.1),  # sparse even in its modality
            _profile_row("ot_contrast_bolus_route", 0.3, 1),  # one value where present: present or not
            _profile_row("photometric_interpretation", 1.0, 1),  # one value everywhere: constant
        ]
    )
    sel = select_columns(prof, SelectionConfig()).set_index("column")
    assert sel.loc["ot_inversion_time", "selected"]
    assert sel.loc["ot_view_position", "reason"].startswith("fill rate")
    assert sel.loc["ot_contrast_bolus_route", "selected"]
    assert sel.loc["photometric_interpretation", "reason"].startswith("distinct")
    archive = select_columns(prof, SelectionConfig(fill_rate_within="archive", absent_is_value=False))
    archive = archive.set_index("column")
    assert archive.loc["ot_inversion_time", "reason"].startswith("fill rate")
    assert archive.loc["ot_contrast_bolus_route", "reason"].startswith("distinct")


def test_fill_rate_inside_each_modality_merges_over_batches():
    df = pd.DataFrame(
        {
            "modality": ["MR"] * 4 + ["CT"] * 6 + ["mr"] * 2,
            "ot_inversion_time": [2500.0, None, 2400.0, None] + [None] * 6 + [None, 2500.0],
        }
    )
    parts = pd.concat(
        [
            profile_frame(df.iloc[:5]).assign(batch="a", batch_rows=5),
            profile_frame(df.iloc[5:9][["modality"]]).assign(batch="b", batch_rows=4),  # column absent
            profile_frame(df.iloc[9:]).assign(batch="c", batch_rows=3),
        ]
    )
    row = combine_profiles(parts, min_group_rows=3).set_index("column").loc["ot_inversion_time"]
    assert row["fill_rate"] == pytest.approx(3 / 12)
    assert row["group"] == "MR" and row["group_fill_rate"] == pytest.approx(3 / 6)  # case-folded
    small = combine_profiles(parts, min_group_rows=7).set_index("column").loc["ot_inversion_time"]
    assert small["group_fill_rate"] == 0.0 and small["group"] == ""  # no modality has 7 rows


def test_exact_profile_and_merge_is_associative():
    df = pd.DataFrame(
        {
            "modality": ["CT", "ct", "MR", None, " ", "CR"],
            "kvp": [120.0, 120.0, None, 80.0, None, 100.0],
            "mixed": ["1", "2", "x", None, "3", "4"],
        }
    )
    whole = combine_profiles(profile_frame(df).assign(batch="a", batch_rows=len(df))).set_index("column")
    assert whole.loc["modality", "n_present"] == 4  # blank counts as missing
    assert whole.loc["modality", "n_distinct"] == 3  # case-insensitive
    assert (
        whole.loc["kvp", "n_distinct"] == 3
        and whole.loc["kvp", "min"] == 80
        and whole.loc["kvp", "max"] == 120
    )
    assert whole.loc["mixed", "numeric_fraction"] == pytest.approx(4 / 5)
    assert json.loads(whole.loc["modality", "top_values"])[0] == ["ct", 2]
    parts = pd.concat(
        [
            profile_frame(df.iloc[:2]).assign(batch="a", batch_rows=2),
            profile_frame(df.iloc[2:5]).assign(batch="b", batch_rows=3),
            profile_frame(df.iloc[5:]).assign(batch="c", batch_rows=1),
        ]
    )
    merged = combine_profiles(parts).set_index("column")
    cols = ["n_rows", "n_present", "fill_rate", "group_fill_rate", "n_distinct", "numeric_fraction"]
    cols += ["min", "max"]
    pd.testing.assert_frame_equal(merged[cols], whole[cols])


def test_sketch_exact_below_and_estimated_above_its_size():
    values = pd.DataFrame({"v": [f"value-{i}" for i in range(5000)]})
    parts = pd.concat(
        [
            profile_frame(values.iloc[s : s + 1000], sketch_size=256).assign(batch=str(s), batch_rows=1000)
            for s in range(0, 5000, 1000)
        ]
    )
    est = combine_profiles(parts, sketch_size=256).iloc[0]
    assert not est["distinct_exact"]
    assert abs(est["n_distinct"] - 5000) / 5000 < 0.25
    small = combine_profiles(
        profile_frame(values.iloc[:200], sketch_size=256).assign(batch="x", batch_rows=200), sketch_size=256
    ).iloc[0]
    assert small["distinct_exact"] and small["n_distinct"] == 200


def test_other_tags_flattening():
    raw = [
        json.dumps({"ImageType": ["ORIGINAL", "PRIMARY", "AXIAL"], "SliceLocation": 1.5, "Seq": [{"a": 1}]}),
        json.dumps({"ImageType": "DERIVED\\SECONDARY", "(0018,1150)": 12}),
        None,
        "not json",
    ]
    cols = flatten_other_tags(raw)
    assert cols["ot_image_type_0"] == ["ORIGINAL", "DERIVED", None, None]
    assert cols["ot_image_type_2"] == ["AXIAL", None, None, None]
    assert cols["ot_slice_location"] == [1.5, None, None, None]
    assert cols["ot_x00181150"] == [None, 12, None, None]
    assert not any(k.startswith("ot_seq") for k in cols)
    assert set(flatten_other_tags(raw, keep=["ot_slice_location"])) == {"ot_slice_location"}
    frame = with_other_tags(pd.DataFrame({"other_tags": raw, "x": range(4)}))
    assert "ot_image_type_1" in frame.columns and len(frame) == 4
    assert snake_case("ImagerPixelSpacing") == "imager_pixel_spacing"
    assert exclusion_reason("ot_frame_of_reference_uid") == "identifier"


def test_profile_with_ray(ray_local):
    df = random_tags(400, seed=5).drop(columns=["truth_region"])
    ds = ray_local.data.from_pandas(df).repartition(4)
    prof = profile_dataset(ds, SelectionConfig(), batch_size=64, workers=1).set_index("column")
    assert prof.loc["modality", "n_rows"] == 400 and prof.loc["modality", "fill_rate"] == 1.0
    assert prof.loc["modality", "n_distinct"] == 5
    assert prof.loc["echo_time", "fill_rate"] == pytest.approx((df["modality"] == "MR").mean())
    assert prof.loc["ot_slice_location", "n_rows"] == 400  # a key absent from some rows
    selected = set(prof.index[prof["selected"]])
    assert {
        "modality",
        "region",
        "manufacturer",
        "exposure",
        "ot_image_type_2",
        "ot_series_number",
    } <= selected
    assert not selected & {
        "sop_instance_uid",
        "path",
        "patient_key",
        "ot_study_date",
        "study_description",
        "rescale_slope",
        "number_of_frames",
        "body_part_examined",
    }
