"""Shared fixtures: one local Ray for the whole session (2 CPUs, as in CI) and small temp run roots."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("RAY_DEDUP_LOGS", "0")
os.environ.setdefault("RAY_TRAIN_V2_ENABLED", "1")


@pytest.fixture(scope="session")
def ray_local():
    """A local Ray started once per test session; jobs called in tests reuse it."""
    import ray

    from pacslabel.runtime import RayConfig, init_ray

    init_ray(RayConfig(num_cpus=2, progress_bars=False))
    yield ray
    ray.shutdown()


@pytest.fixture
def run_root(tmp_path):
    from pacslabel.runroot import RunRoot

    return RunRoot(tmp_path / "run")


@pytest.fixture
def labelled_archive():
    """``make(run_root, first_study, n_studies, labels=True)``: append a tiny labelled archive.

    Three instances per study, two studies per patient; study s shows group s % 3 of
    :data:`pacslabel.synth.toy_run.GROUPS` (CT HEAD, MR KNEE, CR CHEST) and gets label s % 3. Writes
    tags/ (salted patient and accession keys, a file path), regions/, images/ (32 x 32),
    embeddings/{images,tags}/, labels/ (unless ``labels`` is false) and models/kmeans/meta.json (unless
    there is one); returns the instances' uid, patient id, accession number, modality, region and label.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pacslabel.imagecol import pixels_array
    from pacslabel.label.arrow import matrix_to_tensor_array
    from pacslabel.privacy import hash_key
    from pacslabel.synth.toy_run import GROUPS, toy_image

    def write(rr, table, part, columns):
        pq.write_table(pa.table(columns), rr.path(table, f"part-{part:04d}.parquet"), filesystem=rr.fs)
        return columns

    def make(rr, first: int, n_studies: int, labels: bool = True) -> dict[str, list]:
        if not rr.exists("_private", "salt"):
            rr.write_bytes(b"fixed test salt", "_private", "salt")  # the same splits in every run
        salt = rr.salt()
        rng = np.random.default_rng(first)
        studies = np.repeat(np.arange(first, first + n_studies), 3)
        group = studies % 3
        n = len(studies)
        uids = [f"1.2.826.0.9.{s}.{j % 3}" for j, s in enumerate(studies)]
        patients = [f"PAT{s // 2:04d}" for s in studies]
        accessions = [f"ACC{s:05d}" for s in studies]
        modality = [GROUPS[g][0] for g in group]
        region = [GROUPS[g][1] for g in group]
        for table in ("tags", "regions", "images", "embeddings/images", "embeddings/tags", "labels"):
            rr.makedirs(*table.split("/"))
        write(rr, "tags", first, {
            "sop_instance_uid": uids,
            "study_instance_uid": [f"1.2.826.0.9.{s}" for s in studies],
            "patient_key": [hash_key(p, salt) for p in patients],
            "accession_key": [hash_key(a, salt) for a in accessions],
            "modality": modality,
            "body_part_examined": region,
            "series_description": [GROUPS[g][4] for g in group],
            "path": [f"/pacs/{u}.dcm" for u in uids],
        })  # fmt: skip
        write(rr, "regions", first, {"sop_instance_uid": uids, "region": region})
        imgs = np.stack([toy_image(int(g), rng, 32) for g in group])
        write(rr, "images", first, {"sop_instance_uid": uids, "pixels": pixels_array(imgs)})
        for source, dim in (("images", 8), ("tags", 4)):
            x = np.eye(dim, dtype=np.float32)[group] * 3 + rng.normal(0, 0.2, (n, dim)).astype(np.float32)
            write(rr, f"embeddings/{source}", first, {
                "sop_instance_uid": uids, "embedding": matrix_to_tensor_array(x), "model_version": ["t"] * n,
            })  # fmt: skip
        if labels:
            write(rr, "labels", first, {
                "sop_instance_uid": uids,
                "label": pa.array(group, pa.int32()),
                "distance": pa.array(rng.uniform(0, 1, n), pa.float32()),
                "method": ["kmeans-embeddings"] * n,
                "run_id": ["toy"] * n,
            })  # fmt: skip
        if not rr.exists("models", "kmeans", "meta.json"):
            names = {str(g): f"{GROUPS[g][0]} {GROUPS[g][1]}" for g in range(3)}
            rr.write_json({"run_id": "toy-model", "label_names": names}, "models", "kmeans", "meta.json")
        return {
            "uid": uids,
            "patient": patients,
            "accession": accessions,
            "modality": modality,
            "region": region,
            "label": [int(g) for g in group],
        }

    return make
