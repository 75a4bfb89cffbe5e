"""doc2vec report embedders (gensim): PV-DM and PV-DBOW.

doc2vec inference is made repeatable: before each document the model's random state is reseeded from
``seed`` and the document's words, so a vector does not depend on which other documents share its
batch or on the order of calls.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from pacslabel.text.base import ReportEmbedder, doc_words
from pacslabel.text.corpus import TaggedList

log = logging.getLogger(__name__)


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
            out[i] = self.infer(doc_words(d), epochs)
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
