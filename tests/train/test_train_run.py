"""Ray Train runs on a tiny run root (64 images of 64×64): checkpoint + resume, DEC family, embeddings."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from pacslabel.config import load_config
from pacslabel.models.store import load_model
from pacslabel.runroot import CONSTRAINTS, FEATURES_TAGS, IMAGES, MODELS, RunRoot
from pacslabel.train import TrainConfig, run_train

N, SIDE = 64, 64


def shape_images(n=N, side=SIDE, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, side, side), np.uint8)
    kind = np.arange(n) % 2
    for i in range(n):
        if kind[i] == 0:
            x[i, side // 4 : 3 * side // 4, side // 4 : 3 * side // 4] = 220
        else:
            x[i] = np.linspace(0, 250, side, dtype=np.uint8)[None, :]
        x[i] = np.clip(x[i].astype(int) + rng.integers(0, 25, (side, side)), 0, 255)
    return x, kind


def write_tiny_run_root(root: RunRoot):
    x, kind = shape_images()
    uids = [f"1.2.826.0.1.{i}" for i in range(N)]
    for part in range(2):  # two shards
        sl = slice(part * N // 2, (part + 1) * N // 2)
        tbl = pa.table(
            {"sop_instance_uid": uids[sl], "pixels": pa.FixedShapeTensorArray.from_numpy_ndarray(x[sl])}
        )
        root.makedirs(IMAGES)
        pq.write_table(tbl, root.path(IMAGES, f"part-{part}.parquet"))
    feats = np.random.default_rng(1).random((N, 12)).astype(np.float32)
    feats[:, 0] = kind
    root.makedirs(FEATURES_TAGS)
    pq.write_table(
        pa.table({"sop_instance_uid": uids, "features": pa.FixedShapeTensorArray.from_numpy_ndarray(feats)}),
        root.path(FEATURES_TAGS, "part-0.parquet"),
    )
    rows = []
    for a in range(0, N, 3):
        b = (a + 2) % N  # same kind (parity) -> must, different -> cannot
        rows.append((uids[a], uids[b], "must" if kind[a] == kind[b] else "cannot", 0.05))
        c = (a + 1) % N
        rows.append((uids[a], uids[c], "must" if kind[a] == kind[c] else "cannot", 0.7))
    i, j, k, g = zip(*rows, strict=True)
    root.makedirs(CONSTRAINTS)
    pq.write_table(
        pa.table({"i": i, "j": j, "kind": k, "gower": g}), root.path(CONSTRAINTS, "part-0.parquet")
    )
    return uids, kind


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory, ray_local):
    root = RunRoot(tmp_path_factory.mktemp("tiny") / "run")
    write_tiny_run_root(root)
    return root


def cfg_for(root, *overrides):
    base = [
        f"run_root={root.uri}",
        "cae.input_size=32",
        "cae.filters=[8,8,8]",
        "cae.bottleneck=8",
        "optim.batch_size=16",
        "optim.lr=0.003",
    ]
    return load_config(TrainConfig, None, [*base, *overrides])


def test_cae_checkpoint_and_resume(tiny_root):
    first = run_train(cfg_for(tiny_root, "model=cae", "optim.epochs=1", "run_name=cae-resume"))
    assert first["epochs_run"] == 1
    meta1 = tiny_root.read_json(MODELS, "cae", "meta.json")
    assert meta1["history"][0]["rows"] == N
    # same storage_path + run_name resumes from the last checkpoint and only runs the missing epoch
    second = run_train(cfg_for(tiny_root, "model=cae", "optim.epochs=2", "run_name=cae-resume"))
    assert second["epochs_run"] == 2
    meta2 = tiny_root.read_json(MODELS, "cae", "meta.json")
    assert [h["epoch"] for h in meta2["history"]] == [0, 1]
    assert meta2["history"][0] == meta1["history"][0]  # epoch 0 was not re-run
    _, arch, _ = load_model(tiny_root, "cae")
    assert arch["kind"] == "cae" and arch["cae"]["input_size"] == 32
    assert "train" in yaml.safe_load(tiny_root.read_text(MODELS, "cae", "config.yaml"))


def test_tag_ae_with_validation_split(tiny_root):
    out = run_train(
        cfg_for(
            tiny_root,
            "model=tag_ae",
            "optim.epochs=1",
            "optim.val_fraction=0.25",
            "optim.patience=5",
            "tag_ae.hidden=[8]",
            "tag_ae.bottleneck=4",
        )
    )
    meta = tiny_root.read_json(MODELS, "tag_ae", "meta.json")
    assert out["epochs_run"] == 1 and all("val_loss" in h for h in meta["history"])
    assert 0 < meta["history"][0]["rows"] < N


def test_constrained_dec_on_pretrained_cae(tiny_root):
    if not tiny_root.exists(MODELS, "cae", "model.pt"):
        run_train(cfg_for(tiny_root, "model=cae", "optim.epochs=1"))
    out = run_train(
        cfg_for(
            tiny_root,
            "model=constrained_dec",
            "optim.epochs=1",
            "dec.k=2",
            "dec.kmeans_n_init=2",
            "dec.constraint_batch_size=8",
            "dec.pairs_per_batch=2",
            "dec.tol=0.0",
        )
    )
    assert out["epochs_run"] == 1 and out["pool_must"] > 0 and out["pool_cannot"] > 0
    meta = tiny_root.read_json(MODELS, "constrained_dec", "meta.json")
    first = meta["history"][0]
    assert first["must_pairs"] > 0 and first["cannot_pairs"] > 0 and first["rows"] > N
    assert sum(meta["cluster_health"][0]["sizes"]) == N
    model, arch, _ = load_model(tiny_root, "constrained_dec")
    assert arch["k"] == 2 and tuple(model.centres.shape) == (2, 8)


def test_embeddings_for_every_row(tiny_root):
    from pacslabel.embed import EmbedConfig, run_embed
    from pacslabel.runroot import EMBEDDINGS

    if not tiny_root.exists(MODELS, "constrained_dec", "model.pt"):
        pytest.skip("needs the constrained_dec model of the previous test")
    cfg = load_config(
        EmbedConfig, None, [f"run_root={tiny_root.uri}", "model=constrained_dec", "batch_size=20"]
    )
    out = run_embed(cfg)
    out = run_embed(cfg)  # a re-run replaces the table instead of adding rows
    assert out["rows"] == N and out["soft_assignment"]
    tbl = pq.read_table(tiny_root.path(EMBEDDINGS, "images"))
    assert tbl.num_rows == N and len(set(tbl["sop_instance_uid"].to_pylist())) == N
    emb = tbl["embedding"].combine_chunks().to_numpy_ndarray()
    q = tbl["soft_assignment"].combine_chunks().to_numpy_ndarray()
    assert emb.shape == (N, 8) and q.shape == (N, 2) and np.allclose(q.sum(1), 1, atol=1e-5)
    assert set(tbl["model_version"].to_pylist()) == {out["model_version"]}
    tags = run_embed(load_config(EmbedConfig, None, [f"run_root={tiny_root.uri}", "source=tags"]))
    assert tags["rows"] == N
    assert pq.read_table(tiny_root.path(EMBEDDINGS, "tags"))["embedding"].type.shape == [4]
