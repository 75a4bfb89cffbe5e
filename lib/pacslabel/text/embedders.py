"""Report embedders with the estimator contract: bag of words, TF-IDF, doc2vec PV-DM and PV-DBOW.

Every embedder takes cleaned reports as token lists:

- ``fit(corpus)`` takes a restartable iterable of token lists (or ``TaggedDocument``s, e.g. a
  :class:`~pacslabel.text.corpus.ParquetCorpus`) and returns ``self``; learned state ends in ``_``;
- ``transform(docs)`` maps a list of token lists to a float32 array ``[n, dim_]``;
- ``save(dir)`` / ``load(dir)`` write and read ``embedder.json`` plus the weights in a local directory
  (:func:`save_embedder` / :func:`load_embedder` also accept pyarrow filesystem URIs).

The vocabulary keeps words occurring at least ``min_count`` times in the training corpus (paper 003,
Table 2: "minimum word frequency"). doc2vec inference is made repeatable: before each document the
model's random state is reseeded from ``seed`` and the document's words, so a vector does not
depend on which other documents share its batch or on the order of calls.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from pacslabel.text.clean import build_vocab, count_words
from pacslabel.text.config import EMBEDDERS

log = logging.getLogger(__name__)


def _words(doc: Any) -> list[str]:
    return list(doc.words) if hasattr(doc, "words") else list(doc)


class _Words:
    """Restartable view of a corpus as plain token lists."""

    def __init__(self, corpus: Iterable):
        self.corpus = corpus

    def __iter__(self):
        for d in self.corpus:
            yield _words(d)


class ReportEmbedder:
    """Base class: parameters in ``params``, learned state in attributes ending in ``_``."""

    name: ClassVar[str] = ""

    def __init__(self, **params: Any):
        self.params = params

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    @property
    def dim(self) -> int:
        return int(self.dim_)

    def fit(self, corpus: Iterable) -> ReportEmbedder:
        raise NotImplementedError

    def transform(self, docs: Sequence) -> np.ndarray:
        raise NotImplementedError

    def fit_transform(self, docs: Sequence) -> np.ndarray:
        return self.fit(docs).transform(docs)

    def n_known_words(self, docs: Sequence) -> np.ndarray:
        """Number of in-vocabulary tokens per document (0 = the document's vector carries no signal)."""
        vocab = self._vocab_set()
        return np.array([sum(1 for w in _words(d) if w in vocab) for d in docs], dtype=np.int64)

    def _vocab_set(self) -> set[str]:
        raise NotImplementedError

    # persistence -------------------------------------------------------------------------------
    def _state(self) -> dict[str, Any]:
        return {}

    def _save_weights(self, path: Path) -> None:
        raise NotImplementedError

    def _load_weights(self, path: Path, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def save(self, path: str | os.PathLike[str]) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._save_weights(path)
        meta = {"embedder": self.name, "params": self.params, "dim": self.dim, "state": self._state()}
        (path / "embedder.json").write_text(json.dumps(meta, indent=2, sort_keys=True))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ReportEmbedder:
        path = Path(path)
        meta = json.loads((path / "embedder.json").read_text())
        klass = _REGISTRY[meta["embedder"]]
        if cls is not ReportEmbedder and klass is not cls and not issubclass(klass, cls):
            raise TypeError(f"{path} holds a {meta['embedder']} embedder, not {cls.name}")
        obj = klass(**meta["params"])
        obj.dim_ = meta["dim"]
        obj._load_weights(path, meta["state"])
        return obj


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
        docs = _Words(corpus)
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
            for w in _words(d):
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


class Doc2VecEmbedder(ReportEmbedder):
    """gensim ``Doc2Vec`` trained in iterable mode (never ``corpus_file``: it can skip documents).

    ``dm=1`` is PV-DM, ``dm=0`` PV-DBOW. ``keep_doc_vectors=False`` drops the per-training-document
    vectors after training (4 x vector_size bytes per report; inference does not need them).
    ``infer_epochs`` 0 means the training epochs.
    """

    dm: ClassVar[int] = 1

    def __init__(
        self,
        min_count: int = 5,
        vector_size: int = 100,
        window: int = 5,
        epochs: int = 25,
        negative: int = 5,
        sample: float = 1e-3,
        alpha: float = 0.025,
        min_alpha: float = 0.0001,
        dbow_words: int = 0,
        workers: int = 1,
        seed: int = 0,
        infer_epochs: int = 0,
        keep_doc_vectors: bool = False,
    ):
        super().__init__(
            min_count=min_count,
            vector_size=vector_size,
            window=window,
            epochs=epochs,
            negative=negative,
            sample=sample,
            alpha=alpha,
            min_alpha=min_alpha,
            dbow_words=dbow_words,
            workers=workers,
            seed=seed,
            infer_epochs=infer_epochs,
            keep_doc_vectors=keep_doc_vectors,
        )

    def _new_model(self):
        from gensim.models.doc2vec import Doc2Vec

        p = self.params
        return Doc2Vec(
            dm=self.dm,
            vector_size=p["vector_size"],
            window=p["window"],
            epochs=p["epochs"],
            min_count=p["min_count"],
            negative=p["negative"],
            hs=0,
            sample=p["sample"],
            alpha=p["alpha"],
            min_alpha=p["min_alpha"],
            dbow_words=p["dbow_words"],
            workers=p["workers"],
            seed=p["seed"],
        )

    def fit(self, corpus: Iterable) -> Doc2VecEmbedder:
        from pacslabel.text.corpus import TaggedList

        if isinstance(corpus, list | tuple):
            corpus = TaggedList(corpus)
        model = self._new_model()
        t0 = time.perf_counter()
        model.build_vocab(corpus_iterable=corpus)
        if not len(model.wv):
            raise ValueError(
                f"no word occurs at least min_count={self.params['min_count']} times in the corpus"
            )
        t1 = time.perf_counter()
        model.train(corpus_iterable=corpus, total_examples=model.corpus_count, epochs=model.epochs)
        t2 = time.perf_counter()
        self.train_stats_ = {
            "documents": int(model.corpus_count),
            "words": int(model.corpus_total_words),
            "vocabulary": len(model.wv),
            "vocab_seconds": round(t1 - t0, 3),
            "train_seconds": round(t2 - t1, 3),
            "documents_per_second": round(model.corpus_count * model.epochs / max(t2 - t1, 1e-9), 1),
        }
        self.memory_estimate_ = {k: int(v) for k, v in model.estimate_memory().items()}
        if not self.params["keep_doc_vectors"]:
            model.dv.vectors = np.zeros((0, model.dv.vector_size), dtype=np.float32)
        self.model_ = model
        self.dim_ = model.dv.vector_size
        return self

    def _doc_seed(self, words: list[str]) -> int:
        return (self.params["seed"] * 1_000_003 + zlib.crc32(" ".join(words).encode())) % (2**32)

    def infer(self, words: list[str], epochs: int) -> np.ndarray:
        """gensim's ``infer_vector`` made repeatable across processes.

        gensim seeds the starting vector with Python's ``hash`` of the words, which differs between
        processes (hash randomisation), and draws negative samples from the model's shared random
        state. Here both come from :meth:`_doc_seed`; the update loop is gensim's (same learning-rate
        schedule, words and output layer frozen).
        """
        from gensim.models.doc2vec_inner import train_document_dbow, train_document_dm
        from gensim.models.keyedvectors import pseudorandom_weak_vector

        model = self.model_
        seed = self._doc_seed(words)
        model.random.seed(seed)
        size = model.dv.vector_size
        vec = pseudorandom_weak_vector(size, seed_string=str(seed), hashfxn=int).reshape(1, size)
        lockf = np.ones(1, dtype=np.float32)
        work = np.zeros(model.layer1_size, dtype=np.float32)
        neu1 = np.zeros(model.layer1_size, dtype=np.float32)
        alpha, min_alpha = model.alpha, model.min_alpha
        delta = (alpha - min_alpha) / max(epochs - 1, 1)
        for _ in range(epochs):
            if model.sg:
                train_document_dbow(
                    model, words, [0], alpha, work, learn_words=False, learn_hidden=False,
                    doctag_vectors=vec, doctags_lockf=lockf,
                )  # fmt: skip
            else:
                train_document_dm(
                    model, words, [0], alpha, work, neu1, learn_words=False, learn_hidden=False,
                    doctag_vectors=vec, doctags_lockf=lockf,
                )  # fmt: skip
            alpha -= delta
        return vec[0]

    def transform(self, docs: Sequence) -> np.ndarray:
        epochs = self.params["infer_epochs"] or self.params["epochs"]
        out = np.empty((len(docs), self.dim), dtype=np.float32)
        for i, d in enumerate(docs):
            out[i] = self.infer(_words(d), epochs)
        return out

    def _vocab_set(self):
        return self.model_.wv.key_to_index

    def _state(self) -> dict[str, Any]:
        return {"train_stats": getattr(self, "train_stats_", {})}

    def _save_weights(self, path: Path) -> None:
        self.model_.save(str(path / "doc2vec.model"))

    def _load_weights(self, path: Path, state: dict[str, Any]) -> None:
        from gensim.models.doc2vec import Doc2Vec

        self.model_ = Doc2Vec.load(str(path / "doc2vec.model"))
        self.train_stats_ = state.get("train_stats", {})


class PVDMEmbedder(Doc2VecEmbedder):
    name = "pv_dm"
    dm = 1


class PVDBOWEmbedder(Doc2VecEmbedder):
    name = "pv_dbow"
    dm = 0


_REGISTRY: dict[str, type[ReportEmbedder]] = {
    "bow": BowEmbedder,
    "tfidf": TfidfEmbedder,
    "pv_dm": PVDMEmbedder,
    "pv_dbow": PVDBOWEmbedder,
}


def make_embedder(name: str, **params: Any) -> ReportEmbedder:
    """An unfitted embedder by name (``bow``, ``tfidf``, ``pv_dm``, ``pv_dbow``)."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
    return _REGISTRY[name](**params)


def _split_uri(uri: str):
    from pacslabel.storage import from_uri, is_uri

    return from_uri(uri) if is_uri(uri) else (None, uri)


def save_embedder(embedder: ReportEmbedder, uri: str) -> None:
    """Save to a local directory or a filesystem URI (written locally, then copied)."""
    fs, path = _split_uri(uri)
    if fs is None:
        embedder.save(path)
        return
    import pyarrow.fs as pafs

    with tempfile.TemporaryDirectory() as tmp:
        embedder.save(tmp)
        fs.create_dir(path, recursive=True)
        pafs.copy_files(tmp, path, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)


def load_embedder(uri: str) -> ReportEmbedder:
    """Load from a local directory or a filesystem URI (copied to a temporary directory)."""
    fs, path = _split_uri(uri)
    if fs is None:
        return ReportEmbedder.load(path)
    import pyarrow.fs as pafs

    tmp = tempfile.mkdtemp(prefix="pacslabel-reports-")
    try:
        pafs.copy_files(path, tmp, source_filesystem=fs, destination_filesystem=pafs.LocalFileSystem())
        return ReportEmbedder.load(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
