"""The reports job end to end on a tiny run root: exclusions, training task, Ray Data inference."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.text import TextConfig, run_text
from pacslabel.text.infer import embed_loop


def _words(text):
    return text.split()


TOPICS = {
    ("CR", "CHEST"): _words("pluća plućima plućni parenhim infiltrata srce srca sinusi hilusi ošit izljev"),
    (
        "MR",
        "KNEE",
    ): _words("koljeno koljena koljenu meniskus meniskusa ligament ligamenta patela tibije hrskavica"),
    (
        "CT",
        "HEAD",
    ): _words("mozak mozga glava glave ventrikuli moždani krvarenje infarkt infarkta mediosagitalne"),
}
BAD = [None, "", "  ", "kratko", "12345 678 90 / 2024-01-01 11:30", "i a je se the of on na"]


def make_run_root(root, n_per_topic=20, seed=0):
    rng = np.random.default_rng(seed)
    keys, texts, tag_rows = [], [], []
    for (modality, region), vocab in TOPICS.items():
        for _ in range(n_per_topic):
            key = f"acc{len(keys):04d}"
            keys.append(key)
            texts.append(" ".join(rng.choice(vocab, 10)))
            for j in range(2):  # two instances per study
                tag_rows.append((f"1.2.{len(keys)}.{j}", key, modality, region))
    for i, t in enumerate(BAD):
        keys.append(f"bad{i}")
        texts.append(t)
    (root / "reports").mkdir(parents=True)
    order = rng.permutation(len(keys))
    table = pa.table({"accession_key": [keys[i] for i in order], "text": [texts[i] for i in order]})
    pq.write_table(table.slice(0, 30), root / "reports" / "part-0.parquet")
    pq.write_table(table.slice(30), root / "reports" / "part-1.parquet")
    (root / "tags").mkdir()
    sop, acc, mod, bpe = zip(*tag_rows, strict=True)
    pq.write_table(
        pa.table({"sop_instance_uid": sop, "accession_key": acc, "modality": mod, "body_part_examined": bpe}),
        root / "tags" / "part-0.parquet",
    )
    return [k for k in keys if k.startswith("acc")]


def config(root, **over):
    base = [
        f"run_root={root}",
        "workers=1",
        "min_count=2",
        "doc2vec.vector_size=16",
        "doc2vec.epochs=30",
        "doc2vec.sample=0",
        "infer.actors=2",
        "infer.batch_size=16",
        "clean_batch_size=25",
        "ray.progress_bars=false",
    ]
    return load_config(TextConfig, None, base + [f"{k}={v}" for k, v in over.items()])


def test_config_validation(tmp_path):
    with pytest.raises(ConfigError, match="run_root"):
        load_config(TextConfig, None, [])
    with pytest.raises(ConfigError, match="embedder"):
        load_config(TextConfig, None, ["run_root=x", "embedder=lda"])
    with pytest.raises(ConfigError, match="train_fraction"):
        load_config(TextConfig, None, ["run_root=x", "train_fraction=0"])
    with pytest.raises(ConfigError, match=r"evaluate\.compare"):
        load_config(TextConfig, None, ["run_root=x", "evaluate.compare=[bow,xx]"])


def test_reports_job_end_to_end(ray_local, tmp_path):
    root = tmp_path / "run"
    kept = make_run_root(root)
    cfg = config(root, **{"evaluate.compare": "[tfidf,pv_dbow]"})
    summary = run_text(cfg)

    clean = summary["clean"]
    assert clean == {
        "input": len(kept) + len(BAD),
        "kept": len(kept),
        "excluded": {"empty": 3, "too_short": 1, "no_tokens": 2},
        "seconds": clean["seconds"],
    }
    emb = pads.dataset(root / "embeddings" / "reports", format="parquet").to_table()
    assert emb.num_rows == len(kept)
    assert sorted(emb.column("accession_key").to_pylist()) == sorted(kept)
    assert isinstance(emb.schema.field("embedding").type, pa.FixedShapeTensorType)
    assert emb.schema.field("embedding").type.shape == [16]
    assert emb.schema.field("embedding").type.value_type == pa.float32()
    assert set(emb.column("model_version").to_pylist()) == {summary["train"]["model_version"]}

    model_dir = root / "models" / "reports_pv_dbow"
    assert {"embedder.json", "config.yaml", "meta.json", "doc2vec.model"} <= {
        p.name for p in model_dir.iterdir()
    }
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["model_version"] == summary["train"]["model_version"]
    assert summary["train"]["train_documents"] == len(kept)

    # the Ray Data path and the plain loop give the same vectors
    loop = {}
    for batch in embed_loop(str(root / "_work/reports/tokens"), str(model_dir), "v"):
        loop.update(zip(batch["accession_key"], batch["embedding"], strict=True))
    vectors = emb.column("embedding").combine_chunks().to_numpy_ndarray()
    got = dict(zip(emb.column("accession_key").to_pylist(), vectors, strict=True))
    assert set(loop) == set(got)
    for k in kept[:10]:
        np.testing.assert_array_equal(loop[k], got[k])

    ev = summary["evaluate"]
    assert ev["rows"] == len(kept) and ev["k"] == 3
    assert ev["nmi_region"] > 0.8 and ev["hs_modality"] > 0.8
    assert {row["embedder"] for row in ev["compare"]} == {"tfidf", "pv_dbow"}

    # re-running replaces outputs instead of adding rows twice
    again = run_text(config(root, embedder="tfidf", **{"evaluate.enabled": "false"}))
    assert again["embed"]["rows"] == len(kept)
    assert pads.dataset(root / "embeddings" / "reports", format="parquet").count_rows() == len(kept)
    assert "evaluate" not in again


def test_reports_job_cli(ray_local, tmp_path):
    spec = importlib.util.spec_from_file_location(
        "reports_job", Path(__file__).parents[2] / "jobs" / "reports.py"
    )
    job = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(job)
    main = job.main

    root = tmp_path / "run"
    kept = make_run_root(root, n_per_topic=6)
    summary = main(
        [
            f"run_root={root}",
            "embedder=bow",
            "min_count=1",
            "train_fraction=0.5",
            "evaluate.k_select=fixed",
            "evaluate.k=3",
            "ray.progress_bars=false",
        ]
    )
    assert summary["embed"]["rows"] == len(kept)  # every kept report is embedded ...
    assert summary["train"]["train_documents"] < len(kept)  # ... though trained on a subset
    assert (root / "_jobs" / "reports" / "summary.json").is_file()
