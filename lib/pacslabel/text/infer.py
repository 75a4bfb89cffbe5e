"""Report vectors over the whole token table: on a Ray Data actor pool, or in one plain loop."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from pacslabel.runroot import ACCESSION_KEY
from pacslabel.text.batches import EmbedReports, embed_tokens
from pacslabel.text.corpus import parquet_files
from pacslabel.text.embedders import load_embedder


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

    ds = ray.data.read_parquet(tokens_uri, columns=[ACCESSION_KEY, "tokens", "excluded"])
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

    embedder = load_embedder(model_uri)
    fs, files = parquet_files(tokens_uri)

    for path in files:
        with fs.open_input_file(path) as f:
            for batch in pq.ParquetFile(f).iter_batches(
                batch_size=batch_size, columns=[ACCESSION_KEY, "tokens", "excluded"]
            ):
                yield embed_tokens(embedder, pa.Table.from_batches([batch]), model_version)
