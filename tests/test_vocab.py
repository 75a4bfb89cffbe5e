"""Coded values compare the same way in every stage."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from pacslabel.export.select import keep_mask
from pacslabel.label.partition import partition_keys
from pacslabel.tags.profile import profile_frame
from pacslabel.vocab import code_value


def test_code_value_strips_upper_cases_and_blanks_missing():
    assert code_value(" mr ") == "MR"
    assert code_value("Knee") == "KNEE"
    assert code_value(None) == "" and code_value(float("nan")) == ""


def test_label_partitions_export_selection_and_tag_profile_agree_on_a_value():
    modality = np.array([" ct", "CT ", None], dtype=object)
    keys = partition_keys({"modality": modality}, ["modality"], 3)
    assert list(keys) == ["CT", "CT", "?"]
    keep = keep_mask(np.zeros(3), modality, np.full(3, None, dtype=object), modalities=["CT"])
    assert list(keep) == [True, True, False]
    profile = profile_frame(pd.DataFrame({"modality": modality, "kvp": [120.0, 100.0, None]}))
    assert json_groups(profile, "kvp") == {"CT": 2}


def json_groups(profile: pd.DataFrame, column: str) -> dict:
    row = profile[profile["column"] == column].iloc[0]
    return {k: v for k, v in json.loads(row["group_rows"]).items() if k}
