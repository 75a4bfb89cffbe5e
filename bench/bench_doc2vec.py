"""Benchmark the reports stage: doc2vec training throughput (2 workers vs 1), inference throughput
(Ray Data actor pool vs a plain loop) and memory per 1M reports.

    .venv/bin/python bench/bench_doc2vec.py --size 3000            # small default: 2000 reports

Reports come from the synthetic generator's text model (no images), cleaned in-process into a
token Parquet table that both training (streamed, iterable mode) and inference read.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000, help="number of synthetic reports")
    ap.add_argument("--embedder", default="pv_dbow", choices=["pv_dbow", "pv_dm"])
    ap.add_argument("--vector-size", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import numpy as np
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    from pacslabel.runroot import REPORTS, RunRoot
    from pacslabel.runtime import RayConfig, init_ray
    from pacslabel.synth.report_runs import run_root_from_text_model
    from pacslabel.text.clean import clean_table
    from pacslabel.text.config import CleanConfig
    from pacslabel.text.corpus import ParquetCorpus
    from pacslabel.text.embedders import make_embedder
    from pacslabel.text.infer import embed_dataset, embed_loop

    tmp = Path(tempfile.mkdtemp(prefix="bench-doc2vec-"))
    rr = RunRoot(tmp / "run")
    t0 = time.perf_counter()
    run_root_from_text_model(args.size, args.seed, rr)
    reports = pads.dataset(rr.uri_of(REPORTS), format="parquet").to_table()
    tokens = clean_table(reports, CleanConfig(language="auto"))
    tok_dir = tmp / "tokens"
    tok_dir.mkdir()
    pq.write_table(tokens, tok_dir / "part-0.parquet")
    kept = tokens.column("excluded").null_count
    n_words = sum(len(t) for t in tokens.column("tokens").to_pylist())
    prep = time.perf_counter() - t0
    print(f"corpus: {args.size} reports, {kept} kept, {n_words} tokens, prepared in {prep:.1f}s")

    params = dict(
        vector_size=args.vector_size, epochs=args.epochs, min_count=args.min_count, seed=args.seed, sample=0.0
    )
    corpus = ParquetCorpus(str(tok_dir))
    rates = {}
    for workers in (1, args.workers):
        rss0 = rss_mb()
        emb = make_embedder(args.embedder, workers=workers, keep_doc_vectors=True, **params).fit(corpus)
        stats = emb.train_stats_
        rates[workers] = stats["documents_per_second"]
        print(
            f"train {args.embedder} workers={workers}: {stats['documents_per_second']:.0f} documents/s "
            f"(x{args.epochs} epochs, {stats['train_seconds']:.2f}s, vocabulary {stats['vocabulary']}), "
            f"RSS +{rss_mb() - rss0:.1f} MB"
        )
    print(f"training ratio {args.workers} workers / 1 worker: {rates[args.workers] / rates[1]:.2f}")

    # memory: gensim's estimate at this size, scaled to 1M reports (per-report terms x 1M + vocab terms)
    est = emb.memory_estimate_
    per_doc = (est["doctag_syn0"] + est["doctag_lookup"]) / kept
    fixed = est["total"] - est["doctag_syn0"] - est["doctag_lookup"]
    print(
        f"memory (gensim estimate_memory, scaled): {per_doc:.0f} B per report -> "
        f"{(per_doc * 1e6 + fixed) / 2**30:.2f} GiB per 1M reports during training "
        f"(doc vectors {est['doctag_syn0'] / kept:.0f} B + tag lookup {est['doctag_lookup'] / kept:.0f} B "
        f"per report; vocabulary terms {fixed / 2**20:.2f} MiB); the saved model without doc vectors "
        f"holds only the vocabulary terms"
    )

    model_dir = tmp / "model"
    emb.params["keep_doc_vectors"] = False
    emb.model_.dv.vectors = np.zeros((0, emb.dim), dtype=np.float32)
    emb.save(model_dir)

    t0 = time.perf_counter()
    n_loop = sum(len(b["accession_key"]) for b in embed_loop(str(tok_dir), str(model_dir), "bench"))
    loop_s = time.perf_counter() - t0
    print(f"infer plain loop: {n_loop / loop_s:.0f} vectors/s ({n_loop} in {loop_s:.2f}s, 1 process)")

    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    init_ray(RayConfig(num_cpus=args.actors, progress_bars=False))
    t0 = time.perf_counter()
    ds = embed_dataset(str(tok_dir), str(model_dir), "bench", actors=args.actors, batch_size=256)
    n_ray = sum(len(b["accession_key"]) for b in ds.iter_batches(batch_size=None, batch_format="numpy"))
    ray_s = time.perf_counter() - t0
    print(
        f"infer Ray Data ({args.actors} actors, incl. actor start-up): {n_ray / ray_s:.0f} vectors/s "
        f"({n_ray} in {ray_s:.2f}s)"
    )
    print(f"inference ratio Ray Data / plain loop: {(n_ray / ray_s) / (n_loop / loop_s):.2f}")


if __name__ == "__main__":
    main()
