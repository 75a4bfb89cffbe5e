"""The ablate job end to end on a tiny run root: tags carry the modality, reports the region, images the
appearance; every variant is written and scores what its sources carry."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.ablation import ABLATION_JSON, ABLATION_MD, AblateConfig, run_ablation
from pacslabel.ablation.reference import from_context
from pacslabel.ablation.run import ablate
from pacslabel.ablation.table import render_markdown
from pacslabel.config import ConfigError, load_config
from pacslabel.label.arrow import matrix_to_tensor_array
from pacslabel.label.inputs import Sample

MODS, REGIONS, LOOKS = ("CT", "MR"), ("HEAD", "CHEST", "KNEE"), ("SOFT", "BONE")
FAST = [
    "ray.progress_bars=false",
    "device=cpu",
    "k_max=6",
    "min_rows_per_label=5",
    "source_k=4",
    "silhouette_sample=200",
    "niter=10",
    "nredo=1",
    "train_sample=1000",
]


def _write(rr, table, df: dict):
    path = rr.makedirs(*table.split("/"))
    pq.write_table(pa.table(df), f"{path}/part-0.parquet")


def _emb(classes, width, rng, noise=0.3):
    """pa tensor column: 3 x one-hot of the class + Gaussian noise."""
    x = np.eye(width)[classes] * 3 + noise * rng.normal(size=(len(classes), width))
    return matrix_to_tensor_array(x.astype(np.float32))


@pytest.fixture
def archive(run_root, tmp_path):
    """120 studies of 3 instances (one patient each); every 10th study without a report."""
    rng = np.random.default_rng(0)
    n_studies, per = 120, 3
    study = np.repeat(np.arange(n_studies), per)
    mod, reg, look = study % 2, (study // 2) % 3, rng.integers(0, 2, n_studies)[study]
    uids = [f"1.2.3.{i}" for i in range(len(study))]
    accs = [f"acc{s}" for s in study]
    _write(
        run_root,
        "tags",
        {
            "sop_instance_uid": uids,
            "accession_key": accs,
            "modality": [MODS[m] for m in mod],
            "study_instance_uid": [f"1.9.{s}" for s in study],
            "patient_key": [f"p{s}" for s in study],
        },
    )
    _write(run_root, "regions", {"sop_instance_uid": uids, "region": [REGIONS[r] for r in reg]})
    _write(run_root, "embeddings/images", {"sop_instance_uid": uids, "embedding": _emb(look, 8, rng, 0.5)})
    _write(run_root, "embeddings/tags", {"sop_instance_uid": uids, "embedding": _emb(mod, 4, rng)})
    with_report = np.arange(n_studies)[np.arange(n_studies) % 10 != 0]
    _write(
        run_root,
        "embeddings/reports",
        {
            "accession_key": [f"acc{s}" for s in with_report],
            "embedding": _emb((with_report // 2) % 3, 5, rng),
        },
    )
    truth = tmp_path / "truth.parquet"
    pq.write_table(
        pa.table(
            {
                "sop_instance_uid": uids,
                "modality": [MODS[m] for m in mod],
                "anatomical_region": [REGIONS[r] for r in reg],
                "appearance": [LOOKS[a] for a in look],
            }
        ),
        truth,
    )
    return truth


def _row(rows, sources, fusion, partitions):
    return next(
        r for r in rows if r["sources"] == sources and r["fusion"] == fusion and r["partitions"] == partitions
    )


def test_ablation_job_writes_every_variant(ray_local, run_root, archive):
    from jobs.ablate import main

    summary = main([f"run_root={run_root.uri}", f"truth={archive}", *FAST])
    assert summary["n_variants"] == 7 * 3 * 2 and summary["reference"] == "truth"
    result = run_root.read_json(ABLATION_JSON)
    assert result["n_sample"] == 360 and sum(result["n_split"].values()) == 360
    assert result["n_split"]["test"] > 20 and result["present"]["reports"] == 324
    assert result["reference"]["fine"] and result["reference"]["rows_in_truth"] == 360
    rows = result["rows"]
    assert len({(tuple(r["sources"]), r["fusion"], r["partitions"]) for r in rows}) == 42
    for r in rows:
        assert r["test"]["n"] == result["n_split"]["test"] and r["train"]["n"] == result["n_split"]["train"]
        if r["partitions"] == "modality,region":  # labels never cross modality or region
            assert r["test"]["hs_modality"] == pytest.approx(1.0)
            assert r["test"]["hs_region"] == pytest.approx(1.0)
            assert r["k"] >= 6 and r["n_partitions"] == 6
    assert _row(rows, ["tags"], "embeddings", "global")["test"]["nmi_modality"] > 0.9
    for fusion in ("embeddings", "clusterdists", "clusterprobs"):
        tags = _row(rows, ["tags"], fusion, "global")["test"]
        assert tags["hs_modality"] > 0.9 and tags["nmi_region"] < 0.2
        reports = _row(rows, ["reports"], fusion, "global")["test"]
        assert reports["nmi_region"] > max(0.5, tags["nmi_region"] + 0.4) and reports["nmi_modality"] < 0.2
        # reports grouped by what they say are closer to each other than reports grouped by modality
        assert reports["cos_reports"] < tags["cos_reports"]
    # images carry the appearance: inside modality x region partitions they recover the fine classes
    assert _row(rows, ["images"], "embeddings", "modality,region")["test"]["nmi_fine"] > 0.95
    both = _row(rows, ["tags", "reports"], "embeddings", "global")["test"]
    alone = [_row(rows, [s], "embeddings", "global")["test"]["score"] for s in ("tags", "reports")]
    assert both["score"] > max(alone)

    md = run_root.read_text(ABLATION_MD)
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 42 and "NMI fine" in table[0] and "cos rep" in table[0]
    assert "| images + tags + reports | clusterprobs | global |" in md
    assert "reference: **truth**" in md
    assert run_root.read_json("_jobs", "ablate", "summary.json")["n_variants"] == 42


def _sample(n_studies=80, per=3, seed=1):
    """In-memory sample: tags carry the modality, reports the region (a Modality tag and a region each)."""
    rng = np.random.default_rng(seed)
    study = np.repeat(np.arange(n_studies), per)
    mod, reg = study % 2, (study // 2) % 3
    n = len(study)

    def emb(classes, width):
        return (np.eye(width)[classes] * 3 + 0.3 * rng.normal(size=(n, width))).astype(np.float32)

    context = {
        "modality": np.asarray(MODS, object)[mod],
        "region": np.asarray(REGIONS, object)[reg],
        "patient_key": np.asarray([f"p{s}" for s in study], object),
        "study_instance_uid": np.asarray([f"s{s}" for s in study], object),
    }
    parts = {"tags": emb(mod, 4), "reports": emb(reg, 5)}
    present = {s: np.ones(n, bool) for s in parts}
    return Sample(np.asarray([f"u{i}" for i in range(n)], object), parts, present, context, {})


def test_ablation_against_tags_with_fixed_k():
    overrides = ["run_root=/tmp/unused", "fusions=[embeddings]", "partitionings=[[]]", "k=3", *FAST]
    cfg = load_config(AblateConfig, None, overrides)
    sample = _sample()
    result = ablate(cfg, sample, from_context(sample.context, len(sample.uids)))
    assert result["reference"]["name"] == "tags" and "fine" not in result["reference"]
    assert result["reference"]["region"].startswith("regions/")
    rows = result["rows"]
    assert [r["sources"] for r in rows] == [["tags"], ["reports"], ["tags", "reports"]]
    assert all(r["k"] == 3 and "nmi_fine" not in r["test"] and "cos_images" not in r["test"] for r in rows)
    tags, reports, both = (r["test"] for r in rows)
    assert tags["hs_modality"] == pytest.approx(1.0) and reports["hs_region"] == pytest.approx(1.0)
    assert both["score"] > max(tags["score"], reports["score"])
    md = render_markdown(result)
    assert "NMI fine" not in md and "fixed K = 3" in md and "| tags + reports | embeddings | global |" in md


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("fusions=[embeddings, concat]", "fusions[1]"),
        ("partitionings=[[region, modality]]", "partitionings[0]"),
        ("partitionings=[[modality, organ]]", "partitionings[0][1]"),
        ("sources=[images, images]", "sources"),
        ("k=0", "k"),
        ("k=many", "k"),
        ("weights={notes: 2}", "weights"),
        ("split=[0.9, 0.2, 0.0]", "split"),
        ("complete_rows=maybe", "complete_rows"),
    ],
)
def test_bad_config_names_the_key(override, key):
    with pytest.raises(ConfigError, match=f"^{re.escape(key)}[: ]"):
        load_config(AblateConfig, "configs/ablate.yaml", ["run_root=/tmp/r", override])


def test_truth_that_is_not_a_file_is_a_config_error(run_root, tmp_path):
    run_root.makedirs("tags")
    pq.write_table(pa.table({"sop_instance_uid": ["1"]}), run_root.path("tags", "part-0.parquet"))
    cfg = AblateConfig(run_root=run_root.uri, truth=str(tmp_path / "missing.parquet"))
    with pytest.raises(ConfigError, match=r"^truth: "):
        run_ablation(cfg)
