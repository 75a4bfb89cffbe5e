"""metrics.json of the evaluate stage on tiny hand-made run roots, against hand-computed values."""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from pacslabel.config import ConfigError, load_config
from pacslabel.evaluate import EvaluateConfig, ReportConfig, run_evaluate
from pacslabel.evaluate.frame import Codebook, build_frame
from pacslabel.evaluate.run import top_counts
from pacslabel.evaluate.streaming import streamed_cosine_distance
from pacslabel.evaluate.tables import as_images, tensor_to_numpy
from pacslabel.metrics import mean_cosine_distance_to_centroid, silhouette_on_sample
from pacslabel.runroot import RunRoot
from pacslabel.synth.toy_run import write_toy_run_root


def _cfg(root: RunRoot, truth: str | None = None, **over) -> EvaluateConfig:
    overrides = [f"run_root={root.uri}", "report.tsne_sample=30", "report.thumbs_per_cluster=2"]
    if truth:
        overrides.append(f"truth={truth}")
    overrides += [f"{k}={v}" for k, v in over.items()]
    return load_config(EvaluateConfig, None, overrides)


def _entropy(p):
    p = np.asarray(p, dtype=float)
    p = p[p > 0] / p.sum()
    return float(-(p * np.log(p)).sum())


def test_perfect_labels_score_one(tmp_path):
    root = RunRoot(tmp_path / "run")
    toy = write_toy_run_root(root, per_group=4, side=16)
    summary = run_evaluate(_cfg(root, toy.truth_path))
    metrics = root.read_json("metrics.json")
    for ref in ("tags", "truth"):
        s = metrics["scores"][ref]
        for key in ("nmi_modality", "hs_modality", "nmi_region", "hs_region", "score"):
            assert s[key] == pytest.approx(1.0), (ref, key)
    assert metrics["scores"]["tags"]["region_source"] == "regions/"
    assert metrics["score"] == pytest.approx(1.0)
    assert summary["n_clusters"] == 3 and summary["n_instances"] == 12
    assert metrics["cluster_sizes"]["sizes"] == {"0": 4, "1": 4, "2": 4}
    assert metrics["cluster_sizes"]["entropy_normalised"] == pytest.approx(1.0)


def test_known_confusion_matches_hand_computed_values(tmp_path):
    # groups 0,0,1,1,2,2 with the first row moved to label 1:
    # cluster 0 = {g0}, cluster 1 = {g0, g1, g1}, cluster 2 = {g2, g2}
    root = RunRoot(tmp_path / "run")
    toy = write_toy_run_root(root, per_group=2, moved=1, side=16)
    run_evaluate(_cfg(root, toy.truth_path, silhouette_sample=0))
    m = root.read_json("metrics.json")
    h_c = math.log(3)
    h_c_given_k = 3 / 6 * _entropy([1, 2])
    h_k = _entropy([1, 3, 2])
    mi = h_c - h_c_given_k
    hs = 1 - h_c_given_k / h_c
    nmi = mi / ((h_c + h_k) / 2)
    for ref in ("tags", "truth"):
        s = m["scores"][ref]
        assert s["hs_modality"] == pytest.approx(hs)
        assert s["nmi_modality"] == pytest.approx(nmi)
        assert s["hs_region"] == pytest.approx(hs)
        assert s["score"] == pytest.approx(4 / (2 / nmi + 2 / hs))
    assert m["cluster_sizes"]["sizes"] == {"0": 1, "1": 3, "2": 2}
    assert m["cluster_sizes"]["n_singletons"] == 1
    assert m["silhouette"]["by_source"] == {}


def test_region_falls_back_to_body_part_examined(tmp_path):
    # no regions/ table: body_part_examined upper-cased; row 0 says BRAIN (not a region) and is left out
    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=4, side=16, regions=False, truth=False)
    run_evaluate(_cfg(root))
    s = root.read_json("metrics.json")["scores"]
    assert set(s) == {"tags"}
    assert s["tags"]["region_source"] == "body_part_examined"
    assert s["tags"]["region_coverage"] == pytest.approx(11 / 12)
    assert s["tags"]["hs_region"] == pytest.approx(1.0)


