"""The tags stage end to end on a small generated tags table (local Ray)."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.synth.tag_table import random_tags
from pacslabel.tags.config import TagsConfig
from pacslabel.tags.run import _embedding_sample


def _write_table(run_root, name, df, parts=2):
    path = run_root.makedirs(name)
    for k, chunk in enumerate(np.array_split(np.arange(len(df)), parts)):
        pq.write_table(pa.Table.from_pandas(df.iloc[chunk], preserve_index=False), f"{path}/part-{k}.parquet")


def _tensor_table(uids, array, column):
    return pa.table({"sop_instance_uid": uids, column: pa.FixedShapeTensorArray.from_numpy_ndarray(array)})


@pytest.fixture
def archive(run_root, tmp_path):
    df = random_tags(600, seed=21)
    truth = df[["sop_instance_uid", "truth_region"]].rename(columns={"truth_region": "anatomical_region"})
    truth.to_parquet(tmp_path / "truth.parquet")
    _write_table(run_root, "tags", df.drop(columns=["truth_region"]))
    # image embeddings that follow modality and region, so the visual check has something to find
    rng = np.random.default_rng(0)
    keys = pd.factorize(df["modality"] + df["truth_region"])[0]
    emb = (rng.normal(size=(keys.max() + 1, 8)) * 3)[keys] + rng.normal(size=(len(df), 8))
    path = run_root.makedirs("embeddings", "images")
    pq.write_table(
        _tensor_table(df["sop_instance_uid"].tolist(), emb.astype(np.float32), "embedding"),
        f"{path}/part-0.parquet",
    )
    return df, tmp_path / "truth.parquet"


def test_job_end_to_end(ray_local, run_root, archive):
    from jobs.tags import main

    df, truth = archive
    argv = [
        f"run_root={run_root.uri}",
        f"regions.truth={truth}",
        "batch_size=128",
        "workers=1",
        "features.n_estimators=4",
        "features.max_iter=2",
        "features.fit_sample_rows=300",
        "constraints.labelled_fraction=0.5",
        "constraints.n_constraints=400",
        "constraints.exhaustive_pairs=0",
        "kmedoids.enabled=true",
        "kmedoids.sample_rows=120",
        "kmedoids.ks=[2,4,6]",
        "kmedoids.visual_samples=3",
        "kmedoids.visual_sample_rows=40",
        "ray.progress_bars=false",
    ]
    summary = main(argv)
    # regions: every row, accurate against the generator's truth where the rules fire
    regions = pd.read_parquet(run_root.path("regions"))
    assert sorted(regions["sop_instance_uid"]) == sorted(df["sop_instance_uid"])
    acc = {r["modality"]: r for r in summary["regions"]["accuracy_vs_truth"]}
    assert acc["ALL"]["accuracy"] > 0.97 and acc["ALL"]["coverage"] > 0.9
    assert sum(summary["regions"]["rule_hits"].values()) == 600
    # and per variant on the rows without BodyPartExamined
    absent = summary["regions"]["absent_bpe"]
    assert absent["rows"] == df["body_part_examined"].isna().sum()
    overall = absent["by_modality"]["ALL"]
    assert overall["n"] == absent["rows"]
    covered = [overall[v]["covered"] for v in ("rules", "rules_model", "rules_model_study")]
    assert 0 < covered[0] <= covered[1] <= covered[2] <= overall["n"]
    # profile and features
    profile = pd.read_parquet(run_root.path("tag_profile", "profile.parquet"))
    assert profile["selected"].any() and "reason" in profile
    names = json.loads(run_root.read_text("features", "tags_feature_names.json"))
    table = pq.read_table(run_root.path("features", "tags"))
    feats = table.column("features").combine_chunks().to_numpy_ndarray()
    assert feats.shape == (600, len(names)) and feats.dtype == np.float32
    assert np.isfinite(feats).all() and feats.min() >= 0 and feats.max() <= 1
    assert sorted(table.column("sop_instance_uid").to_pylist()) == sorted(df["sop_instance_uid"])
    assert any(n.startswith("region=") for n in names)
    # constraints
    cons = pd.read_parquet(run_root.path("constraints"))
    assert len(cons) == 400 and (cons["kind"] == "must").sum() == 200
    assert (cons.loc[cons["kind"] == "must", "gower"] < 0.1).all()
    assert (cons.loc[cons["kind"] == "cannot", "gower"] > 0.5).all()
    assert not cons.duplicated(["i", "j"]).any() and (cons["i"] != cons["j"]).all()
    # k-medoids and the visual check on image-autoencoder embeddings
    km = summary["kmedoids"]
    assert [r["k"] for r in km["sweep"]] == [2, 4, 6]
    vc = km["visual_check"]
    assert vc["samples"] == 3 and vc["embedding_source"].startswith("embeddings/images")
    assert vc["mean_distance_tags"] < vc["mean_distance_random"]
    # a re-run replaces its outputs instead of appending
    main(
        [
            *argv[:1],
            "batch_size=128",
            "workers=1",
            "features.imputer=simple",
            "constraints.n_constraints=100",
            "constraints.labelled_fraction=0.5",
            "ray.progress_bars=false",
        ]
    )
    assert len(pd.read_parquet(run_root.path("regions"))) == 600
    assert pq.read_table(run_root.path("features", "tags")).num_rows == 600
    assert len(pd.read_parquet(run_root.path("constraints"))) == 100


def test_pca_of_images_when_no_embeddings(ray_local, run_root):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 255, size=(30, 256, 256), dtype=np.uint8)
    path = run_root.makedirs("images")
    pq.write_table(_tensor_table([f"u{i}" for i in range(30)], pixels, "pixels"), f"{path}/part-0.parquet")
    frame, source = _embedding_sample(run_root, seed=1, n=20, pca_components=5)
    assert source.startswith("PCA")
    assert 1 <= len(frame) <= 20 and len(frame["embedding"].iloc[0]) == 5


def test_config_validation():
    with pytest.raises(ConfigError, match="run_root"):
        load_config(TagsConfig, None, [])
    with pytest.raises(ConfigError, match="epsilon"):
        load_config(TagsConfig, None, ["run_root=x", "constraints.epsilon=0.7"])
    with pytest.raises(ConfigError, match="imputer"):
        load_config(TagsConfig, None, ["run_root=x", "features.imputer=knn"])
    cfg = load_config(TagsConfig, "configs/tags.yaml", ["run_root=x"])
    assert cfg.constraints.epsilon == 0.1 and cfg.selection.max_categorical_cardinality == 50
