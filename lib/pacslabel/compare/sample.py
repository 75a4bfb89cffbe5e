"""The bounded comparison sample of images/ (constraint end points first), its patient-disjoint split and
its array helpers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pacslabel.compare.config import CompareConfig
from pacslabel.runroot import IMAGES, STUDY_UID, TAGS, UID, RunRoot
from pacslabel.splits import assign_splits, group_keys
from pacslabel.train.data import fetch_images, read_constraints

log = logging.getLogger(__name__)


@dataclass
class Sample:
    """The comparison sample: uint8 images (N, H, W), truth, row-index pairs (M, 2) and split name per row."""

    uids: list[str]
    x: np.ndarray
    modality: np.ndarray
    region: np.ndarray
    must: np.ndarray
    cannot: np.ndarray
    split: np.ndarray

    def rows(self, split: str) -> np.ndarray:
        """Row indices of one split ("train" / "validation" / "test")."""
        return np.flatnonzero(self.split == split)


def sample_splits(rr: RunRoot, uids: list[str], seed: int, fractions) -> np.ndarray:
    """Split name of every uid, by its patient key, else its study, else the instance itself (from tags/,
    reading only the rows of ``uids``)."""
    if not rr.has_table(TAGS):
        raise FileNotFoundError(f"{rr.uri_of(TAGS)} has no Parquet files: the split needs patient keys")
    dset = rr.dataset(TAGS)
    cols = [c for c in (UID, "patient_key", STUDY_UID) if c in dset.schema.names]
    rows = dset.to_table(columns=cols, filter=pads.field(UID).isin(list(uids))).to_pylist()
    by_uid = {r[UID]: r for r in rows}
    if len(by_uid) < len(uids):
        log.warning("%d sample instances have no tags/ row: each is its own group", len(uids) - len(by_uid))
    patient = [by_uid.get(u, {}).get("patient_key") for u in uids]
    study = [by_uid.get(u, {}).get(STUDY_UID) or u for u in uids]
    return assign_splits(group_keys(patient, study), seed, fractions)


def pairs_within(pairs: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """The pairs (M, 2) whose both ends are in ``rows``, re-indexed to positions in ``rows``."""
    pos = np.full(n, -1, np.int64)
    pos[rows] = np.arange(len(rows))
    p = pos[pairs]
    return p[(p >= 0).all(1)].reshape(-1, 2)


def load_sample(cfg: CompareConfig, rr: RunRoot) -> Sample:
    """The sample: constraint end points first (up to ``constrained_share``), then random images."""
    rng = np.random.default_rng(cfg.first_seed)
    truth = pq.read_table(cfg.truth, columns=[UID, "modality", "anatomical_region"]).to_pandas()
    truth = truth.drop_duplicates(UID).set_index(UID)
    dset = rr.dataset(IMAGES)
    all_uids = np.asarray(dset.to_table(columns=[UID]).column(UID).to_pylist(), dtype=object)
    all_uids = all_uids[np.isin(all_uids, truth.index.to_numpy())]
    must_u: list = []
    cannot_u: list = []
    try:
        must_u, cannot_u = read_constraints(rr, cfg.max_constraints, cfg.first_seed)
    except FileNotFoundError:
        log.warning("no constraints/ table: constrained methods are skipped")
    known = set(all_uids.tolist())
    chosen: list[str] = []
    seen: set[str] = set()
    budget = int(cfg.max_images * cfg.constrained_share)
    pairs = [p for p in must_u + cannot_u if p[0] in known and p[1] in known]
    for r in rng.permutation(len(pairs)):
        if len(chosen) + 2 > budget:
            break
        for u in pairs[r]:
            if u not in seen:
                seen.add(u)
                chosen.append(u)
    rest = [u for u in all_uids[rng.permutation(len(all_uids))].tolist() if u not in seen]
    chosen += rest[: cfg.max_images - len(chosen)]
    pixels = fetch_images(rr, set(chosen))
    uids = [u for u in chosen if u in pixels]
    x = np.stack([pixels[u] for u in uids])
    pos = {u: i for i, u in enumerate(uids)}

    def idx(pairs):
        out = [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos]
        return np.asarray(out, np.int64).reshape(-1, 2)

    t = truth.loc[uids]
    return Sample(
        uids,
        x,
        t["modality"].to_numpy(object),
        t["anatomical_region"].to_numpy(object),
        idx(must_u),
        idx(cannot_u),
        sample_splits(rr, uids, cfg.split_seed, cfg.split),
    )


def resize(x: np.ndarray, size: int) -> np.ndarray:
    """uint8 images resized to ``size``² (area averaging) for the descriptors."""
    import torch
    import torch.nn.functional as F

    if x.shape[-1] == size:
        return x
    t = torch.from_numpy(x).unsqueeze(1).float()
    mode = "area" if x.shape[-1] > size else "bilinear"
    t = F.interpolate(t, size=(size, size), mode=mode)
    return t.squeeze(1).round().clamp(0, 255).to(torch.uint8).numpy()


def subsample_pairs(must, cannot, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``count`` constraints drawn from the union, keeping at least one of each kind."""
    kinds = np.r_[np.zeros(len(must), int), np.ones(len(cannot), int)]
    pairs = np.concatenate([must, cannot]) if len(kinds) else np.zeros((0, 2), np.int64)
    if count >= len(pairs):
        return must, cannot
    pick = rng.choice(len(pairs), size=count, replace=False)
    for kind in (0, 1):
        if not (kinds[pick] == kind).any() and (kinds == kind).any():
            pick[0 if kind == 0 else -1] = rng.choice(np.flatnonzero(kinds == kind))
    return pairs[pick[kinds[pick] == 0]], pairs[pick[kinds[pick] == 1]]
