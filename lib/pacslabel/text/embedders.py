"""Report embedders with the estimator contract: bag of words, TF-IDF, doc2vec PV-DM and PV-DBOW.

Every embedder takes cleaned reports as token lists:

- ``fit(corpus)`` takes a restartable iterable of token lists (or ``TaggedDocument``s, e.g. a
  :class:`~pacslabel.text.corpus.ParquetCorpus`) and returns ``self``; learned state ends in ``_``;
- ``transform(docs)`` maps a list of token lists to a float32 array ``[n, dim_]``;
- ``save(dir)`` / ``load(dir)`` write and read ``embedder.json`` plus the weights in a local directory
  (:func:`save_embedder` / :func:`load_embedder` also accept pyarrow filesystem URIs).

The vocabulary keeps words occurring at least ``min_count`` times in the training corpus (paper 003,
Table 2: "minimum word frequency"). The doc2vec embedders are in :mod:`pacslabel.text.doc2vec`.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow.fs as pafs

from pacslabel.storage import from_uri, is_uri
from pacslabel.text.base import ReportEmbedder, WordLists, doc_words
from pacslabel.text.clean import build_vocab, count_words
from pacslabel.text.config import EMBEDDERS
from pacslabel.text.doc2vec import PVDBOWEmbedder, PVDMEmbedder

__all__ = [
    "BowEmbedder",
    "PVDBOWEmbedder",
    "PVDMEmbedder",
    "ReportEmbedder",
    "SparseEmbedder",
    "TfidfEmbedder",
    "load_embedder",
    "make_embedder",
    "save_embedder",
]

log = logging.getLogger(__name__)


class SparseEmbedder(ReportEmbedder):
    """Bag of words (raw counts) or TF-IDF (smoothed idf, L2-normalised rows), optionally reduced with
    truncated SVD fitted on the first ``svd_max_rows`` training documents."""

    weighting: ClassVar[str] = "count"

    def __init__(
        self,
        min_count: int = 5,
        max_features: int = 2000,
        svd_components: int = 0,
        svd_max_rows: int = 50_000,
        seed: int = 0,
    ):
        super().__init__(
            min_count=min_count,
            max_features=max_features,
            svd_components=svd_components,
            svd_max_rows=svd_max_rows,
            seed=seed,
        )

    def fit(self, corpus: Iterable) -> SparseEmbedder:
        p = self.params
        docs = WordLists(corpus)
        counts = count_words(docs)
        vocab = build_vocab(counts, p["min_count"], p["max_features"])
        if not vocab:
            raise ValueError(f"no word occurs at least min_count={p['min_count']} times in the corpus")
        self.vocabulary_ = {w: i for i, w in enumerate(vocab)}
        df = np.zeros(len(vocab), dtype=np.int64)
        n = 0
        for d in docs:
            n += 1
            idx = {self.vocabulary_[w] for w in d if w in self.vocabulary_}
            if idx:
                df[list(idx)] += 1
        self.n_docs_ = n
        self.idf_ = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        self.components_ = None
        if p["svd_components"]:
            from sklearn.decomposition import TruncatedSVD

            sample = []
            for d in docs:
                sample.append(d)
                if len(sample) >= p["svd_max_rows"]:
                    break
            k = min(p["svd_components"], len(vocab) - 1)
            svd = TruncatedSVD(n_components=k, random_state=p["seed"]).fit(self.transform_sparse(sample))
            self.components_ = svd.components_.astype(np.float32)
        self.dim_ = len(vocab) if self.components_ is None else self.components_.shape[0]
        return self

    def transform_sparse(self, docs: Sequence):
        """CSR matrix ``[n, vocabulary size]`` of counts (bow) or L2-normalised TF-IDF (tfidf)."""
        from scipy import sparse

        rows, cols = [], []
        for i, d in enumerate(docs):
            for w in doc_words(d):
                j = self.vocabulary_.get(w)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        data = np.ones(len(rows), dtype=np.float32)
        m = sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(docs), len(self.vocabulary_)), dtype=np.float32
        )
        m.sum_duplicates()
        if self.weighting == "tfidf":
            m = m @ sparse.diags(self.idf_)
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
            norms[norms == 0] = 1.0
            m = sparse.diags(1.0 / norms) @ m
        return m.tocsr().astype(np.float32)

    def transform(self, docs: Sequence) -> np.ndarray:
        m = self.transform_sparse(docs)
        if self.components_ is not None:
            return np.asarray(m @ self.components_.T, dtype=np.float32)
        return m.toarray().astype(np.float32)

    def _vocab_set(self) -> set[str]:
        return set(self.vocabulary_)

    def _state(self) -> dict[str, Any]:
        return {"n_docs": self.n_docs_}

    def _save_weights(self, path: Path) -> None:
        words = sorted(self.vocabulary_, key=self.vocabulary_.get)
        (path / "vocabulary.json").write_text(json.dumps(words, ensure_ascii=False))
        arrays = {"idf": self.idf_}
        if self.components_ is not None:
            arrays["components"] = self.components_
        np.savez(path / "weights.npz", **arrays)

    def _load_weights(self, path: Path, state: dict[str, Any]) -> None:
        words = json.loads((path / "vocabulary.json").read_text())
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        with np.load(path / "weights.npz") as z:
            self.idf_ = z["idf"]
            self.components_ = z["components"] if "components" in z.files else None
        self.n_docs_ = state["n_docs"]


class BowEmbedder(SparseEmbedder):
    name = "bow"
    weighting = "count"


class TfidfEmbedder(SparseEmbedder):
    name = "tfidf"
    weighting = "tfidf"


def make_embedder(name: str, **params: Any) -> ReportEmbedder:
    """An unfitted embedder by name (``bow``, ``tfidf``, ``pv_dm``, ``pv_dbow``)."""
    if name not in ReportEmbedder.registry:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
    return ReportEmbedder.registry[name](**params)


def _split_uri(uri: str):

    return from_uri(uri) if is_uri(uri) else (None, uri)


def save_embedder(embedder: ReportEmbedder, uri: str) -> None:
    """Save to a local directory or a filesystem URI (written locally, then copied)."""
    fs, path = _split_uri(uri)
    if fs is None:
        embedder.save(path)
        return

    with tempfile.TemporaryDirectory() as tmp:
        embedder.save(tmp)
        fs.create_dir(path, recursive=True)
        pafs.copy_files(tmp, path, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)


def load_embedder(uri: str) -> ReportEmbedder:
    """Load from a local directory or a filesystem URI (copied to a temporary directory)."""
    fs, path = _split_uri(uri)
    if fs is None:
        return ReportEmbedder.load(path)

    tmp = tempfile.mkdtemp(prefix="pacslabel-reports-")
    try:
        pafs.copy_files(path, tmp, source_filesystem=fs, destination_filesystem=pafs.LocalFileSystem())
        return ReportEmbedder.load(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
