"""Assignment through Ray Data actors equals brute-force argmin over the centroids, row by row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pacslabel.label.arrow import column_to_matrix, matrix_to_list_array, matrix_to_tensor_array
from pacslabel.label.assign import assign_batch
from pacslabel.label.fusion import Fusion
from pacslabel.label.kmeans import FaissKMeans
from pacslabel.label.model import LabelModel
from pacslabel.label.run import assign_dataset


def _model_and_batch(n=400, seed=0, method="clusterprobs"):
    rng = np.random.default_rng(seed)
    img = rng.normal(size=(n, 6)).astype(np.float32)
    rep = rng.normal(size=(n, 3)).astype(np.float32)
    has_rep = rng.random(n) > 0.25
    parts, present = (
        {"images": img, "reports": rep * has_rep[:, None]},
        {"images": np.ones(n, bool), "reports": has_rep},
    )
    fusion = Fusion(sources=["images", "reports"], method=method, source_k=4, device="cpu").fit(
        parts, present
    )
    x = fusion.transform(parts, present)
    km = FaissKMeans(5, seed=1, device="cpu").fit(x)
    label_ids = np.array([3, 9, 4, 0, 7], np.int32)  # non-trivial ids, as after a retrain
    model = LabelModel(fusion=fusion, centroids=km.centroids_, label_ids=label_ids)
    table = pa.table(
        {
            "sop_instance_uid": [f"1.2.{i}" for i in range(n)],
            "emb_images": matrix_to_list_array(img),
            "emb_reports": matrix_to_list_array(rep, has_rep),
        }
    )
    return model, table, x


def _brute_force(x, centroids):
    d = np.array([[np.sqrt(((row - c) ** 2).sum()) for c in centroids] for row in x.astype(np.float64)])
    return d.argmin(axis=1), d.min(axis=1)


def test_arrow_round_trip_with_nulls_and_tensors():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    mat, ok = column_to_matrix(matrix_to_list_array(x, np.array([True, False, True, True])).slice(1))
    assert ok.tolist() == [False, True, True]
    np.testing.assert_array_equal(mat, [[0, 0, 0], x[2], x[3]])
    mat, ok = column_to_matrix(pa.chunked_array([matrix_to_tensor_array(x)]))
    np.testing.assert_array_equal(mat, x)
    assert ok.all()


def test_batch_assignment_equals_brute_force():
    model, table, x = _model_and_batch(method="embeddings")
    out = assign_batch(table, model, run_id="r1", store_all_distances=True)
    idx, dist = _brute_force(x, model.centroids)
    assert out.column("label").to_pylist() == model.label_ids[idx].tolist()
    np.testing.assert_allclose(out.column("distance").to_numpy(), dist, rtol=1e-4, atol=1e-5)
    alld, _ = column_to_matrix(out.column("centroid_distances"))
    np.testing.assert_allclose(alld.min(axis=1), dist, rtol=1e-4, atol=1e-5)
    assert set(out.column("method").to_pylist()) == {"kmeans-embeddings"}


def test_ray_actor_assignment_equals_brute_force(ray_local):
    import ray

    model, table, x = _model_and_batch()
    ds = ray.data.from_arrow([table.slice(0, 150), table.slice(150)])
    out = assign_dataset(ds, model, "run-7", min_actors=1, max_actors=2, batch_size=64).to_pandas()
    out = out.set_index("sop_instance_uid").loc[table.column("sop_instance_uid").to_pylist()]
    idx, dist = _brute_force(x, model.centroids)
    assert len(out) == 400
    np.testing.assert_array_equal(out["label"].to_numpy(), model.label_ids[idx])
    np.testing.assert_allclose(out["distance"].to_numpy(), dist, rtol=1e-4, atol=1e-5)
    assert set(out["run_id"]) == {"run-7"} and "int32" in str(out["label"].dtype)
