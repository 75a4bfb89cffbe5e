"""Embed every row of images/ or features/tags/ with a trained model → ``embeddings/<source>/``.

Ray Data ``map_batches`` with an actor pool: each actor loads the model once; GPU actors take one GPU
and an integer batch size. The output is written to a new segment of the table and committed as the
whole table (:mod:`pacslabel.commits`), so a re-run replaces the previous embeddings instead of adding
rows twice, and a killed run leaves them as they were.
"""

from __future__ import annotations

from pacslabel.config import ConfigError
from pacslabel.embed.batches import Embedder
from pacslabel.embed.config import EmbedConfig
from pacslabel.models.store import DEC_KINDS, embedding_model
from pacslabel.runroot import FEATURES_TAGS, IMAGES, MODELS, UID, RunRoot, Tables, embeddings_table, model_dir


def tables(cfg: EmbedConfig) -> Tables:
    """What embedding ``cfg.source`` with ``cfg.model_name`` reads and writes."""
    source = IMAGES if cfg.source == "images" else FEATURES_TAGS
    return Tables(reads=(source, model_dir(cfg.model_name)), writes=(embeddings_table(cfg.source),))


def run_embed(cfg: EmbedConfig) -> dict:
    """Embed every row of the source table; returns counts, model version and the device used."""
    import ray

    rr = RunRoot(cfg.run_root)
    table = IMAGES if cfg.source == "images" else FEATURES_TAGS
    column = "pixels" if cfg.source == "images" else "features"
    if not rr.has_table(table):
        raise FileNotFoundError(f"{rr.uri_of(table)} has no Parquet files")
    name = cfg.model_name
    meta = rr.read_json(MODELS, name, "meta.json")
    if (meta["kind"] == "tag_ae") != (cfg.source == "tags"):
        raise ConfigError(f"model: {name!r} is a {meta['kind']} model, it cannot embed source={cfg.source}")
    use_gpu = cfg.use_gpu
    if use_gpu is None:
        use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
    ds = rr.read_parquet(table, columns=[UID, column])
    out = ds.map_batches(
        Embedder,
        fn_constructor_kwargs={"run_root": rr.uri, "name": name, "use_gpu": use_gpu, "bf16": cfg.bf16},
        batch_size=cfg.batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(min_size=cfg.min_actors, max_size=cfg.max_actors),
        num_cpus=cfg.cpus_per_actor,
        num_gpus=1 if use_gpu else 0,
    )
    final = embeddings_table(cfg.source)
    segment = rr.new_segment(final)
    out.write_parquet(rr.uri_of(segment), min_rows_per_file=min(cfg.rows_per_file, 10_000))
    written = rr.count_rows(segment)
    rows_in = rr.count_rows(table)
    if written != rows_in:
        raise RuntimeError(f"embedding wrote {written} rows for {rows_in} input rows; left uncommitted")
    rr.commit(final, segment)
    return {
        "source": cfg.source,
        "model": name,
        "model_version": meta["model_version"],
        "rows": written,
        "output": rr.uri_of(final),
        "use_gpu": bool(use_gpu),
        "soft_assignment": meta["kind"] in DEC_KINDS,
    }


def new_embeddings(steps, source: str) -> int:
    """embeddings/<source>/ rows of the images or tag features that ``steps`` (relabel's increments)
    finds new, with the frozen model."""
    table, column = (IMAGES, "pixels") if source == "images" else (FEATURES_TAGS, "features")
    target = embeddings_table(source)
    if not steps.rr.has_table(table):
        return 0
    model = embedding_model(steps.rr, source)
    inc = steps.increment(table, UID, target)
    if inc is None:
        return 0
    out = steps.apply(
        inc, Embedder, [UID, column], batch_format="numpy", gpu=True, run_root=steps.rr.uri, name=model
    )
    return steps.append(out, target)
