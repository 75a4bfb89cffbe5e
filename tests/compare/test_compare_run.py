"""The comparison job on a tiny run root: patient-disjoint split, methods fitted on train, scored on test."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.compare import CompareConfig, run_compare
from pacslabel.compare.sample import load_sample, pairs_within
from pacslabel.config import ConfigError, load_config
from pacslabel.runroot import CONSTRAINTS, IMAGES, TAGS, RunRoot

N, SIDE = 48, 32
UIDS = [f"1.2.826.0.2.{i}" for i in range(N)]
KIND = np.arange(N) % 2
PATIENT = [f"p{i // 4}" if i < 40 else None for i in range(N)]  # the last 8 rows have no patient key
STUDY = [f"s{i // 2}" for i in range(N)]


def shape_images(seed=0):
    """Squares (even rows) and horizontal gradients (odd rows) with noise, uint8 (N, SIDE, SIDE)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((N, SIDE, SIDE), np.uint8)
    x[0::2, SIDE // 4 : 3 * SIDE // 4, SIDE // 4 : 3 * SIDE // 4] = 220
    x[1::2] = np.linspace(0, 250, SIDE, dtype=np.uint8)[None, None, :]
    return np.clip(x.astype(int) + rng.integers(0, 25, x.shape), 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def compare_root(tmp_path_factory, ray_local):
    """images/, tags/ (patient and study keys), constraints/ and truth.parquet of N instances."""
    root = RunRoot(tmp_path_factory.mktemp("compare") / "run")
    for table in (IMAGES, TAGS, CONSTRAINTS):
        root.makedirs(table)
    pixels = pa.FixedShapeTensorArray.from_numpy_ndarray(shape_images())
    images = pa.table({"sop_instance_uid": UIDS, "pixels": pixels})
    pq.write_table(images, root.path(IMAGES, "part-0.parquet"))
    tags = {"sop_instance_uid": UIDS, "patient_key": PATIENT, "study_instance_uid": STUDY}
    pq.write_table(pa.table(tags), root.path(TAGS, "part-0.parquet"))
    rows = [
        (UIDS[a], UIDS[b], "must" if KIND[a] == KIND[b] else "cannot", 0.1)
        for a in range(N)
        for b in ((a + 2) % N, (a + 5) % N)
    ]
    i, j, kind, gower = zip(*rows, strict=True)
    pq.write_table(
        pa.table({"i": i, "j": j, "kind": kind, "gower": gower}), root.path(CONSTRAINTS, "part-0.parquet")
    )
    truth = {
        "sop_instance_uid": UIDS,
        "modality": np.where(KIND == 0, "CT", "MR").tolist(),
        "anatomical_region": np.where(np.arange(N) % 4 < 2, "HEAD", "CHEST").tolist(),
    }
    pq.write_table(pa.table(truth), root.path("truth.parquet"))
    return root


def compare_cfg(root, *overrides):
    base = [
        f"run_root={root.uri}",
        f"truth={root.path('truth.parquet')}",
        "split=[0.6,0.1,0.3]",
        "seeds=2",
        "max_images=44",
        "k=2",
        "image_size=32",
        "cae.filters=[8,8]",
        "cae.bottleneck=8",
        "cae_epochs=2",
        "dec_epochs=2",
        "batch_size=16",
        "dec.kmeans_n_init=2",
        "dec.constraint_batch_size=8",
        "dec.pairs_per_batch=2",
        "pca_components=5",
        "sweep_counts=[4,8]",
        "constraint_features=[cae,pca]",
        "silhouette_sample=100",
    ]
    return load_config(CompareConfig, None, [*base, *overrides])


@pytest.mark.parametrize(
    ("override", "message"),
    [("split=[0.7,0.2]", "split:"), ("split=[0.5,0.6,-0.1]", "split:"), ("split=[0.8,0.2,0.0]", "test")],
)
def test_split_keys_are_validated(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(CompareConfig, None, ["run_root=r", "truth=t", override])


def test_pairs_within_keeps_and_reindexes_pairs_inside_rows():
    pairs = np.array([[0, 2], [2, 5], [1, 3], [5, 0]])
    assert pairs_within(pairs, np.array([0, 2, 5]), 6).tolist() == [[0, 1], [1, 2], [2, 0]]
    assert pairs_within(np.zeros((0, 2), np.int64), np.array([1]), 6).shape == (0, 2)


def test_sample_split_is_disjoint_by_patient_else_study(compare_root):
    sample = load_sample(compare_cfg(compare_root), compare_root)
    assert len(sample.uids) == 44 and len(sample.split) == 44
    at = {u: i for i, u in enumerate(UIDS)}
    groups: dict[str, set] = {}
    for u, split in zip(sample.uids, sample.split, strict=True):
        key = PATIENT[at[u]] or STUDY[at[u]]
        groups.setdefault(key, set()).add(split)
    assert all(len(s) == 1 for s in groups.values())
    assert len(sample.rows("train")) > 0 and len(sample.rows("test")) > 0
    every = np.concatenate([sample.rows(p) for p in ("train", "validation", "test")])
    assert sorted(every.tolist()) == list(range(44))


def test_compare_fits_on_train_and_scores_test_and_train(compare_root):
    out = run_compare(compare_cfg(compare_root))
    report = compare_root.read_json("compare.json")
    rows = report["sample"]["rows"]
    assert out["images"] == 44 == sum(rows.values()) and rows["test"] > 0 and rows["train"] >= 2
    expected = {
        "cae_kmeans",
        "cdec",
        "cidec",
        "constrained_dec",
        "hog_kmeans",
        "lbp_kmeans",
        "pca_kmeans",
        "pc_kmeans_cae",
        "pc_kmeans_pca",
    }
    assert expected <= set(report["methods"])
    assert set(report["methods"]) - expected <= {"cop_kmeans_cae", "cop_kmeans_pca"}
    for method, row in report["methods"].items():
        assert row["runs"] == 2
        for split in ("test", "train"):
            assert 0.0 <= row[split]["nmi_modality"]["mean"] <= 1.0 and row[split]["nmi_modality"]["sd"] >= 0
        for run in report["per_seed"][method]:
            assert run["test"]["rows"] == rows["test"] and run["train"]["rows"] == rows["train"]
    sweep = report["sweep"]
    assert [p["constraints"] for p in sweep] == [4, 8] and sweep[0]["used"] == 4
    assert all(p["test"]["rows"] == rows["test"] for p in sweep)
    md = compare_root.read_text("compare.md")
    assert "| NMI modality (test) | NMI modality (train) |" in md and f"{rows['test']} test rows" in md
