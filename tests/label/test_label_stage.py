"""End to end on a tiny run root: run_label over images + tags + reports, then assign_new (append-only,
no duplicates), then a retrain that keeps label ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.label import AssignConfig, LabelConfig, assign_new, run_label
from pacslabel.label.arrow import matrix_to_tensor_array
from pacslabel.label.model import LabelModel


def _write(rr, table_dir, name, table):
    path = rr.makedirs(*table_dir.split("/"))
    pq.write_table(table, f"{path}/{name}.parquet")


def _make(rr, start, n, seed, shift=0.0):
    """n instances in 3 groups; images 8-d, tags 4-d (every 7th missing), reports per study of 5 instances
    (every 3rd study without a report)."""
    rng = np.random.default_rng(seed)
    group = np.arange(start, start + n) % 3
    centres_i = np.eye(8, dtype=np.float32)[:3] * 4
    centres_t = np.eye(4, dtype=np.float32)[:3] * 3
    uids = [f"1.2.840.{i}" for i in range(start, start + n)]
    accs = [f"acc{i // 5}" for i in range(start, start + n)]
    img = centres_i[group] + 0.3 * rng.normal(size=(n, 8)).astype(np.float32) + shift
    tag = centres_t[group] + 0.3 * rng.normal(size=(n, 4)).astype(np.float32)
    keep_t = np.array([(start + i) % 7 != 0 for i in range(n)])
    _write(
        rr,
        "embeddings/images",
        f"part-{start}",
        pa.table(
            {
                "sop_instance_uid": uids,
                "embedding": matrix_to_tensor_array(img),
                "model_version": ["cae-1"] * n,
            }
        ),
    )
    _write(
        rr,
        "embeddings/tags",
        f"part-{start}",
        pa.table(
            {
                "sop_instance_uid": [u for u, k in zip(uids, keep_t, strict=True) if k],
                "embedding": matrix_to_tensor_array(tag[keep_t]),
                "model_version": ["ae-1"] * int(keep_t.sum()),
            }
        ),
    )
    _write(rr, "tags", f"part-{start}", pa.table({"sop_instance_uid": uids, "accession_key": accs}))
    # regions/ as the tags stage writes it (pandas: large_string keys)
    regions = {"sop_instance_uid": pa.array(uids, pa.large_string()), "region": ["HEAD"] * n}
    _write(rr, "regions", f"part-{start}", pa.table(regions))
    studies = sorted(set(accs))
    rep_rows = [(a, group[accs.index(a)]) for a in studies if int(a[3:]) % 3 != 0]
    rep = np.eye(5, dtype=np.float32)[[g for _, g in rep_rows]] + 0.2 * rng.normal(size=(len(rep_rows), 5))
    _write(
        rr,
        "embeddings/reports",
        f"part-{start}",
        pa.table(
            {
                "accession_key": [a for a, _ in rep_rows],
                "embedding": matrix_to_tensor_array(rep.astype(np.float32)),
                "model_version": ["d2v-1"] * len(rep_rows),
            }
        ),
    )
    return uids, group


def _labels(rr):
    return pq.read_table(rr.path("labels")).to_pandas()


@pytest.mark.parametrize("fusion", ["clusterprobs"])
def test_label_then_assign_new_then_retrain(ray_local, run_root, fusion):
    uids, group = _make(run_root, 0, 240, seed=0)
    cfg = LabelConfig(
        run_root=run_root.uri,
        run_id="r1",
        fusion=fusion,
        source_k=3,
        k="auto",
        k_min=2,
        k_max=6,
        min_rows_per_label=10,
        train_sample=200,
        silhouette_sample=150,
        medoids=True,
        medoid_sample=120,
        assign=AssignConfig(max_actors=1, batch_size=100, join_partitions=2),
    )
    s1 = run_label(cfg)
    assert s1["n_instances"] == 240 and s1["n_labelled"] == 240 and 150 <= s1["n_sample"] <= 200
    assert s1["sources"] == ["images", "tags", "reports"] and s1["device"] == "cpu"
    assert s1["n_partitions"] == 1 and 2 <= s1["k"] <= 6 and list(s1["k_per_partition"]) == ["?|HEAD"]
    lab = _labels(run_root)
    assert len(lab) == 240 and lab["sop_instance_uid"].is_unique and set(lab["run_id"]) == {"r1"}
    # the three generated groups are recovered when K came out as 3
    if s1["k"] == 3:
        by_uid = dict(zip(lab["sop_instance_uid"], lab["label"], strict=True))
        pairs = {(g, by_uid[u]) for u, g in zip(uids, group, strict=True)}
        assert len(pairs) == 3

    model = LabelModel.load(run_root)
    assert model.meta["run_id"] == "r1" and model.meta["k"] == s1["k"]
    assert len(model.meta["medoids"]) == s1["k"] and len(model.meta["representatives"]) == s1["k"]
    assert run_root.exists("models", "kmeans", "centroids.npy")

    # new instances: only they are assigned, appended once
    new_uids, _ = _make(run_root, 240, 30, seed=1)
    s2 = assign_new(run_root.uri, run_id="r2", assign=AssignConfig(max_actors=1, join_partitions=2))
    assert s2["n_assigned"] == 30 and s2["drift"]["n_new"] == 30
    lab = _labels(run_root)
    assert len(lab) == 270 and lab["sop_instance_uid"].is_unique
    assert set(lab.loc[lab["run_id"] == "r2", "sop_instance_uid"]) == set(new_uids)
    s3 = assign_new(run_root.uri, uids=new_uids[:5], assign=AssignConfig(max_actors=1, join_partitions=2))
    assert s3["n_assigned"] == 0 and len(_labels(run_root)) == 270

    # retraining on the same data keeps the label ids of matching clusters
    old = dict(zip(lab["sop_instance_uid"], lab["label"], strict=True))
    s4 = run_label(LabelConfig(**{**cfg.__dict__, "run_id": "r3", "k": s1["k"], "seed": 5}))
    assert s4["label_id_rule"] == "co-assignment" and s4["previous_model_archived_to"].endswith("/r1")
    lab2 = _labels(run_root)
    assert len(lab2) == 270 and set(lab2["run_id"]) == {"r3"}
    agree = np.mean([old[u] == v for u, v in zip(lab2["sop_instance_uid"], lab2["label"], strict=True)])
    assert agree > 0.9
