"""TagPreprocessor: encoding layout, imputation, save / load round trips."""

import numpy as np
import pandas as pd
import pytest

from pacslabel.synth.tag_table import random_tags
from pacslabel.tags.preprocess import TagPreprocessor

NUMERIC = ["exposure", "kvp", "echo_time", "image_orientation_patient_0", "patient_age"]
CATEGORICAL = ["modality", "manufacturer", "patient_position"]


@pytest.fixture(scope="module")
def table():
    return random_tags(300, seed=3)


@pytest.mark.parametrize("imputer", ["forest", "simple"])
def test_round_trip_identical(tmp_path, table, imputer):
    pre = TagPreprocessor(NUMERIC, CATEGORICAL, imputer=imputer, n_estimators=4, max_iter=2).fit(table)
    before = pre.transform(table)
    pre.save(tmp_path / "pre")
    loaded = TagPreprocessor.load(tmp_path / "pre")
    after = loaded.transform(table)
    assert before.dtype == np.float32
    np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(TagPreprocessor.from_bytes(pre.to_bytes()).transform(table), before)
    assert loaded.feature_names_ == pre.feature_names_
    # a batch gives the rows it would give inside the whole table
    np.testing.assert_array_equal(loaded.transform(table.iloc[17:40]), before[17:40])


def test_layout_and_ranges(table):
    pre = TagPreprocessor(NUMERIC, CATEGORICAL, imputer="forest", n_estimators=4, max_iter=2).fit(table)
    x = pre.transform(table)
    n_cat = sum(table[c].dropna().str.strip().str.casefold().nunique() for c in CATEGORICAL)
    assert x.shape == (len(table), len(NUMERIC) + n_cat)
    assert pre.feature_names_[: len(NUMERIC)] == NUMERIC
    assert "modality=ct" in pre.feature_names_
    assert np.isfinite(x).all()
    assert x.min() >= 0.0 and x.max() <= 1.0
    # one-hot blocks: exactly one 1 per categorical column per row (missing values are imputed)
    start = len(NUMERIC)
    for col in CATEGORICAL:
        width = len(pre.categories_[col])
        np.testing.assert_array_equal(x[:, start : start + width].sum(axis=1), 1.0)
        start += width
    # observed values are kept as they were: modality is always present
    mod = x[:, [pre.feature_names_.index(f"modality={m.lower()}") for m in ["CT", "MR"]]]
    np.testing.assert_array_equal(mod[:, 0], (table["modality"] == "CT").to_numpy())
    np.testing.assert_array_equal(mod[:, 1], (table["modality"] == "MR").to_numpy())


def test_observed_values_scaled_and_imputed_values_plausible(table):
    pre = TagPreprocessor(["echo_time", "kvp"], ["modality"], imputer="forest", n_estimators=8, max_iter=3)
    x = pre.fit_transform(table)
    echo = table["echo_time"].to_numpy(dtype=float, na_value=np.nan)
    seen = ~np.isnan(echo)
    expected = (echo[seen] - np.nanmin(echo)) / (np.nanmax(echo) - np.nanmin(echo))
    np.testing.assert_allclose(x[seen, 0], expected, rtol=1e-6)
    assert np.isfinite(x[~seen, 0]).all()


def test_unknown_category_and_missing_columns(table):
    pre = TagPreprocessor(["kvp"], ["modality"], imputer="simple").fit(table)
    odd = pd.DataFrame({"modality": ["XA", None, "ct"]})  # kvp column absent
    x = pre.transform(odd)
    assert x.shape == (3, 1 + len(pre.categories_["modality"]))
    # unknown and missing categories are imputed to the most frequent code
    mode = table["modality"].str.casefold().value_counts().idxmax()
    j = pre.feature_names_.index(f"modality={mode}")
    assert x[0, j] == 1.0 and x[1, j] == 1.0
    assert x[2, pre.feature_names_.index("modality=ct")] == 1.0


def test_bad_payload(tmp_path):
    import pickle

    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "preprocessor.pkl").write_bytes(pickle.dumps({"format": 99}))
    with pytest.raises(ValueError):
        TagPreprocessor.load(tmp_path / "x")


def test_presence_indicators_keep_what_imputation_erases():
    table = pd.DataFrame(
        {
            "modality": ["MR"] * 6 + ["CT"] * 4,
            "ot_inversion_time": [2500.0, None, 2400.0, None, 150.0, None, None, None, None, None],
            "ot_contrast_bolus_route": [None, "IV", None, None, "IV", None, "IV", "IV", None, " "],
        }
    )
    columns = (["ot_inversion_time"], ["modality", "ot_contrast_bolus_route"])
    pre = TagPreprocessor(*columns, imputer="simple", presence_indicators=True).fit(table)
    # modality is in every row: no indicator
    assert pre.indicator_columns_ == ("ot_inversion_time", "ot_contrast_bolus_route")
    x = pre.transform(table)
    names = pre.feature_names_
    assert names[-2:] == ["present:ot_inversion_time", "present:ot_contrast_bolus_route"]
    np.testing.assert_array_equal(x[:, -2], table["ot_inversion_time"].notna().to_numpy())
    np.testing.assert_array_equal(x[:, -1], [0, 1, 0, 0, 1, 0, 1, 1, 0, 0])  # blank is absent
    # without indicators the one-valued tag is imputed everywhere: contrast and plain rows look the same
    plain = TagPreprocessor(*columns, imputer="simple").fit(table)
    route = plain.transform(table)[:, plain.feature_names_.index("ot_contrast_bolus_route=iv")]
    assert plain.indicator_columns_ == () and (route == 1.0).all()
