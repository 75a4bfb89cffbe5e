"""The README's query recipes (pandas and DuckDB) run on a tiny labelled run root and find exactly the
knee MRIs of label 12 from 2015."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

README = Path(__file__).parents[1] / "README.md"


def recipes() -> list[str]:
    text = README.read_text()
    section = text.split("## Query recipes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.fixture
def recipe_root(run_root, labelled_archive, tmp_path):
    """12 studies; the MR KNEE label is 12; RIS years alternate 2015 / 2016 by study."""
    arch = labelled_archive(run_root, 0, 12)
    labels = pq.read_table(run_root.path("labels")).to_pandas()
    labels.loc[labels["label"] == 1, "label"] = 12
    for part in Path(run_root.path("labels")).glob("*.parquet"):
        part.unlink()
    labels.to_parquet(run_root.path("labels", "part-0.parquet"), index=False)
    studies = sorted(set(arch["accession"]))
    year = {a: 2015 + i % 2 for i, a in enumerate(studies)}
    ris = tmp_path / "ris.csv"
    pd.DataFrame(
        {
            "accession_number": studies,
            "study_date": [f"{year[a]}-03-0{1 + i % 9}" for i, a in enumerate(studies)],
        }
    ).to_csv(ris, index=False)
    want = {
        u
        for u, m, r, a in zip(arch["uid"], arch["modality"], arch["region"], arch["accession"], strict=True)
        if (m, r) == ("MR", "KNEE") and year[a] == 2015
    }
    return run_root, ris, want


def test_pandas_recipe(recipe_root):
    run_root, ris, want = recipe_root
    code = recipes()[0]
    scope = {"run": run_root.uri, "ris_csv": str(ris)}
    exec(compile(code, "README pandas recipe", "exec"), scope)
    found = scope["knee_mr_2015"]
    assert want and set(found["sop_instance_uid"]) == want
    assert (found["label"] == 12).all() and len(found) == len(want)
    assert scope["per_label"].loc[("MR", "KNEE", 12)] == 12  # 4 studies of 3 instances


def test_duckdb_recipe(recipe_root):
    pytest.importorskip("duckdb")
    run_root, ris, want = recipe_root
    pandas_code, duckdb_code = recipes()
    scope = {"run": run_root.uri, "ris_csv": str(ris)}
    exec(compile(pandas_code, "README pandas recipe", "exec"), scope)
    exec(compile(duckdb_code, "README DuckDB recipe", "exec"), scope)
    found = scope["knee_mr_2015_sql"]
    assert set(found["sop_instance_uid"]) == want and len(found) == len(want)
    assert set(found["year"]) == {2015} and set(found["region"]) == {"KNEE"}