def test_streamed_cosine_matches_in_memory_metric(tmp_path):
    root = RunRoot(tmp_path / "run")
    toy = write_toy_run_root(root, per_group=5, moved=2, side=16, dim=4)
    frame = build_frame(root, batch_rows=4)
    lab = np.unique(frame.label, return_inverse=True)[1]
    permuted = np.random.default_rng(3).permutation(lab)
    got = streamed_cosine_distance(root, frame, "images", [lab, permuted], batch_rows=4)
    x = tensor_to_numpy(pq.read_table(root.path("embeddings/images")).column("embedding"))
    pos = frame.positions(pa.array(pq.read_table(root.path("embeddings/images")).column(0)))
    assert got["n"] == 15
    assert got["values"][0] == pytest.approx(mean_cosine_distance_to_centroid(x, lab[pos]))
    assert got["values"][1] == pytest.approx(mean_cosine_distance_to_centroid(x, permuted[pos]))

    # reports: one vector per study, counted once per instance of the study
    rep = pq.read_table(root.path("embeddings/reports"))
    vec = dict(
        zip(rep.column("accession_key").to_pylist(), tensor_to_numpy(rep.column("embedding")), strict=True)
    )
    acc = np.array(toy.accession)[np.argsort(pos)]  # frame order
    expanded = np.stack([vec[a] for a in acc])
    got = streamed_cosine_distance(root, frame, "reports", [lab], batch_rows=3)
    assert got["n"] == 15
    assert got["values"][0] == pytest.approx(mean_cosine_distance_to_centroid(expanded, lab))


def test_silhouette_and_cosine_in_metrics(tmp_path):
    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=5, moved=1, side=16, dim=4)
    run_evaluate(_cfg(root, batch_rows=7))
    m = root.read_json("metrics.json")
    table = pq.read_table(root.path("embeddings/fused"))
    labels = pq.read_table(root.path("labels")).column("label").to_numpy()
    x = tensor_to_numpy(table.column("embedding"))
    assert m["silhouette"]["source"] == "fused"
    assert m["silhouette"]["value"] == pytest.approx(silhouette_on_sample(x, labels))
    assert set(m["silhouette"]["by_source"]) == {"fused", "images"}
    assert set(m["cosine_distance"]) == {"images", "reports"}
    for v in m["cosine_distance"].values():
        assert v["mean"] < v["permuted"]


def test_missing_optional_inputs(tmp_path):
    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=3, side=16, truth=False, reports=False, extras=False)
    summary = run_evaluate(_cfg(root))
    m = root.read_json("metrics.json")
    assert set(m["scores"]) == {"tags"}
    assert set(m["cosine_distance"]) == {"images"}
    assert m["inputs"]["compare"] is False and m["inputs"]["medoids"] is None
    assert summary["thumbnails"] == 6
    assert root.exists("report.html")


def test_labels_only_run_root(tmp_path):
    root = RunRoot(tmp_path / "run")
    root.makedirs("labels")
    pq.write_table(
        pa.table({"sop_instance_uid": ["a", "b", "c", "a"], "label": pa.array([0, 1, 1, 5], pa.int32())}),
        root.path("labels", "p.parquet"),
    )
    summary = run_evaluate(_cfg(root))
    m = root.read_json("metrics.json")
    assert m["scores"] == {} and m["n_duplicate_label_rows"] == 1
    assert m["cluster_sizes"]["sizes"] == {"0": 1, "1": 2}
    assert summary["thumbnails"] == 0 and summary["projection"] is None


def test_missing_labels_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="labels"):
        run_evaluate(_cfg(RunRoot(tmp_path / "empty")))


