"""Vectors for every kept report: a callable class that loads the embedder once per Ray Data actor.

Input rows come from the token table (accession_key, tokens, n_chars, excluded); excluded rows are
dropped inside the actor, so the output holds exactly one row per kept report:
``accession_key`` (str), ``embedding`` (fixed-shape float32 tensor ``[dim]``), ``model_version`` (str).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pyarrow as pa

from pacslabel.reports.embedders import ReportEmbedder, load_embedder

log = logging.getLogger(__name__)


def embed_tokens(embedder: ReportEmbedder, table: pa.Table, model_version: str) -> dict[str, np.ndarray]:
    """Batch wrapper: kept rows of a token table -> {accession_key, embedding [n, d], model_version}."""
    excluded = table.column("excluded")
    if excluded.null_count != len(table):
        import pyarrow.compute as pc

        table = table.filter(pc.is_null(excluded))
    keys = table.column("accession_key").to_pylist()
    docs = table.column("tokens").to_pylist()
    vectors = embedder.transform(docs) if docs else np.zeros((0, embedder.dim), np.float32)
    return {
        "accession_key": np.array(keys, dtype=object),
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


def embed_dataset(
    tokens_uri: str,
    model_uri: str,
    model_version: str,
    actors: int = 2,
    cpus_per_actor: float = 1.0,
    batch_size: int = 1024,
):
    """Lazy Ray Dataset of report embeddings over the token table (``compute=ActorPoolStrategy``)."""
    import ray

    ds = ray.data.read_parquet(tokens_uri, columns=["accession_key", "tokens", "excluded"])
    return ds.map_batches(
        EmbedReports,
        fn_constructor_kwargs={"model_uri": model_uri, "model_version": model_version},
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=max(1, actors)),
        num_cpus=cpus_per_actor,
    )


def embed_loop(tokens_uri: str, model_uri: str, model_version: str, batch_size: int = 1024):
    """Plain single-process loop over the token table (the baseline for the Ray Data path)."""
    from pacslabel.reports.corpus import parquet_files

    embedder = load_embedder(model_uri)
    fs, files = parquet_files(tokens_uri)
    import pyarrow.parquet as pq

    for path in files:
        with fs.open_input_file(path) as f:
            for batch in pq.ParquetFile(f).iter_batches(
                batch_size=batch_size, columns=["accession_key", "tokens", "excluded"]
            ):
                yield embed_tokens(embedder, pa.Table.from_batches([batch]), model_version)
