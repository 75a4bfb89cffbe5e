"""The base of every report embedder: parameters, the estimator contract, and ``embedder.json`` persistence.

Subclasses register under their ``name``, which :meth:`ReportEmbedder.load` reads back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np


def doc_words(doc: Any) -> list[str]:
    return list(doc.words) if hasattr(doc, "words") else list(doc)


class WordLists:
    """Restartable view of a corpus as plain token lists."""

    def __init__(self, corpus: Iterable):
        self.corpus = corpus

    def __iter__(self):
        for d in self.corpus:
            yield doc_words(d)


class ReportEmbedder:
    """Base class: parameters in ``params``, learned state in attributes ending in ``_``."""

    name: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[ReportEmbedder]]] = {}

    def __init_subclass__(cls, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        if cls.name:
            ReportEmbedder.registry[cls.name] = cls

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
        return np.array([sum(1 for w in doc_words(d) if w in vocab) for d in docs], dtype=np.int64)

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
        klass = ReportEmbedder.registry[meta["embedder"]]
        if cls is not ReportEmbedder and klass is not cls and not issubclass(klass, cls):
            raise TypeError(f"{path} holds a {meta['embedder']} embedder, not {cls.name}")
        obj = klass(**meta["params"])
        obj.dim_ = meta["dim"]
        obj._load_weights(path, meta["state"])
        return obj
