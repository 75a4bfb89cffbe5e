"""A tiny, fully synthetic run root with every table evaluation reads (for tests and report previews).

Three modality × region × appearance groups with distinct image patterns; labels follow the groups except
for a chosen number of rows moved to another cluster, so the expected scores are known by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.imagecol import pixels_array
from pacslabel.runroot import (
    ACCESSION_KEY,
    COMPARE_JSON,
    EMBEDDINGS_REPORTS,
    IMAGES,
    JOBS,
    LABEL_MODEL,
    LABELS,
    MANIFEST,
    MODELS,
    REGIONS,
    REJECTS,
    TAGS,
    UID,
    RunRoot,
    embeddings_table,
)

GROUPS = (
    ("CT", "HEAD", "CT HEAD WITHOUT CONTRAST", "AX", "Axial 5mm"),
    ("MR", "KNEE", "MRI KNEE LEFT", "T2 SAG", "T2_SAG_TSE"),
    ("CR", "CHEST", "CHEST PA AND LATERAL", "PA", "PA 180cm"),
)
"""modality, region, study description, appearance, series description"""
SPLIT_CYCLE = ("train", "train", "validation", "test")
"""Split of study j (two instances each) is SPLIT_CYCLE[j % 4]."""


@dataclass
class ToyRun:
    uids: list[str]
    labels: np.ndarray
    modality: list[str]
    region: list[str]
    accession: list[str]
    truth_path: str | None


def _write(root: RunRoot, name: str, table: pa.Table, part: str = "part-0.parquet") -> None:
    root.makedirs(name)
    pq.write_table(table, root.path(name, part), filesystem=root.fs)


def _tensor(x: np.ndarray) -> pa.Array:
    return pa.FixedShapeTensorArray.from_numpy_ndarray(np.ascontiguousarray(x))


def toy_image(group: int, rng: np.random.Generator, side: int) -> np.ndarray:
    """A greyscale pattern per group (disc, stripes, two lung-like ellipses) with noise."""
    yy, xx = np.mgrid[0:side, 0:side] / side - 0.5
    if group == 0:
        img = (np.hypot(xx, yy) < 0.38) * 170 + (np.hypot(xx, yy) < 0.3) * 40
    elif group == 1:
        img = 90 + 80 * (np.sin(xx * 18 + rng.uniform(0, 3)) > 0) * (np.abs(yy) < 0.35)
    else:
        lungs = ((xx + 0.18) ** 2 / 0.02 + yy**2 / 0.09 < 1) | ((xx - 0.18) ** 2 / 0.02 + yy**2 / 0.09 < 1)
        img = 200 - 150 * lungs - 40 * (np.abs(yy) > 0.42)
    img = img + rng.normal(0, 12, (side, side))
    return np.clip(img, 0, 255).astype(np.uint8)


def write_toy_run_root(
    root: RunRoot,
    per_group: int = 6,
    moved: int = 0,
    side: int = 64,
    dim: int = 8,
    truth: bool = True,
    reports: bool = True,
    regions: bool = True,
    extras: bool = True,
    splits: bool = False,
    seed: int = 0,
) -> ToyRun:
    """Write labels/, tags/, images/, embeddings/{images,fused[,reports]}/ and optional extras.

    ``moved`` rows of group 0 get label 1 (a known confusion). Images/fused embeddings are group
    centres plus small noise; reports are one vector per study (two instances per study). With
    ``splits`` labels/ gets a study-disjoint ``split`` column.
    """
    rng = np.random.default_rng(seed)
    n = per_group * len(GROUPS)
    group = np.repeat(np.arange(len(GROUPS)), per_group)
    labels = group.copy()
    labels[:moved] = 1
    uids = [f"1.2.826.0.1.{seed}.{i}" for i in range(n)]
    accession = [f"acc{seed}-{i // 2:04d}" for i in range(n)]
    modality = [GROUPS[g][0] for g in group]
    region = [GROUPS[g][1] for g in group]
    study = [GROUPS[g][2] for g in group]
    bpe = [r if i % 3 else r.lower() for i, r in enumerate(region)]
    bpe[0] = "BRAIN"  # not in the region vocabulary: no region from this tag

    label_columns = {
        UID: uids,
        "label": pa.array(labels, pa.int32()),
        "distance": pa.array(rng.uniform(0, 1, n), pa.float32()),
        "method": ["kmeans"] * n,
        "run_id": ["toy"] * n,
    }
    if splits:
        label_columns["split"] = [SPLIT_CYCLE[(i // 2) % len(SPLIT_CYCLE)] for i in range(n)]
    _write(root, LABELS, pa.table(label_columns))
    _write(
        root,
        TAGS,
        pa.table(
            {
                UID: uids,
                "modality": modality,
                "body_part_examined": bpe,
                "study_description": study,
                "series_description": [GROUPS[g][4] for g in group],
                ACCESSION_KEY: accession,
                "path": [f"/pacs/{i}.dcm" for i in range(n)],
            }
        ),
    )
    imgs = np.stack([toy_image(int(g), rng, side) for g in group])
    _write(root, IMAGES, pa.table({UID: uids, "pixels": pixels_array(imgs)}))
    centres = rng.normal(0, 1, (len(GROUPS), dim)).astype(np.float32) * 3
    for source in ("images", "fused"):
        x = centres[group] + rng.normal(0, 0.3, (n, dim)).astype(np.float32)
        _write(
            root,
            embeddings_table(source),
            pa.table({UID: uids, "embedding": _tensor(x), "model_version": ["toy"] * n}),
        )
    if reports:
        studies = sorted(set(accession))
        sgroup = np.array([group[accession.index(a)] for a in studies])
        x = centres[sgroup] + rng.normal(0, 0.5, (len(studies), dim)).astype(np.float32)
        _write(
            root,
            EMBEDDINGS_REPORTS,
            pa.table(
                {ACCESSION_KEY: studies, "embedding": _tensor(x), "model_version": ["toy"] * len(studies)}
            ),
        )
    if regions:
        _write(
            root,
            REGIONS,
            pa.table({UID: uids, "region": region, "rule_id": ["bpe"] * n}),
        )
    truth_path = None
    if truth:
        truth_path = root.path("truth.parquet")
        pq.write_table(
            pa.table(
                {
                    UID: uids,
                    "modality": modality,
                    "anatomical_region": region,
                    "appearance": [GROUPS[g][3] for g in group],
                }
            ),
            truth_path,
            filesystem=root.fs,
        )
    if extras:
        _write(
            root,
            MANIFEST,
            pa.table(
                {
                    "path": [f"/pacs/{i}" for i in range(n + 2)],
                    "status": ["ok"] * n + ["rejected"] * 2,
                }
            ),
        )
        _write(
            root,
            REJECTS,
            pa.table(
                {
                    "path": ["/pacs/x", "/pacs/y"],
                    "stage": ["ingest"] * 2,
                    "reason": ["no_pixels", "not_dicom"],
                }
            ),
        )
        root.write_json(
            {
                "job": "ingest",
                "seconds": 1.5,
                "accepted": n,
                "rejected": 2,
                "run_root": "/secret/run",
                "rejects_by_reason": {"no_pixels": 1, "not_dicom": 1},
            },
            JOBS,
            "ingest",
            "summary.json",
        )
        root.write_json(
            {
                "kmeans": {"nmi_modality": {"mean": 0.91, "sd": 0.02}, "score": {"mean": 0.88, "sd": 0.03}},
                "hog+kmeans": {"nmi_modality": {"mean": 0.55, "sd": 0.05}, "score": 0.5},
            },
            COMPARE_JSON,
        )
        _write(
            root,
            "features",
            pa.table(
                {
                    "column": ["modality", "body_part_examined", "kvp"],
                    "top_values": ['[["CT", 10]]', '[["HEAD", 3]]', '[["120", 4]]'],
                    "fill_rate": [1.0, 0.8, 0.4],
                    "n_distinct": [3, 5, 20],
                    "kind": ["categorical", "categorical", "numeric"],
                    "selected": [True, True, False],
                }
            ),
            "tag_profile.parquet",
        )
        first = {int(lab): uids[int(np.flatnonzero(labels == lab)[0])] for lab in np.unique(labels)}
        root.write_json(
            {
                "k": len(first),
                "representatives": [{"label": k, UID: u} for k, u in first.items()],
                "label_names": {str(g): " · ".join(GROUPS[g][:2]) for g in range(len(GROUPS))},
                "medoids": [{UID: u, "label": k} for k, u in first.items()],
            },
            MODELS,
            LABEL_MODEL,
            "meta.json",
        )
    return ToyRun(uids, labels, modality, region, accession, truth_path)
