"""Series pooling: hand-computed means, whole-series sampling, the K cap by series, and a label run in
which every instance of a series gets its series' label, for the archive and for a later increment."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.label import AssignConfig, LabelConfig, assign_new, run_label
from pacslabel.label.arrow import column_to_matrix, matrix_to_list_array, matrix_to_tensor_array
from pacslabel.label.batches import HashFilter
from pacslabel.label.kfit import k_cap
from pacslabel.label.model import LabelModel
from pacslabel.label.pooling import pool_arrays, pool_table, series_groups


def test_series_groups_keep_rows_without_series_apart():
    g = series_groups(["s1", None, "s1", "", "s2", None], ["a", "b", "c", "d", "e", "f"])
    assert g[0] == g[2] and len({g[1], g[3], g[5], g[0], g[4]}) == 5


def test_pool_arrays_hand_computed():
    img = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 5.0], [0.0, 4.0]], np.float32)
    tag = np.array([[2.0], [9.0], [0.0], [7.0]], np.float32)
    present = {"images": np.array([True, True, True, True]), "tags": np.array([True, False, False, True])}
    groups = np.array([0, 0, 1, 2])  # rows 0 and 1 are one series
    parts, has = pool_arrays({"images": img, "tags": tag}, present, groups)
    np.testing.assert_allclose(parts["images"], [[2, 1], [2, 1], [5, 5], [0, 4]])
    # the series' only tag embedding reaches the row that lacked one; a lone row without one stays absent
    np.testing.assert_allclose(parts["tags"][[0, 1, 3]], [[2], [2], [7]])
    assert has["tags"].tolist() == [True, True, False, True]


def test_pool_table_replaces_embedding_columns():
    mat = np.array([[0.0, 2.0], [2.0, 0.0], [4.0, 4.0]], np.float32)
    t = pa.table(
        {
            "sop_instance_uid": ["a", "b", "c"],
            "emb_images": matrix_to_list_array(mat, np.ones(3, bool)),
            "series_instance_uid": ["s", "s", None],
        }
    )
    out, _ = column_to_matrix(pool_table(t, ["images"], {"images": 2}).column("emb_images"))
    np.testing.assert_allclose(out, [[1, 1], [1, 1], [4, 4]])


def test_sampling_by_series_keeps_series_whole():
    n = 4000
    t = pa.table(
        {
            "sop_instance_uid": [f"u{i}" for i in range(n)],
            "modality": ["CT"] * n,
            "series_instance_uid": [f"s{i // 10}" for i in range(n)],
        }
    )
    kept = HashFilter({"CT": 0.3}, seed=3, by_series=True)(t).column("sop_instance_uid").to_pylist()
    series = {int(u[1:]) // 10 for u in kept}
    assert len(kept) == 10 * len(series) and 0.2 < len(kept) / n < 0.4


def test_k_cap_by_series():
    cfg = LabelConfig(run_root="x", min_rows_per_label=5, min_series_per_label=2)
    assert k_cap(100, None, cfg) == 20 and k_cap(100, 7, cfg) == 3 and k_cap(100, 1, cfg) == 1


def _write(rr, table, name, t):
    pq.write_table(t, f"{rr.makedirs(*table.split('/'))}/{name}.parquet")


def _archive(rr, start: int, n_series: int, per_series: int, seed: int):
    """Series of ``per_series`` noisy images around one of three centres (the series' appearance)."""
    rng = np.random.default_rng(seed)
    rows = [(s, i) for s in range(start, start + n_series) for i in range(per_series)]
    uids = [f"1.2.{s}.{i}" for s, i in rows]
    series = [f"1.3.{s}" for s, _ in rows]
    centre = np.eye(6, dtype=np.float32)[[s % 3 for s, _ in rows]] * 3
    img = centre + 1.2 * rng.normal(size=centre.shape).astype(np.float32)
    emb = {
        "sop_instance_uid": uids,
        "embedding": matrix_to_tensor_array(img),
        "model_version": ["c"] * len(rows),
    }
    _write(rr, "embeddings/images", f"p{start}", pa.table(emb))
    tags = {
        "sop_instance_uid": uids,
        "series_instance_uid": series,
        "study_instance_uid": [f"1.4.{s // 2}" for s, _ in rows],
        "modality": ["MR"] * len(rows),
    }
    _write(rr, "tags", f"p{start}", pa.table(tags))
    return uids, series


def test_every_instance_of_a_series_gets_one_label(ray_local, run_root):
    uids, series = _archive(run_root, 0, 60, 6, seed=0)
    cfg = LabelConfig(
        run_root=run_root.uri,
        sources=["images"],
        k_max=6,
        silhouette_sample=300,
        assign=AssignConfig(max_actors=1, batch_size=64, join_partitions=2),
    )
    summary = run_label(cfg)
    assert summary["n_labelled"] == len(uids) and summary["k"] >= 3
    lab = pq.read_table(run_root.path("labels")).to_pandas().set_index("sop_instance_uid")
    of_series = lab.loc[uids].groupby(np.asarray(series))
    assert (of_series["label"].nunique() == 1).all() and (of_series["distance"].nunique() == 1).all()
    # an increment is pooled over the instances that arrive together
    new, new_series = _archive(run_root, 60, 6, 6, seed=1)
    assign_new(run_root.uri, assign=AssignConfig(max_actors=1, join_partitions=2))
    lab = pq.read_table(run_root.path("labels")).to_pandas().set_index("sop_instance_uid")
    assert len(lab) == len(uids) + len(new)
    assert (lab.loc[new].groupby(np.asarray(new_series))["label"].nunique() == 1).all()


def test_reports_joined_after_pooling_give_the_drivers_labels(ray_local, run_root):
    """The report of a study reaches its instances after the series pooling: labels and distances are
    those of the model applied on the driver to the series-mean images and each study's report."""
    uids, series = _archive(run_root, 0, 40, 5, seed=2)
    study = [f"1.4.{int(s.split('.')[-1]) // 2}" for s in series]
    accession = [f"acc{st}" for st in study]
    tags = pq.read_table(run_root.path("tags")).append_column("accession_key", pa.array(accession))
    _write(run_root, "tags", "p0", tags)
    studies = sorted(set(accession))
    reports = np.random.default_rng(3).normal(size=(len(studies), 4)).astype(np.float32)
    emb = {"accession_key": studies, "embedding": matrix_to_tensor_array(reports)}
    _write(run_root, "embeddings/reports", "p0", pa.table(emb))
    cfg = LabelConfig(
        run_root=run_root.uri,
        sources=["images", "reports"],
        partition_by=["modality"],
        study_sources=[],
        k_max=6,
        silhouette_sample=200,
        assign=AssignConfig(max_actors=1, batch_size=64, join_partitions=2),
    )
    assert run_label(cfg)["n_labelled"] == len(uids)
    lab = pq.read_table(run_root.path("labels")).to_pandas().set_index("sop_instance_uid").loc[uids]
    images, _ = column_to_matrix(pq.read_table(run_root.path("embeddings/images")).column("embedding"))
    n = len(uids)
    groups = series_groups(series, uids)
    parts, present = pool_arrays({"images": images}, {"images": np.ones(n, bool)}, groups)
    parts["reports"] = reports[[studies.index(a) for a in accession]]
    present["reports"] = np.ones(n, bool)
    model = LabelModel.load(run_root)
    ids, dist, _ = model.assign(parts, present, {"modality": np.full(n, "MR", dtype=object)})
    assert (lab["label"].to_numpy() == ids).all()
    np.testing.assert_allclose(lab["distance"].to_numpy(), dist, rtol=1e-4, atol=1e-5)
