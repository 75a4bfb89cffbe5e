"""Query by DICOM file on a run root the pipeline labelled: the file is embedded the way relabel embeds
new files, so a file of the archive finds its own instance at distance 0, and a file from outside gets a
label and its nearest instances."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pydicom
import pytest

from pacslabel.config import load_config
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.runroot import RunRoot
from pacslabel.search import IndexConfig, search, update_index
from pacslabel.synth import SynthConfig, generate

STAGES = "stages=[ingest,tags,train,embed,label]"
INDEX = IndexConfig(kind="flat", join_partitions=2)


def _archive(out: Path, studies: int, seed: int) -> Path:
    small = {"image_scale": 0.25, "instances_scale": 0.3, "broken_fraction": 0.0, "junk_fraction": 0.0}
    generate(SynthConfig(out=str(out), studies=studies, seed=seed, workers=1, dicomdir=False, **small))
    return out / "dicom"


@pytest.mark.slow
def test_query_by_dicom_file(ray_local, tmp_path):
    dicom = _archive(tmp_path / "a", studies=3, seed=3)
    configs = Path(__file__).parents[2] / "configs"
    config = [configs / "pipeline-demo.yaml", configs / "pipeline-smoke.yaml"]
    run = tmp_path / "run"
    run_pipeline(load_config(PipelineConfig, config, [f"input={dicom}", f"run_root={run}", STAGES]))
    rr = RunRoot(run)
    assert update_index(rr, INDEX)["rows"] == pq.read_table(run / "labels").num_rows

    labels = pq.read_table(run / "labels").to_pandas().set_index("sop_instance_uid")["label"]
    tags = pq.read_table(run / "tags", columns=["sop_instance_uid", "path", "modality"]).to_pandas()
    row = tags[tags["sop_instance_uid"].isin(labels.index)].iloc[0]
    own = search(rr, row["path"], k=3, index=INDEX)
    assert own["query"]["source"] == "file" and "path" not in own["query"]
    assert (
        own["query"]["modality"] == row["modality"]
        and own["query"]["label"] == labels[row["sop_instance_uid"]]
    )
    first = own["results"][0]
    assert first["sop_instance_uid"] == row["sop_instance_uid"] and first["distance"] < 1e-4

    outside = next(p for p in _archive(tmp_path / "b", studies=1, seed=9).rglob("*") if p.is_file())
    found = search(rr, str(outside), k=4, index=INDEX)
    modality = pydicom.dcmread(outside, stop_before_pixels=True).Modality
    assert len(found["results"]) == 4 and found["query"]["modality"] == modality
    seen = set(tags.loc[tags["sop_instance_uid"].isin(labels.index), "modality"])
    assert found["query"]["label"] in (set(labels) if modality in seen else {-1})  # -1: a modality never seen
    distances = [h["distance"] for h in found["results"]]
    assert distances == sorted(distances) and distances[0] > 0
