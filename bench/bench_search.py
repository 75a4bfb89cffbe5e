"""Benchmark the search index: recall@k against exact search and query latency, on fused-like vectors.

The vectors imitate the label stage's fused space (``embeddings`` fusion): three source blocks of the
production preset's dims (image CAE 100, tag AE 32, report doc2vec 1000: d = 1132), each a random linear
image of one 16-dim Gaussian code per instance plus noise (a continuum of low intrinsic dimension, where
neighbours are not isolated blobs), L2-normalised and scaled by 1/sqrt(3). Queries are
held-out draws of the same mixture. For each index (``pacslabel.search.index``: IVF-Flat at several
``nprobe``, HNSW at several ``ef_search``) the script prints build time, recall@k against the exact
FAISS ``IndexFlatL2`` answer and the single-query latency (one query per call, as a user's query is
answered), with the speed-up over exact search measured in the same run.

Usage: python bench/bench_search.py [--n 1000000] [--blocks 100,32,1000] [--queries 200] [--k 10]
       [--kinds ivf,hnsw] [--nprobe 8,16,32,64] [--ef 64,128,256] [--train-sample 100000]
       [--latent 16] [--noise 0.1] [--threads 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v]


def fused_like(n: int, blocks: list[int], latent: int, seed: int, noise: float = 0.1) -> np.ndarray:
    """``(n, sum(blocks))`` float32: a ``latent``-dim Gaussian code per instance, mapped into each block by a
    fixed random matrix, plus noise, L2-normalised and divided by sqrt(#blocks)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, sum(blocks)), np.float32)
    maps = [
        np.random.default_rng(1000 + i).normal(0, 1, (latent, d)).astype(np.float32)
        for i, d in enumerate(blocks)
    ]
    for s in range(0, n, 65536):
        z = rng.normal(0, 1, (min(65536, n - s), latent)).astype(np.float32)
        start = 0
        for w, d in zip(maps, blocks, strict=True):
            part = z @ w / np.sqrt(latent)
            part += noise * rng.normal(0, 1, part.shape).astype(np.float32)
            part /= np.linalg.norm(part, axis=1, keepdims=True)
            out[s : s + len(z), start : start + d] = part / np.sqrt(len(blocks))
            start += d
    return out


def latency(index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row ids ``(q, k)``, seconds per query) answering one query per call."""
    from pacslabel.search.index import knn

    ids = np.empty((len(queries), k), np.int64)
    seconds = np.empty(len(queries))
    for i, q in enumerate(queries):
        t = time.perf_counter()
        ids[i] = knn(index, q[None, :], k)[1][0]
        seconds[i] = time.perf_counter() - t
    return ids, seconds


def recall(got: np.ndarray, want: np.ndarray) -> float:
    k = want.shape[1]
    return float(np.mean([len(set(g) & set(w)) / k for g, w in zip(got, want, strict=True)]))


def main() -> None:
    import faiss

    from pacslabel.search.index import new_index, nlist_for, set_search_params, train

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--blocks", type=_ints, default=[100, 32, 1000])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--kinds", default="ivf,hnsw")
    p.add_argument("--nprobe", type=_ints, default=[8, 16, 32, 64])
    p.add_argument("--ef", type=_ints, default=[64, 128, 256])
    p.add_argument("--train-sample", type=int, default=100_000)
    p.add_argument("--latent", type=int, default=16, help="intrinsic dimension of the vectors")
    p.add_argument("--noise", type=float, default=0.1, help="noise sd per dimension (signal sd 1)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    faiss.omp_set_num_threads(args.threads)
    d = sum(args.blocks)

    t = time.perf_counter()
    x = fused_like(args.n + args.queries, args.blocks, args.latent, args.seed, args.noise)
    x, queries = x[: args.n], x[args.n :]
    print(f"{args.n:,d} vectors of d={d} (blocks {args.blocks}, latent {args.latent}, noise {args.noise}), "
          f"{args.queries} queries, k={args.k}, {args.threads} threads; data {time.perf_counter() - t:.1f} s",
          flush=True)  # fmt: skip

    exact = new_index("flat", d, args.n)
    exact.add(x)
    want, t_exact = latency(exact, queries, args.k)
    exact_ms = 1000 * float(np.mean(t_exact))
    print(
        f"exact IndexFlatL2: {exact_ms:.2f} ms/query (p99 {1000 * np.quantile(t_exact, 0.99):.2f})",
        flush=True,
    )
    del exact

    rows = []
    for kind in args.kinds.split(","):
        t = time.perf_counter()
        index = new_index(kind, d, args.n)
        sample = x[np.random.default_rng(args.seed).permutation(args.n)[: args.train_sample]]
        train(index, sample)
        index.add(x)
        build = time.perf_counter() - t
        name = f"IVF{nlist_for(args.n)},Flat" if kind == "ivf" else f"HNSW{index.hnsw.nb_neighbors(1)},Flat"
        for value in args.nprobe if kind == "ivf" else args.ef:
            set_search_params(index, nprobe=value, ef_search=value)
            got, t_q = latency(index, queries, args.k)
            ms = 1000 * float(np.mean(t_q))
            row = {
                "index": name,
                "param": f"{'nprobe' if kind == 'ivf' else 'ef_search'}={value}",
                "n": args.n,
                "d": d,
                "build_s": round(build, 1),
                f"recall@{args.k}": round(recall(got, want), 4),
                "ms_per_query": round(ms, 3),
                "p99_ms": round(1000 * float(np.quantile(t_q, 0.99)), 3),
                "exact_ms_per_query": round(exact_ms, 3),
                "speedup_vs_exact": round(exact_ms / ms, 1),
            }
            rows.append(row)
            print(f"{name:>16s} {row['param']:<14s} build {build:7.1f} s  recall@{args.k} "
                  f"{row[f'recall@{args.k}']:.4f}  {ms:8.3f} ms/query (p99 {row['p99_ms']:.3f})  "
                  f"{row['speedup_vs_exact']:.1f}x faster than exact", flush=True)  # fmt: skip
        del index
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
