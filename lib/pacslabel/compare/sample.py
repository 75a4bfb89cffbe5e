"""The bounded comparison sample of images/ (constraint end points first) and its array helpers."""

from __future__ import annotations

import logging

import numpy as np
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from pacslabel.compare.config import CompareConfig
from pacslabel.runroot import IMAGES, RunRoot
from pacslabel.train.data import UID, fetch_images, read_constraints

log = logging.getLogger(__name__)


def load_sample(cfg: CompareConfig, rr: RunRoot):
    """``(uids, images uint8 (N, H, W), modality, region, must (M, 2), cannot (C, 2))`` of the sample."""
    rng = np.random.default_rng(cfg.first_seed)
    truth = pq.read_table(cfg.truth, columns=[UID, "modality", "anatomical_region"]).to_pandas()
    truth = truth.drop_duplicates(UID).set_index(UID)
    dset = pads.dataset(rr.path(IMAGES), filesystem=rr.fs, format="parquet")
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
    return (
        uids,
        x,
        t["modality"].to_numpy(object),
        t["anatomical_region"].to_numpy(object),
        idx(must_u),
        idx(cannot_u),
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