def test_config_requires_run_root_and_valid_sources():
    with pytest.raises(ConfigError, match="run_root"):
        load_config(EvaluateConfig, None, [])
    with pytest.raises(ConfigError, match="silhouette_sources"):
        load_config(EvaluateConfig, None, ["run_root=/x", "silhouette_sources=pixels"])
    with pytest.raises(ConfigError, match="silhouette_sources: 'reports'"):
        load_config(EvaluateConfig, None, ["run_root=/x", "silhouette_sources=reports"])
    with pytest.raises(ConfigError, match="thumb_px"):
        load_config(EvaluateConfig, None, ["run_root=/x", "report.thumb_px=4"])


def test_config_file_lists_every_key_with_defaults():
    path = Path(__file__).resolve().parents[2] / "configs" / "evaluate.yaml"
    assert load_config(EvaluateConfig, path, ["run_root=/x"]) == load_config(
        EvaluateConfig, None, ["run_root=/x"]
    )
    listed = set(yaml.safe_load(path.read_text())) | set(yaml.safe_load(path.read_text())["report"])
    assert {f.name for f in fields(EvaluateConfig)} | {f.name for f in fields(ReportConfig)} <= listed


def test_codebook_top_counts_and_tensor_fallbacks():
    book = Codebook(lambda v: v.strip().upper() or None)
    codes = book.encode(pa.array(["ct", " CT", None, "mr", ""]))
    assert codes.tolist() == [0, 0, -1, 1, -1] and book.values == ["CT", "MR"]
    assert book.lookup(np.array(["MR", "US"], dtype=object)).tolist() == [1, -1]

    lab = np.array([0, 0, 0, 1, 1])
    vals = np.array([2, 2, 1, 0, -1])
    assert top_counts(lab, vals, 2, 1) == [[(2, 2)], [(0, 1)]]
    assert top_counts(lab, vals, 2, 5) == [[(2, 2), (1, 1)], [(0, 1)]]

    flat = pa.array([[1, 2, 3, 4], [5, 6, 7, 8]], type=pa.list_(pa.uint8(), 4))
    assert as_images(tensor_to_numpy(flat)).shape == (2, 2, 2)
    var = pa.array([[1.0, 2.0], [3.0, 4.0]])
    assert tensor_to_numpy(var).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_medoids_read_from_model_meta(tmp_path):
    from pacslabel.evaluate.inputs import read_medoids

    root = RunRoot(tmp_path / "run")
    assert read_medoids(root) is None
    root.write_json(
        {"representatives": [{"label": 4, "sop_instance_uid": "u4"}]}, "models", "kmeans", "meta.json"
    )
    assert read_medoids(root) == {"model": "kmeans", "kind": "representative", "by_label": {4: "u4"}}
    root.write_json({"fit": {"medoid_uids": ["a", "b"]}}, "models", "other", "meta.json")
    assert read_medoids(root) == {"model": "other", "kind": "medoid", "by_label": {0: "a", 1: "b"}}
    root.write_json({"medoids": {"7": "m7"}}, "models", "kmeans", "meta.json")
    assert read_medoids(root)["by_label"] == {7: "m7"}


def test_read_compare_flattens_the_per_split_scores_of_the_compare_job(tmp_path):
    from pacslabel.evaluate.inputs import read_compare
    from pacslabel.runroot import RunRoot

    rr = RunRoot(tmp_path)
    rr.write_json(
        {
            "sample": {"images": 10},
            "methods": {
                "cae_kmeans": {
                    "runs": 2,
                    "test": {"nmi_modality": {"mean": 0.4, "sd": 0.1}},
                    "train": {"nmi_modality": {"mean": 0.5, "sd": 0.0}},
                }
            },
        },
        "compare.json",
    )
    assert read_compare(rr, "compare.json") == {
        "cae_kmeans": {
            "runs": {"mean": 2, "sd": None},
            "nmi_modality (test)": {"mean": 0.4, "sd": 0.1},
            "nmi_modality (train)": {"mean": 0.5, "sd": 0.0},
        }
    }
