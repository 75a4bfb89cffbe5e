"""Callables handed to ``map_batches`` by the training inputs: the validation split and a uid filter."""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pacslabel.runroot import UID
from pacslabel.splits import unit_hash

SAMPLE_SEED = 0
"""Seed of the row sample that ``max_rows`` draws (fixed: a resumed run trains on the same rows)."""


def in_validation(uids, fraction: float) -> np.ndarray:
    """Deterministic validation membership from a CRC32 of the uid (stable across runs and workers)."""
    cut = round(fraction * 10_000)
    return np.array([zlib.crc32(str(u).encode()) % 10_000 < cut for u in uids], dtype=bool)


def split_rows(batch: pa.Table, fraction: float, keep_val: bool) -> pa.Table:
    """The rows of ``batch`` in the validation split (``keep_val``) or in the training split."""
    mask = in_validation(batch[UID].to_pylist(), fraction)
    return batch.filter(pa.array(mask if keep_val else ~mask))


def sample_rows(batch: pa.Table, share: float) -> pa.Table:
    """The rows of ``batch`` whose uid hashes below ``share``: a sample spread over the whole table,
    the same in every run and on every worker, and independent of the validation split's CRC32."""
    return batch.filter(pa.array(unit_hash(batch[UID].to_pylist(), SAMPLE_SEED) < share))


def rows_with_uids(batch: pa.Table, wanted: pa.Array) -> pa.Table:
    """The rows of ``batch`` whose uid is in ``wanted``."""
    return batch.filter(pc.is_in(batch[UID], value_set=wanted))
