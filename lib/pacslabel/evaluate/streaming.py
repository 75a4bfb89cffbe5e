"""Embedding-table passes with bounded memory: exact intra-cluster cosine distance and row samples.

Cosine distance to the cluster mean needs the means first, so it is two streamed passes over the
embedding table; the state is one (clusters × d) sum per label set. Report embeddings are keyed by
accession_key: each study's vector counts once for every labelled instance of that study.
"""

from __future__ import annotations

import logging

import numpy as np

from pacslabel.evaluate.frame import InstanceFrame
from pacslabel.evaluate.tables import iter_batches, tensor_to_numpy
from pacslabel.runroot import ACCESSION_KEY, UID, RunRoot, embeddings_table

log = logging.getLogger(__name__)


class _Mapper:
    """Maps a batch of embedding rows to (row in batch, label index, weight) triples."""

    def __init__(self, frame: InstanceFrame, label_sets: list[np.ndarray], source: str):
        self.frame = frame
        self.label_sets = label_sets
        self.by_accession = source == "reports"
        self.key = ACCESSION_KEY if self.by_accession else UID
        if self.by_accession:
            acc = frame.codes[ACCESSION_KEY]
            ok = acc >= 0
            self.pairs = []
            for labels in label_sets:
                k = int(labels.max()) + 1 if labels.size else 1
                combo = acc[ok].astype(np.int64) * k + labels[ok]
                uniq, counts = np.unique(combo, return_counts=True)
                self.pairs.append((uniq // k, uniq % k, counts.astype(np.float64)))

    def __call__(self, batch) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        keys = batch.column(self.key)
        if not self.by_accession:
            pos = self.frame.positions(keys)
            rows = np.flatnonzero(pos >= 0)
            w = np.ones(rows.size)
            return [(rows, labels[pos[rows]], w) for labels in self.label_sets]
        codes = self.frame.books[ACCESSION_KEY].lookup(keys.to_numpy(zero_copy_only=False))
        out = []
        for acc, lab, cnt in self.pairs:
            lo = np.searchsorted(acc, codes, side="left")
            hi = np.searchsorted(acc, codes, side="right")
            hi = np.where(codes >= 0, hi, lo)
            n = hi - lo
            rows = np.repeat(np.arange(codes.size), n)
            starts = np.repeat(lo - np.cumsum(n) + n, n)
            pair_idx = starts + np.arange(rows.size)
            out.append((rows, lab[pair_idx], cnt[pair_idx]))
        return out


def _group_sum(lab: np.ndarray, rows: np.ndarray, w: np.ndarray, k: int, x: np.ndarray) -> np.ndarray:
    """(k × d) sums of ``w * x[rows]`` per label, as a sparse (k × batch) one-hot product."""
    from scipy import sparse

    onehot = sparse.csr_matrix((w, (lab, rows)), shape=(k, x.shape[0]))
    return np.asarray(onehot @ x)


def streamed_cosine_distance(
    root: RunRoot,
    frame: InstanceFrame,
    source: str,
    label_sets: list[np.ndarray],
    batch_rows: int = 65_536,
) -> dict:
    """Mean over instances of 1 - cos(x, mean of its cluster), for each label set (dense 0..K-1).

    Equal to :func:`pacslabel.metrics.mean_cosine_distance_to_centroid` on the instances that have a
    vector (rows with zero norm count as distance 1, as there).
    """
    table = embeddings_table(source)
    mapper = _Mapper(frame, label_sets, source)
    sums: list[np.ndarray | None] = [None] * len(label_sets)
    counts = [np.zeros(int(lab.max()) + 1 if lab.size else 1) for lab in label_sets]
    for batch in iter_batches(root, table, [mapper.key, "embedding"], batch_rows):
        x = tensor_to_numpy(batch.column("embedding")).reshape(batch.num_rows, -1).astype(np.float64)
        for i, (rows, lab, w) in enumerate(mapper(batch)):
            if sums[i] is None:
                sums[i] = np.zeros((counts[i].size, x.shape[1]))
            sums[i] += _group_sum(lab, rows, w, counts[i].size, x)
            counts[i] += np.bincount(lab, weights=w, minlength=counts[i].size)
    if sums[0] is None or counts[0].sum() == 0:
        return {"n": 0, "values": [float("nan")] * len(label_sets)}
    centres = [s / np.maximum(c, 1)[:, None] for s, c in zip(sums, counts, strict=True)]
    cnorm = [np.linalg.norm(c, axis=1) for c in centres]
    totals = np.zeros(len(label_sets))
    for batch in iter_batches(root, table, [mapper.key, "embedding"], batch_rows):
        x = tensor_to_numpy(batch.column("embedding")).reshape(batch.num_rows, -1).astype(np.float64)
        xnorm = np.linalg.norm(x, axis=1)
        for i, (rows, lab, w) in enumerate(mapper(batch)):
            num = np.einsum("ij,ij->i", x[rows], centres[i][lab])
            den = xnorm[rows] * cnorm[i][lab]
            cos = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
            totals[i] += float(np.sum(w * (1.0 - cos)))
    n = float(counts[0].sum())
    return {"n": int(n), "values": [float(t / n) for t in totals]}


def gather_sample(
    root: RunRoot, frame: InstanceFrame, source: str, sample_pos: np.ndarray, batch_rows: int = 65_536
) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of the frame rows ``sample_pos`` (uid-keyed sources), in the order given.

    Returns (positions found, vectors); rows without a vector are dropped.
    """
    rank = np.full(frame.n, -1, dtype=np.int64)
    rank[sample_pos] = np.arange(sample_pos.size)
    found_rank, found_x = [], []
    for batch in iter_batches(root, embeddings_table(source), [UID, "embedding"], batch_rows):
        pos = frame.positions(batch.column(UID))
        r = np.where(pos >= 0, rank[np.maximum(pos, 0)], -1)
        keep = np.flatnonzero(r >= 0)
        if keep.size == 0:
            continue
        x = tensor_to_numpy(batch.column("embedding").take(keep)).reshape(keep.size, -1)
        found_rank.append(r[keep])
        found_x.append(x.astype(np.float32))
    if not found_rank:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    ranks = np.concatenate(found_rank)
    xs = np.concatenate(found_x)
    ranks, first = np.unique(ranks, return_index=True)
    return sample_pos[ranks], xs[first]
