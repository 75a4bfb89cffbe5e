"""Constraint-aware batch sampler (paper 000, section 3.3): every minibatch holds both ends of at
least ``pairs_per_batch`` must-link and ``pairs_per_batch`` cannot-link pairs.

Gower constraints have no classes, so batches are seeded from the constraint graph: draw pairs of each
kind, add their end points, fill the rest of the batch with distinct random rows. Pairs that land in
the batch by chance are found by :func:`pairs_in_batch` and used too. No transitive closure is built.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

log = logging.getLogger(__name__)


def pairs_in_batch(batch: np.ndarray, pairs: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``pairs`` (global indices, ``(M, 2)``) with both ends in ``batch``, as batch positions."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if pairs.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    pos[batch] = np.arange(len(batch))
    local = pos[pairs]
    keep = (local >= 0).all(axis=1) & (local[:, 0] != local[:, 1])
    return local[keep]


class ConstraintBatchSampler:
    """Yield index arrays of ``batch_size`` distinct rows out of ``n``, each holding both ends of at
    least ``min(pairs_per_batch, available)`` distinct must-link and cannot-link pairs.

    ``must`` / ``cannot``: int arrays ``(M, 2)`` of row indices. ``num_batches`` defaults to
    ``ceil(n / batch_size)`` (one epoch). Counters ``stats`` report the pairs per batch seen.
    """

    def __init__(
        self,
        n: int,
        must: np.ndarray,
        cannot: np.ndarray,
        batch_size: int,
        pairs_per_batch: int = 1,
        num_batches: int | None = None,
        seed: int = 0,
    ):
        self.n = int(n)
        self.must = np.asarray(must, dtype=np.int64).reshape(-1, 2)
        self.cannot = np.asarray(cannot, dtype=np.int64).reshape(-1, 2)
        self.must = self.must[self.must[:, 0] != self.must[:, 1]]
        self.cannot = self.cannot[self.cannot[:, 0] != self.cannot[:, 1]]
        if len(self.must) == 0 or len(self.cannot) == 0:
            raise ValueError("the sampler needs at least one must-link and one cannot-link pair")
        if batch_size < 4 * pairs_per_batch or batch_size > self.n:
            raise ValueError(f"batch_size {batch_size} must be in [4 × pairs_per_batch, n={self.n}]")
        self.batch_size = int(batch_size)
        self.pairs_per_batch = int(pairs_per_batch)
        self.num_batches = num_batches or -(-self.n // self.batch_size)
        self.rng = np.random.default_rng(seed)
        self.stats = {"batches": 0, "must_pairs": 0, "cannot_pairs": 0, "min_must": None, "min_cannot": None}

    def __len__(self) -> int:
        return self.num_batches

    def _draw(self) -> np.ndarray:
        chosen: list[int] = []
        seen: set[int] = set()
        for pairs in (self.must, self.cannot):
            take = min(self.pairs_per_batch, len(pairs))
            for r in self.rng.choice(len(pairs), size=take, replace=False):
                new = [int(v) for v in pairs[r] if int(v) not in seen]
                chosen += new
                seen.update(new)
        fill = self.batch_size - len(chosen)
        if fill:
            mask = np.ones(self.n, dtype=bool)
            mask[chosen] = False
            rest = np.flatnonzero(mask)
            chosen += self.rng.choice(rest, size=fill, replace=False).tolist()
        batch = np.asarray(chosen, dtype=np.int64)
        self.rng.shuffle(batch)
        return batch

    def __iter__(self) -> Iterator[np.ndarray]:
        for _ in range(self.num_batches):
            batch = self._draw()
            ml = len(pairs_in_batch(batch, self.must, self.n))
            cl = len(pairs_in_batch(batch, self.cannot, self.n))
            s = self.stats
            s["batches"] += 1
            s["must_pairs"] += ml
            s["cannot_pairs"] += cl
            s["min_must"] = ml if s["min_must"] is None else min(s["min_must"], ml)
            s["min_cannot"] = cl if s["min_cannot"] is None else min(s["min_cannot"], cl)
            yield batch
