"""The ``map_batches`` callables of the text stage: cleaning, and the embedder loaded once per actor.

Embedding input rows come from the token table (accession_key, tokens, n_chars, excluded); excluded
rows are dropped inside the actor, so the output holds exactly one row per kept report:
``accession_key`` (str), ``embedding`` (fixed-shape float32 tensor ``[dim]``), ``model_version`` (str).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pacslabel.runroot import ACCESSION_KEY
from pacslabel.text.clean import clean_table
from pacslabel.text.config import CleanConfig
from pacslabel.text.embedders import ReportEmbedder, load_embedder

log = logging.getLogger(__name__)


def clean_batch(batch: pa.Table, cfg: dict) -> pa.Table:
    """``map_batches`` form of :func:`~pacslabel.text.clean.clean_table` (``cfg`` as a plain dict so it
    pickles small)."""
    return clean_table(batch, CleanConfig(**cfg))


def embed_tokens(embedder: ReportEmbedder, table: pa.Table, model_version: str) -> dict[str, np.ndarray]:
    """Batch wrapper: kept rows of a token table -> {accession_key, embedding [n, d], model_version}."""
    excluded = table.column("excluded")
    if excluded.null_count != len(table):
        table = table.filter(pc.is_null(excluded))
    keys = table.column(ACCESSION_KEY).to_pylist()
    docs = table.column("tokens").to_pylist()
    vectors = embedder.transform(docs) if docs else np.zeros((0, embedder.dim), np.float32)
    return {
        ACCESSION_KEY: np.array(keys, dtype=object),
        "embedding": vectors.astype(np.float32, copy=False),
        "model_version": np.array([model_version] * len(keys), dtype=object),
    }


class EmbedReports:
    """``map_batches`` callable: the embedder is loaded once in ``__init__`` (once per actor)."""

    def __init__(self, model_uri: str, model_version: str):
        t0 = time.perf_counter()
        self.embedder = load_embedder(model_uri)
        self.model_version = model_version
        log.info("loaded %s from %s in %.2fs", self.embedder.name, model_uri, time.perf_counter() - t0)

    def __call__(self, batch: pa.Table) -> dict[str, np.ndarray]:
        return embed_tokens(self.embedder, batch, self.model_version)
