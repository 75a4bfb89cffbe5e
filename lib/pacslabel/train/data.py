"""Inputs of training read from the run root: streamed image / tag datasets, bounded constraint pool."""

from __future__ import annotations

import logging

import numpy as np
import pyarrow as pa

from pacslabel.imagecol import PIXELS, pixels_as_tensor, pixels_to_numpy
from pacslabel.runroot import CONSTRAINTS, FEATURES_TAGS, IMAGES, UID, RunRoot
from pacslabel.train.batches import rows_with_uids, sample_rows, split_rows

log = logging.getLogger(__name__)


def _split(ds, fraction: float, keep_val: bool):
    kwargs = {"fraction": fraction, "keep_val": keep_val}
    return ds.map_batches(split_rows, fn_kwargs=kwargs, batch_format="pyarrow", batch_size=4096)


def table_datasets(run_root: RunRoot, table: str, column: str, val_fraction: float = 0.0, max_rows: int = 0):
    """``{"train": ds[, "val": ds]}`` of the single column ``column`` streamed from ``table``; with
    ``max_rows``, about that many rows drawn by uid hash from the whole table (not its first rows, which
    follow the dump's folder order)."""
    if not run_root.has_table(table):
        raise FileNotFoundError(
            f"{run_root.uri_of(table)} has no Parquet files (run the stage that writes it)"
        )
    ds = run_root.read_parquet(table, columns=[UID, column])
    n_rows = run_root.dataset(table).count_rows() if max_rows else 0
    if n_rows > max_rows:
        share = {"share": max_rows / n_rows}
        ds = ds.map_batches(sample_rows, fn_kwargs=share, batch_format="pyarrow", batch_size=4096)
    if column == PIXELS:
        ds = ds.map_batches(pixels_as_tensor, batch_format="pyarrow")
    out = {}
    if val_fraction > 0:
        out["train"] = _split(ds, val_fraction, keep_val=False).select_columns([column])
        out["val"] = _split(ds, val_fraction, keep_val=True).select_columns([column])
    else:
        out["train"] = ds.select_columns([column])
    return out


def image_datasets(run_root: RunRoot, val_fraction: float = 0.0, max_rows: int = 0):
    return table_datasets(run_root, IMAGES, PIXELS, val_fraction, max_rows)


def tag_datasets(run_root: RunRoot, val_fraction: float = 0.0, max_rows: int = 0):
    return table_datasets(run_root, FEATURES_TAGS, "features", val_fraction, max_rows)


def feature_width(run_root: RunRoot) -> int:
    """Length of the ``features`` vectors of features/tags/."""
    dset = run_root.dataset(FEATURES_TAGS)
    head = dset.head(1, columns=["features"])
    if head.num_rows == 0:
        raise ValueError("features/tags/ is empty")
    col = head.column("features").combine_chunks()
    if hasattr(col, "to_numpy_ndarray"):
        return int(col.to_numpy_ndarray().reshape(1, -1).shape[1])
    return len(col[0].as_py())


def read_constraints(run_root: RunRoot, max_constraints: int, seed: int = 0):
    """Up to ``max_constraints // 2`` must-link and cannot-link pairs each (uniform reservoir samples,
    streamed over the table in record batches). Returns ``(must, cannot)``: lists of (i, j) uid tuples."""
    if not run_root.has_table(CONSTRAINTS):
        raise FileNotFoundError(f"{run_root.uri_of(CONSTRAINTS)} has no Parquet files")
    rng = np.random.default_rng(seed)
    cap = max(1, max_constraints // 2)
    pools: dict[str, list] = {"must": [], "cannot": []}
    seen = {"must": 0, "cannot": 0}
    dset = run_root.dataset(CONSTRAINTS)
    for rb in dset.to_batches(columns=["i", "j", "kind"]):
        d = rb.to_pydict()
        for a, b, kind in zip(d["i"], d["j"], d["kind"], strict=True):
            if kind not in pools or a == b:
                continue
            seen[kind] += 1
            if len(pools[kind]) < cap:
                pools[kind].append((a, b))
            else:
                r = rng.integers(seen[kind])
                if r < cap:
                    pools[kind][r] = (a, b)
    log.info(
        "constraints read: %s seen, %d must / %d cannot kept", seen, len(pools["must"]), len(pools["cannot"])
    )
    return pools["must"], pools["cannot"]


def fetch_images(run_root: RunRoot, uids: set[str]) -> dict[str, np.ndarray]:
    """Pixels of the given uids (a bounded set), read with a filtered Ray Data pass over images/."""
    wanted = pa.array(sorted(uids), type=pa.string())
    ds = run_root.read_parquet(IMAGES, columns=[UID, PIXELS])
    out: dict[str, np.ndarray] = {}
    kept = ds.map_batches(
        rows_with_uids, fn_kwargs={"wanted": wanted}, batch_format="pyarrow", batch_size=1024
    )
    for b in kept.iter_batches(batch_format="pyarrow"):
        for u, px in zip(b[UID].to_pylist(), pixels_to_numpy(b[PIXELS]), strict=True):
            out[u] = px.copy()
    return out


def constraint_pool(
    run_root: RunRoot, max_constraints: int, seed: int = 0, sample_uids: set[str] | None = None
):
    """Images of the constraint end points and the pairs as pool indices: ``(images, must, cannot, uids)``.

    Only pairs whose two images exist (and, when ``sample_uids`` is given, are in it) are kept.
    """
    must, cannot = read_constraints(run_root, max_constraints, seed)
    ends = {u for pair in must + cannot for u in pair}
    if sample_uids is not None:
        ends &= sample_uids
    pixels = fetch_images(run_root, ends)
    uids = sorted(pixels)
    pos = {u: k for k, u in enumerate(uids)}

    def to_idx(pairs):
        idx = [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos]
        return np.asarray(idx, dtype=np.int64).reshape(-1, 2)

    images = np.stack([pixels[u] for u in uids]) if uids else np.zeros((0, 1, 1), np.uint8)
    return images, to_idx(must), to_idx(cannot), uids
