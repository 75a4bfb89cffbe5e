"""The text stage (job ``reports``): clean report text, train one embedder, embed every kept report, evaluate.

Reads ``reports/`` (accession_key, text) and writes, under the run root:

- ``_work/reports/tokens/``: one row per input report (accession_key, tokens, n_chars, excluded);
- ``models/reports_<embedder>/``: the embedder, ``config.yaml`` and ``meta.json``;
- ``embeddings/reports/``: accession_key, embedding (float32 [d]), model_version - one row per kept
  report.

Training is one Ray task with ``num_cpus = workers`` streaming the token table; inference is a Ray
Data actor pool that loads the model once per actor. Both tables are replaced by committing a new
segment (:mod:`pacslabel.commits`); training and inference read the token segment just committed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections import Counter

import numpy as np
import pyarrow.compute as pc
from pyarrow import fs as pafs

from pacslabel.config import dump_config
from pacslabel.models.store import embedding_model, saved_config
from pacslabel.runroot import (
    ACCESSION_KEY,
    EMBEDDINGS_REPORTS,
    MODELS,
    REPORT_TOKENS,
    REPORTS,
    TAGS,
    RunRoot,
    Tables,
    model_dir,
)
from pacslabel.runtime import init_ray
from pacslabel.text import evaluation
from pacslabel.text.batches import EmbedReports, clean_batch
from pacslabel.text.clean import REASONS
from pacslabel.text.config import TextConfig
from pacslabel.text.corpus import ParquetCorpus
from pacslabel.text.embedders import make_embedder, save_embedder
from pacslabel.text.infer import embed_dataset

log = logging.getLogger(__name__)


def model_name(cfg: TextConfig) -> str:
    """The folder under ``models/`` of the configured embedder."""
    return f"reports_{cfg.embedder}"


def tables(cfg: TextConfig) -> Tables:
    """What the text stage reads and writes."""
    return Tables(reads=(REPORTS,), writes=(REPORT_TOKENS, model_dir(model_name(cfg)), EMBEDDINGS_REPORTS))


def embedder_params(cfg: TextConfig, name: str, workers: int | None = None) -> dict:
    """Constructor parameters of embedder ``name`` from the config."""
    if name in ("bow", "tfidf"):
        return {"min_count": cfg.min_count, "seed": cfg.seed, **dataclasses.asdict(cfg.sparse)}
    return {
        "min_count": cfg.min_count,
        "seed": cfg.seed,
        "workers": cfg.workers if workers is None else workers,
        **dataclasses.asdict(cfg.doc2vec),
    }


def train_embedder(tokens_uri: str, name: str, params: dict, fraction: float, model_uri: str) -> dict:
    """Fit embedder ``name`` on the kept reports of the token table (streamed) and save it."""
    t0 = time.perf_counter()
    emb = make_embedder(name, **params)
    emb.fit(ParquetCorpus(tokens_uri, tagged=True, fraction=fraction))
    t1 = time.perf_counter()
    no_vocab = 0
    n = 0
    vocab = emb._vocab_set()
    for words in ParquetCorpus(tokens_uri, tagged=False, fraction=fraction):
        n += 1
        if not any(w in vocab for w in words):
            no_vocab += 1
    digest = hashlib.sha1(
        json.dumps({"name": name, "params": params, "n": n, "vocab": len(vocab)}, sort_keys=True).encode()
    ).hexdigest()[:12]
    version = f"reports_{name}-{digest}"
    save_embedder(emb, model_uri)
    out = {
        "embedder": name,
        "model_version": version,
        "train_documents": n,
        "train_documents_without_vocabulary_words": no_vocab,
        "vocabulary": len(vocab),
        "dim": emb.dim,
        "fit_seconds": round(t1 - t0, 3),
    }
    if hasattr(emb, "train_stats_"):
        out["gensim"] = emb.train_stats_
        out["memory_estimate_bytes"] = emb.memory_estimate_
    return out


def _clear(run_root, *parts: str) -> None:
    if run_root.fs.get_file_info(run_root.path(*parts)).type != pafs.FileType.NotFound:
        run_root.fs.delete_dir(run_root.path(*parts))


def _column_counts(run_root, table: str, column: str) -> Counter:
    counts: Counter = Counter()
    for batch in run_root.dataset(table).to_batches(columns=[column]):
        counts.update(batch.column(0).to_pylist())
    return counts


def clean_reports(cfg: TextConfig, run_root) -> tuple[dict, str]:
    """Ray Data pass reports/ -> _work/reports/tokens/; returns exclusion counts by reason and the
    committed segment (relative to the run root)."""
    ds = run_root.read_parquet(REPORTS, columns=[ACCESSION_KEY, "text"])
    ds = ds.map_batches(
        clean_batch,
        fn_kwargs={"cfg": dataclasses.asdict(cfg.clean)},
        batch_format="pyarrow",
        batch_size=cfg.clean_batch_size,
    )
    segment = run_root.new_segment(REPORT_TOKENS)
    ds.write_parquet(run_root.uri_of(segment))
    run_root.commit(REPORT_TOKENS, segment)
    counts = _column_counts(run_root, REPORT_TOKENS, "excluded")
    excluded = {r: int(counts.get(r, 0)) for r in REASONS}
    kept = int(counts.get(None, 0))
    return {"input": kept + sum(excluded.values()), "kept": kept, "excluded": excluded}, segment


def tensor_column_to_numpy(arr):
    """A fixed-shape tensor column (Arrow canonical or Ray's extension type) as a 2-D float array."""
    if hasattr(arr, "to_numpy_ndarray"):
        return arr.to_numpy_ndarray()
    return np.stack(arr.to_numpy(zero_copy_only=False))


def evaluate_reports(cfg: TextConfig, run_root) -> dict:
    """Cluster a bounded sample of embeddings/reports/ and score it against truth (tags / truth)."""

    if not run_root.has_table(TAGS):
        return {"skipped": "no tags/ table to take modality and region from"}
    keys, vecs = [], []
    for batch in run_root.dataset(EMBEDDINGS_REPORTS).to_batches(columns=[ACCESSION_KEY, "embedding"]):
        keys.extend(batch.column(0).to_pylist())
        if batch.num_rows:
            vecs.append(tensor_column_to_numpy(batch.column(1)))
        if len(keys) >= cfg.evaluate.max_rows:
            break
    x = np.concatenate(vecs)[: cfg.evaluate.max_rows]
    keys = keys[: cfg.evaluate.max_rows]
    truth = evaluation.truth_by_accession(run_root.dataset(TAGS), keys, cfg.evaluate.truth_path)
    pos = {k: i for i, k in enumerate(keys)}
    truth = truth[truth["modality"].notna()]
    idx = np.array([pos[k] for k in truth[ACCESSION_KEY]], dtype=np.int64)
    if len(idx) < 3 or truth["modality"].nunique() + truth["region"].nunique() < 3:
        return {"skipped": f"too little truth ({len(idx)} reports matched)"}
    x = x[idx]
    modality = truth["modality"].to_numpy(object)
    region = truth["region"].to_numpy(object)
    ev = cfg.evaluate
    if ev.k_select == "truth":
        k = int(max(truth["modality"].nunique(), truth["region"].nunique()))
    elif ev.k_select == "elbow":
        k = evaluation.pick_k_elbow(x, ev.ks, cfg.seed) or ev.k
    else:
        k = ev.k
    k = max(2, min(k, len(idx) - 1))
    out = {
        "rows": len(idx),
        "k_select": ev.k_select,
        **evaluation.cluster_scores(x, modality, region, k, cfg.seed),
    }
    if ev.compare:
        tokens = (
            run_root.dataset(REPORT_TOKENS)
            .to_table(
                columns=[ACCESSION_KEY, "tokens"],
                filter=pc.field(ACCESSION_KEY).isin(truth[ACCESSION_KEY].tolist()),
            )
            .to_pandas()
            .drop_duplicates(ACCESSION_KEY)
            .set_index(ACCESSION_KEY)
        )
        docs = [list(tokens.at[a, "tokens"]) for a in truth[ACCESSION_KEY]]
        embedders = {n: make_embedder(n, **embedder_params(cfg, n)) for n in ev.compare}
        table = evaluation.compare_embedders(docs, modality, region, embedders, k, cfg.seed)
        out["compare"] = table.to_dict(orient="records")
    return out


def run_text(cfg: TextConfig) -> dict:
    """Clean, train, embed, evaluate; returns the summary (counts, timings, scores)."""
    import ray

    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    if not rr.has_table(REPORTS):
        raise FileNotFoundError(f"{rr.uri_of(REPORTS)}: no reports table (accession_key, text)")
    summary: dict = {}

    t0 = time.perf_counter()
    summary["clean"], tokens = clean_reports(cfg, rr)
    summary["clean"]["seconds"] = round(time.perf_counter() - t0, 3)
    log.info("reports: %s", summary["clean"])
    if summary["clean"]["kept"] == 0:
        raise ValueError(f"every report was excluded: {summary['clean']['excluded']}")

    name = cfg.embedder
    model = model_name(cfg)
    _clear(rr, MODELS, model)
    cpus = cfg.workers if name in ("pv_dm", "pv_dbow") else 1
    task = ray.remote(num_cpus=cpus)(train_embedder)
    t0 = time.perf_counter()
    train = ray.get(
        task.remote(
            rr.uri_of(tokens),
            name,
            embedder_params(cfg, name),
            cfg.train_fraction,
            rr.uri_of(MODELS, model),
        )
    )
    train["seconds"] = round(time.perf_counter() - t0, 3)
    summary["train"] = train
    version = train["model_version"]
    rr.write_text(dump_config(cfg), MODELS, model, "config.yaml")
    rr.write_json({"model_version": version, "train": train}, MODELS, model, "meta.json")

    t0 = time.perf_counter()
    ds = embed_dataset(
        rr.uri_of(tokens),
        rr.uri_of(MODELS, model),
        version,
        actors=cfg.infer.actors,
        cpus_per_actor=cfg.infer.cpus_per_actor,
        batch_size=cfg.infer.batch_size,
    )
    segment = rr.new_segment(EMBEDDINGS_REPORTS)
    ds.write_parquet(rr.uri_of(segment))
    written = rr.count_rows(segment)
    seconds = time.perf_counter() - t0
    summary["embed"] = {
        "rows": written,
        "seconds": round(seconds, 3),
        "rows_per_second": round(written / max(seconds, 1e-9), 1),
        "model_version": version,
    }
    if written != summary["clean"]["kept"]:
        raise RuntimeError(f"embedded {written} reports but {summary['clean']['kept']} were kept")
    rr.commit(EMBEDDINGS_REPORTS, segment)

    if cfg.evaluate.enabled:
        t0 = time.perf_counter()
        summary["evaluate"] = evaluate_reports(cfg, rr)
        summary["evaluate"]["seconds"] = round(time.perf_counter() - t0, 3)
    return summary


def new_report_embeddings(steps) -> dict[str, int]:
    """Tokens and embeddings/reports/ rows of the reports that ``steps`` (relabel's increments) finds
    new, with the saved cleaning and embedder."""
    target = EMBEDDINGS_REPORTS
    if not (steps.rr.has_table(REPORTS) and steps.rr.has_table(target)):
        return {"tokens": 0, "embedded": 0}
    model = embedding_model(steps.rr, "reports")
    saved = saved_config(steps.rr, model)
    inc = steps.increment(REPORTS, ACCESSION_KEY, REPORT_TOKENS)
    tokens = 0
    if inc is not None:
        cleaned = steps.apply(
            inc,
            clean_batch,
            [ACCESSION_KEY, "text"],
            batch_format="pyarrow",
            fn_kwargs={"cfg": saved.get("clean") or {}},
        )
        tokens = steps.append(cleaned, REPORT_TOKENS)
    inc = steps.increment(REPORT_TOKENS, ACCESSION_KEY, target)
    if inc is None:
        return {"tokens": tokens, "embedded": 0}
    version = steps.rr.read_json(MODELS, model, "meta.json")["model_version"]
    out = steps.apply(
        inc,
        EmbedReports,
        [ACCESSION_KEY, "tokens", "excluded"],
        batch_format="pyarrow",
        model_uri=steps.rr.uri_of(MODELS, model),
        model_version=version,
    )
    return {"tokens": tokens, "embedded": steps.append(out, target)}
