"""Search on a tiny labelled run root: the index is built from the label stage's fused space, a query
by archive instance returns its nearest instances with label, modality, region and distance, a relabel's
new instances are added to the index, results.json / results.html are written, a retrained labelling
model rebuilds the index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from pacslabel.config import load_config
from pacslabel.label import LabelConfig, assign_new, run_label
from pacslabel.label.model import LabelModel
from pacslabel.search import IndexConfig, SearchConfig, run_search, search, update_index
from pacslabel.search.batches import fused_rows
from pacslabel.search.query import archive_inputs
from pacslabel.search.store import SearchIndex

LABEL = ["sources=[images,tags]", "partition_by=[]", "k=3", "stable_ids=false", "train_sample=1000"]
LABEL += ["assign.join_partitions=2", "assign.max_actors=1"]
INDEX = IndexConfig(join_partitions=2, batch_size=16, train_sample=20)


def test_index_query_update_page_rebuild(ray_local, run_root, labelled_archive, tmp_path):
    arch = labelled_archive(run_root, 0, 8)
    run_label(load_config(LabelConfig, None, [f"run_root={run_root.uri}", *LABEL]))
    built = update_index(run_root, INDEX)
    assert built["added"] == built["rows"] == 24

    query = arch["uid"][0]
    out = search(run_root, query, k=5, index=INDEX)
    assert json.loads(json.dumps(out)) == out
    labels = pq.read_table(run_root.path("labels")).to_pandas().set_index("sop_instance_uid")["label"]
    q = out["query"]
    assert q["sop_instance_uid"] == query and q["label"] == labels[query] and q["modality"] == "CT"
    hits = out["results"]
    assert [h["rank"] for h in hits] == [1, 2, 3, 4, 5] and query not in {h["sop_instance_uid"] for h in hits}
    distances = [h["distance"] for h in hits]
    assert distances == sorted(distances)
    assert {(h["modality"], h["region"]) for h in hits} == {("CT", "HEAD")}  # 8 CT HEAD instances
    assert all(h["label"] == labels[h["sop_instance_uid"]] for h in hits)
    model = LabelModel.load(run_root)
    assert all(h["label_name"] == model.names[h["label"]] for h in hits)
    # the distances are those of the fused space
    x = fused_rows(archive_inputs(run_root, model, query), model)
    y = fused_rows(archive_inputs(run_root, model, hits[0]["sop_instance_uid"]), model)
    assert np.isclose(np.linalg.norm(x - y), hits[0]["distance"], atol=1e-4)

    # a relabel assigns new instances; the update adds only them
    new = labelled_archive(run_root, 8, 2, labels=False)
    assign_new(run_root)
    updated = update_index(run_root, INDEX)
    assert updated["added"] == 6 and updated["rows"] == 30
    store = SearchIndex.load(run_root)
    assert len(store.meta["parts"]) == 2 and sorted(store.uids) == sorted(arch["uid"] + new["uid"])
    assert update_index(run_root, INDEX)["added"] == 0

    summary = run_search(
        load_config(
            SearchConfig,
            None,
            [f"run_root={run_root.uri}", f"query={new['uid'][3]}", "k=4", f"out={tmp_path / 'q'}",
             "index.join_partitions=2", "thumbnail_px=16"],
        )
    )  # fmt: skip
    assert summary["index"]["added"] == 0
    result = json.loads((tmp_path / "q" / "results.json").read_text())
    assert len(result["results"]) == 4 and result["query"]["modality"] == new["modality"][3]
    assert {h["region"] for h in result["results"]} == {new["region"][3]}
    page = Path(tmp_path / "q" / "results.html").read_text()
    assert page.count('src="data:image/png;base64,') == 5 and "/pacs/" not in page

    # a retrained labelling model: the next update rebuilds the index
    meta = run_root.read_json("models", "search", "meta.json")
    run_root.write_json({**meta, "model_run_id": "an older model"}, "models", "search", "meta.json")
    rebuilt = update_index(run_root, INDEX)
    assert rebuilt["added"] == rebuilt["rows"] == 30
    assert len(SearchIndex.load(run_root).meta["parts"]) == 1
    assert len(list((Path(run_root.path("models", "search", "ids"))).glob("*.parquet"))) == 1
