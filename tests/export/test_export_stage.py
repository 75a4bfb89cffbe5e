"""Export on a tiny labelled run root: a torch DataLoader reads the WebDataset shards; counts, splits
and patient-disjointness; no identifiers or paths; an interrupted export is finished and a relabel's new
instances are added without rewriting old shards; filters, caps and the ImageFolder layout."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.export import ExportConfig, run_export
from pacslabel.privacy import hash_key

SPLIT = "split=[0.6,0.2,0.2]"  # with the fixed salt: all three splits among 7 patients


def _export(rr, out, *over):
    overrides = [f"run_root={rr.uri}", f"out={out}", "samples_per_shard=8", "join_partitions=2"]
    return run_export(load_config(ExportConfig, None, [*overrides, "writers=1", "num_cpus=0.5", *over]))


def _samples(out: Path) -> list:
    """Every sample through a torch DataLoader over the shards: (image tensor, metadata, key)."""
    import torch
    import webdataset as wds

    urls = sorted(str(p) for p in (out / "shards").glob("*.tar"))
    ds = wds.WebDataset(urls, shardshuffle=False).decode("torchrgb").to_tuple("png", "json", "__key__")
    loader = torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=list)
    return [s for batch in loader for s in batch]


def _check_patients(run_root, manifest):
    """Every patient (and every group key) lies in one split."""
    salt = run_root.salt()
    tags = pq.read_table(run_root.path("tags")).to_pandas()
    tags["key"] = [hash_key(u, salt) for u in tags["sop_instance_uid"]]
    joined = manifest.merge(tags[["key", "patient_key"]], on="key", validate="1:1")
    assert len(joined) == len(manifest)
    assert (joined.groupby("patient_key")["split"].nunique() == 1).all()
    assert (joined.groupby("group")["patient_key"].nunique() == 1).all()
    return joined


def test_webdataset_export_then_incremental(ray_local, run_root, labelled_archive, tmp_path):
    arch = labelled_archive(run_root, 0, 13)
    out = tmp_path / "ds"
    first = _export(run_root, out, SPLIT)
    n = len(arch["uid"])
    assert first["new_samples"] == first["samples"] == n

    samples = _samples(out)
    assert len(samples) == n
    img, meta, key = samples[0]
    assert tuple(img.shape) == (3, 32, 32) and meta["key"] == key
    manifest = pq.read_table(out / "manifest").to_pandas()
    assert len(manifest) == n and manifest["key"].is_unique
    truth = {hash_key(u, run_root.salt()): i for i, u in enumerate(arch["uid"])}
    assert set(manifest["key"]) == set(truth)
    rows = manifest.set_index("key")
    for _, meta, key in samples:
        i, row = truth[key], rows.loc[key]
        assert meta["label"] == row["label"] == arch["label"][i]
        assert meta["split"] == row["split"] and meta["modality"] == arch["modality"][i]
        assert (
            row["region"] == arch["region"][i] and row["label_name"] == f"{row['modality']} {row['region']}"
        )
        assert row["shard"].startswith(f"shards/{row['split']}-")
    assert set(manifest["split"]) == {"train", "validation", "test"}
    assert first["by_split"] == manifest["split"].value_counts().to_dict()
    _check_patients(run_root, manifest)

    # no identifier and no path anywhere in the export
    blobs = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    for tar in (out / "shards").glob("*.tar"):
        with tarfile.open(tar) as t:
            blobs += [t.extractfile(m).read() for m in t.getmembers()]
    secrets = [*arch["uid"], *arch["patient"], *arch["accession"], "/pacs/", "1.2.826.0.9"]
    assert not [s for s in secrets for blob in blobs if s.encode() in blob]

    # an export that died after writing one batch's shards, then a relabel labelled new instances
    lost = next((out / "manifest").glob("*.parquet"))
    lost_keys = set(pq.read_table(lost).column("key").to_pylist())
    lost.unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "shards").glob("*.tar")}
    new = labelled_archive(run_root, 13, 4)
    second = _export(run_root, out, SPLIT)
    assert second["leftover_shards_removed"] >= 1
    assert second["new_samples"] == len(lost_keys) + len(new["uid"])
    assert second["samples"] == n + len(new["uid"])
    after = {p.name: p.stat().st_mtime_ns for p in (out / "shards").glob("*.tar")}
    assert all(after[k] == v for k, v in kept.items() if k in after)  # committed shards untouched
    manifest2 = pq.read_table(out / "manifest").to_pandas()
    assert manifest2["key"].is_unique and len(_samples(out)) == len(manifest2) == second["samples"]
    old = manifest2.merge(manifest, on="key", suffixes=("", "_1"))
    assert (
        len(old) == n
        and (old["split"] == old["split_1"]).all()
        and (old["shard"] == old["shard_1"]).sum() >= n - len(lost_keys)
    )
    joined = _check_patients(run_root, manifest2)  # patient 6 has studies in both exports
    assert joined.groupby("patient_key")["export_run"].nunique().max() == 2

    with pytest.raises(ConfigError, match="split"):
        _export(run_root, out)
    meta = json.loads((out / "meta.json").read_text())
    assert [r["new_samples"] for r in meta["runs"]] == [n, second["new_samples"]]


def test_filters_cap_and_imagefolder(ray_local, run_root, labelled_archive, tmp_path):
    from PIL import Image

    labelled_archive(run_root, 0, 12)  # 12 instances per label
    out = tmp_path / "folder"
    select = ["format=imagefolder", "modalities=[mr,CT,CR]", "regions=[knee,head]", "labels=[0,1]"]
    s = _export(run_root, out, *select, "max_per_label=5")
    assert s["by_label"] == {"0": 5, "1": 5}
    manifest = pq.read_table(out / "manifest").to_pandas()
    assert set(zip(manifest["modality"], manifest["region"], strict=True)) == {("CT", "HEAD"), ("MR", "KNEE")}
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert files == sorted(manifest["shard"])
    for shard, label, split in zip(manifest["shard"], manifest["label"], manifest["split"], strict=True):
        assert shard.split("/")[:2] == [split, f"{label:04d}"]
        assert np.asarray(Image.open(out / shard)).shape == (32, 32)
    labelled_archive(run_root, 12, 3)  # new instances of full labels are not taken
    again = _export(run_root, out, *select, "max_per_label=5")
    assert again["new_samples"] == 0 and again["by_label"] == s["by_label"]
