"""Benchmark labelling at scale on CPU: FAISS k-means fit, assignment throughput and relabel cost.

Three parts, each against a baseline measured in the same run:

(a) fit: ``FaissKMeans.fit`` on N random vectors (a mixture of Gaussian blobs) for every N in ``--sizes``
    and K in ``--ks``, against scikit-learn ``KMeans`` (Lloyd, one init, the same k-means++ init, the
    same number of iterations) on the same number of points FAISS trains on. FAISS subsamples its
    training set to K x max_points_per_centroid rows, so the fit cost stops growing with N once N is
    larger than that; both "vectors/s" (N per second of fit) and the training rows are printed. The
    mean squared distance of all N vectors to each set of centroids shows that both fits are as good.
(b) assignment: vectors/s of ``nearest_centroid`` (FAISS exact search) and of ``assign_batch`` (fusion +
    search on an Arrow batch) in this process, and of ``assign_dataset`` (Ray Data actor pool on a
    local Ray with ``--ray-cpus`` CPUs), against a chunked NumPy brute force (||x||^2 - 2 x.c + ||c||^2).
(c) relabel: assigning 1 % new rows vs re-assigning everything, through the Ray actor pool on in-memory
    data; with ``--run-root`` also end to end through ``assign_new`` on a run root (Parquet embeddings,
    99 % already labelled: it reads every embedding and anti-joins against labels/) vs the full
    re-assignment the label job does (read + assign + write every row).

Threads: FAISS and scikit-learn are limited to ``--threads`` (default 2) so both sides get the same cores.

Usage: python bench/bench_label.py [--sizes 20000,80000,320000] [--ks 50,500] [--dim 64] [--niter 25]
       [--assign-n N] [--ray-cpus 2] [--new-frac 0.01] [--run-root --relabel-n N] [--threads 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time

import numpy as np


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v]


def blobs(n: int, dim: int, seed: int, centers: int = 64) -> np.ndarray:
    """``n`` float32 vectors around ``centers`` random Gaussian centres (unit spread, centres ~N(0, 3^2))."""
    rng = np.random.default_rng(seed)
    c = rng.normal(0.0, 3.0, size=(centers, dim)).astype(np.float32)
    x = c[rng.integers(0, centers, n)]
    x += rng.normal(size=(n, dim)).astype(np.float32)
    return x


def numpy_nearest(x: np.ndarray, centroids: np.ndarray, chunk: int = 16384) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force baseline: nearest centroid index and Euclidean distance, in chunks of rows."""
    c = np.asarray(centroids, np.float32)
    cc = (c * c).sum(1)
    idx = np.empty(len(x), np.int64)
    dist = np.empty(len(x), np.float32)
    for s in range(0, len(x), chunk):
        xb = x[s : s + chunk]
        d2 = (xb * xb).sum(1)[:, None] - 2.0 * (xb @ c.T) + cc[None, :]
        j = d2.argmin(1)
        idx[s : s + chunk] = j
        dist[s : s + chunk] = np.sqrt(np.maximum(d2[np.arange(len(xb)), j], 0.0))
    return idx, dist


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def _msd(x: np.ndarray, centroids: np.ndarray) -> float:
    from pacslabel.label.distance import nearest_centroid

    _, d = nearest_centroid(x, centroids)
    return float(np.mean(d.astype(np.float64) ** 2))


# ---------------------------------------------------------------- (a) fit


def bench_fit(args) -> list[dict]:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from pacslabel.label.kmeans import FaissKMeans

    rows = []
    for n in args.sizes:
        x = blobs(n, args.dim, args.seed)
        for k in args.ks:
            if k * 39 > n:
                print(f"  skip N={n} K={k}: fewer than 39 points per centroid")
                continue
            km = FaissKMeans(k, niter=args.niter, seed=args.seed, device="cpu", init="kmeans++")
            t_faiss, _ = _timed(lambda km=km, x=x: km.fit(x))
            n_train = km.n_train_
            sample = x[np.random.default_rng(args.seed).choice(n, n_train, replace=False)]
            sk = KMeans(k, init="k-means++", n_init=1, max_iter=args.niter, tol=0.0, random_state=args.seed)
            with threadpool_limits(args.threads):
                t_sk, _ = _timed(lambda sk=sk, s=sample: sk.fit(s))
            row = {
                "N": n,
                "K": k,
                "n_train": n_train,
                "faiss_s": round(t_faiss, 3),
                "sklearn_s": round(t_sk, 3),
                "faiss_vectors_per_s": round(_rate(n, t_faiss)),
                "faiss_train_rows_x_iters_per_s": round(_rate(n_train * args.niter, t_faiss)),
                "sklearn_iters": int(sk.n_iter_),
                "speedup_sklearn_over_faiss": round(t_sk / t_faiss, 2),
                "per_iter_ratio_sklearn_over_faiss": round((t_sk / sk.n_iter_) / (t_faiss / args.niter), 2),
                "msd_faiss": round(_msd(x, km.centroids_), 4),
                "msd_sklearn": round(_msd(x, sk.cluster_centers_), 4),
            }
            rows.append(row)
            print(
                f"  N={n:>8,d} K={k:>4d} train={n_train:>7,d}  faiss {t_faiss:7.3f} s "
                f"({row['faiss_vectors_per_s']:>10,d} vec/s)  sklearn KMeans {t_sk:7.3f} s "
                f"({row['sklearn_iters']:>2d} it)  sklearn/faiss {row['speedup_sklearn_over_faiss']:5.2f} "
                f"(per iteration {row['per_iter_ratio_sklearn_over_faiss']:5.2f})  "
                f"msd faiss {row['msd_faiss']:.3f} sklearn {row['msd_sklearn']:.3f}",
                flush=True,
            )
    return rows


# ---------------------------------------------------------------- shared model / data for (b), (c)


def make_model(x: np.ndarray, k: int, seed: int, niter: int):
    """A fitted single-source (images) LabelModel on ``x``: fusion = centre + L2-normalise."""
    from pacslabel.label.fusion import Fusion
    from pacslabel.label.kmeans import FaissKMeans
    from pacslabel.label.model import LabelModel

    present = {"images": np.ones(len(x), bool)}
    fusion = Fusion(sources=["images"], method="embeddings", device="cpu", seed=seed)
    z = fusion.fit_transform({"images": x}, present)
    km = FaissKMeans(k, niter=niter, seed=seed, device="cpu").fit(z)
    _, dist = km.predict(z)
    return LabelModel(
        fusion=fusion,
        centroids=km.centroids_,
        label_ids=np.arange(k, dtype=np.int32),
        meta={"run_id": "bench"},
        train_distances=dist,
    )


def fusion_table(x: np.ndarray, start: int = 0):
    """Fusion-input Arrow table: sop_instance_uid + emb_images (fixed_size_list<float32>)."""
    import pyarrow as pa

    from pacslabel.label.arrow import matrix_to_list_array

    uids = pa.array([f"1.2.826.0.1.{start + i}" for i in range(len(x))], pa.string())
    return pa.table({"sop_instance_uid": uids, "emb_images": matrix_to_list_array(x)})


def ray_dataset(table, blocks: int):
    import ray

    step = max(1, -(-table.num_rows // blocks))
    return ray.data.from_arrow([table.slice(s, step) for s in range(0, table.num_rows, step)])


def settle(timeout: float = 15.0) -> float:
    """Wait until every CPU of the local Ray is free again (actors of a finished pool exit asynchronously);
    returns the seconds waited. Starting a join while they still hold CPUs could stall it (see report)."""
    import ray

    t0 = time.perf_counter()
    total = ray.cluster_resources().get("CPU", 0.0)
    while ray.available_resources().get("CPU", 0.0) < total and time.perf_counter() - t0 < timeout:
        time.sleep(0.1)
    return time.perf_counter() - t0


def ray_assign(table, model, args) -> tuple[float, int]:
    """In-memory blocks (no read tasks), so the actor pool may take every CPU."""
    from pacslabel.label.run import assign_dataset

    settle()
    ds = ray_dataset(table, blocks=max(2, table.num_rows // args.batch_size))
    out = assign_dataset(
        ds, model, "bench", min_actors=1, max_actors=args.ray_cpus, batch_size=args.batch_size, num_cpus=1
    )
    t, n = _timed(lambda: out.materialize().count())
    return t, n


# ---------------------------------------------------------------- (b) assignment


def bench_assign(args) -> list[dict]:
    import faiss
    import pyarrow as pa

    from pacslabel.label.assign import assign_batch
    from pacslabel.label.distance import flat_index, nearest_centroid

    rows = []
    x = blobs(args.assign_n, args.dim, args.seed + 1)
    table = fusion_table(x)
    for k in args.ks:
        model = make_model(x[: min(len(x), k * 256)], k, args.seed, args.niter)
        z = model.fusion.transform({"images": x}, {"images": np.ones(len(x), bool)})
        t_np, (i_np, d_np) = _timed(lambda z=z, m=model: numpy_nearest(z, m.centroids))
        faiss.omp_set_num_threads(args.threads)
        index = flat_index(model.centroids)
        t_fa, (i_fa, d_fa) = _timed(lambda z=z, index=index, m=model: nearest_centroid(z, m.centroids, index))
        agree = float(np.mean(i_np == i_fa))
        max_dd = float(np.max(np.abs(d_np - d_fa)))
        t_batch, out = _timed(
            lambda m=model, index=index: pa.concat_tables(
                [
                    assign_batch(table.slice(s, args.batch_size), m, "bench", index=index)
                    for s in range(0, table.num_rows, args.batch_size)
                ]
            )
        )
        assert out.num_rows == len(x)
        t_ray, n_ray = ray_assign(table, model, args)
        assert n_ray == len(x)
        row = {
            "N": len(x),
            "K": k,
            "numpy_vec_per_s": round(_rate(len(x), t_np)),
            "faiss_array_vec_per_s": round(_rate(len(x), t_fa)),
            "assign_batch_vec_per_s": round(_rate(len(x), t_batch)),
            "ray_assign_dataset_vec_per_s": round(_rate(len(x), t_ray)),
            "ratio_faiss_array_over_numpy": round(t_np / t_fa, 2),
            "ratio_ray_over_numpy": round(t_np / t_ray, 2),
            "labels_agree": round(agree, 6),
            "max_abs_distance_diff": max_dd,
        }
        rows.append(row)
        print(
            f"  N={len(x):>8,d} K={k:>4d}  numpy {row['numpy_vec_per_s']:>10,d} vec/s | "
            f"faiss array {row['faiss_array_vec_per_s']:>10,d} "
            f"({row['ratio_faiss_array_over_numpy']:.2f}x) | "
            f"assign_batch {row['assign_batch_vec_per_s']:>10,d} | Ray assign_dataset "
            f"{row['ray_assign_dataset_vec_per_s']:>9,d} ({row['ratio_ray_over_numpy']:.2f}x numpy)  "
            f"labels agree {agree:.4%}",
            flush=True,
        )
    return rows


# ---------------------------------------------------------------- (c) relabel


def bench_relabel_in_memory(args) -> dict:
    n = args.assign_n
    n_new = max(1, round(n * args.new_frac))
    x = blobs(n, args.dim, args.seed + 2)
    k = args.ks[0]
    model = make_model(x[: min(n, k * 256)], k, args.seed, args.niter)
    t_all, n_all = ray_assign(fusion_table(x), model, args)
    t_new, n_got = ray_assign(fusion_table(x[:n_new]), model, args)
    assert (n_all, n_got) == (n, n_new)
    row = {
        "N": n,
        "new_rows": n_new,
        "K": k,
        "reassign_all_s": round(t_all, 3),
        "assign_new_s": round(t_new, 3),
        "ratio_all_over_new": round(t_all / t_new, 2),
        "row_ratio": round(n / n_new, 1),
    }
    print(
        f"  in memory, Ray actor pool: all {n:,d} rows {t_all:.3f} s vs {n_new:,d} new rows {t_new:.3f} s "
        f"-> {row['ratio_all_over_new']:.2f}x (rows {row['row_ratio']:.0f}x)",
        flush=True,
    )
    return row


def _write_run_root(root: str, x: np.ndarray, model, n_labelled: int, files: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pacslabel.label.assign import assign_batch
    from pacslabel.label.model import LabelModel
    from pacslabel.runroot import EMBEDDINGS, LABELS, RunRoot

    rr = RunRoot(root)
    emb_dir = rr.makedirs(EMBEDDINGS, "images")
    step = -(-len(x) // files)
    uids = pa.array([f"1.2.826.0.1.{i}" for i in range(len(x))], pa.string())
    for f, s in enumerate(range(0, len(x), step)):
        part = x[s : s + step]
        pq.write_table(
            pa.table(
                {
                    "sop_instance_uid": uids.slice(s, len(part)),
                    "embedding": pa.FixedShapeTensorArray.from_numpy_ndarray(part),
                    "model_version": pa.array(["bench"] * len(part), pa.string()),
                }
            ),
            f"{emb_dir}/part-{f:04d}.parquet",
        )
    model.save(rr)
    assert isinstance(LabelModel.load(rr), LabelModel)
    labelled = assign_batch(fusion_table(x[:n_labelled]), model, "bench-initial")
    pq.write_table(labelled, f"{rr.makedirs(LABELS)}/part-0000.parquet")


def bench_relabel_run_root(args) -> dict:
    """End to end: assign_new on a run root vs reading, assigning and writing every row."""
    import ray

    from pacslabel.label import AssignConfig, assign_new
    from pacslabel.label.inputs import fusion_inputs
    from pacslabel.label.run import assign_dataset
    from pacslabel.runroot import LABELS, RunRoot

    n = args.relabel_n
    n_new = max(1, round(n * args.new_frac))
    x = blobs(n, args.dim, args.seed + 3)
    k = args.ks[0]
    model = make_model(x[: min(n, k * 256)], k, args.seed, args.niter)
    # Reads and joins need CPUs besides the actors: the actors take AssignConfig's default half CPU.
    actors = args.join_actors or max(1, args.ray_cpus - 1)
    cfg = AssignConfig(
        min_actors=1, max_actors=actors, batch_size=args.batch_size, join_partitions=args.join_partitions
    )
    with tempfile.TemporaryDirectory(prefix="bench-label-") as tmp:
        root = os.path.join(tmp, "run")
        _write_run_root(root, x, model, n - n_new, files=8)
        rr = RunRoot(root)

        def full():
            ds = fusion_inputs(rr, ["images"], partitions=cfg.join_partitions)
            out = assign_dataset(
                ds, model, "bench-full", min_actors=1, max_actors=actors, batch_size=args.batch_size
            ).materialize()
            out.write_parquet(rr.uri_of("_staging", "labels-full"))
            return out.count()

        settle()
        t_full, n_full = _timed(full)
        settle()
        t_new, summary = _timed(lambda: assign_new(rr, assign=cfg, run_id="bench-new"))
        n_labels = ray.data.read_parquet(rr.uri_of(LABELS)).count()
    assert n_full == n and summary["n_assigned"] == n_new and n_labels == n, (n_full, summary, n_labels)
    row = {
        "N": n,
        "new_rows": n_new,
        "K": k,
        "full_reassign_s": round(t_full, 3),
        "assign_new_s": round(t_new, 3),
        "ratio_full_over_new": round(t_full / t_new, 2),
        "row_ratio": round(n / n_new, 1),
        "actors": actors,
    }
    print(
        f"  run root, end to end ({actors} assign actor(s)): full re-assignment of {n:,d} rows "
        f"{t_full:.3f} s vs assign_new of {n_new:,d} new rows {t_new:.3f} s -> "
        f"{row['ratio_full_over_new']:.2f}x (rows {row['row_ratio']:.0f}x)",
        flush=True,
    )
    return row


# ---------------------------------------------------------------- main


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=_ints, default=[20_000, 80_000, 320_000], help="N for the fit series")
    p.add_argument("--ks", type=_ints, default=[50, 500], help="K values (the first is used for relabel)")
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--niter", type=int, default=25)
    p.add_argument("--assign-n", type=int, default=320_000, help="rows for assignment throughput")
    p.add_argument("--relabel-n", type=int, default=100_000, help="rows in the run-root relabel test")
    p.add_argument("--new-frac", type=float, default=0.01, help="share of new rows in the relabel tests")
    p.add_argument("--batch-size", type=int, default=4096)
    p.add_argument("--ray-cpus", type=int, default=2)
    p.add_argument(
        "--run-root",
        action="store_true",
        help="also time assign_new end to end on a Parquet run root",
    )
    p.add_argument("--join-partitions", type=int, default=8, help="hash partitions of assign_new's join")
    p.add_argument("--join-actors", type=int, default=0, help="actors on the run-root path (0: ray-cpus - 1)")
    p.add_argument("--threads", type=int, default=2, help="FAISS / BLAS / OpenMP threads")
    p.add_argument("--skip", choices=["fit", "assign", "relabel"], action="append", default=[])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="also print all figures as one JSON object")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    import faiss

    from pacslabel.runtime import RayConfig, init_ray

    faiss.omp_set_num_threads(args.threads)
    gpus = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    print(
        f"labelling benchmark: dim={args.dim} niter={args.niter} threads={args.threads} "
        f"faiss {faiss.__version__} (GPUs seen: {gpus}, device cpu), "
        f"cores={os.cpu_count()}",
        flush=True,
    )
    results: dict = {"args": {k: v for k, v in vars(args).items() if k != "json"}}
    t0 = time.perf_counter()
    if "fit" not in args.skip:
        print("(a) k-means fit: FaissKMeans vs scikit-learn KMeans (Lloyd, k-means++, same rows, same iters)")
        results["fit"] = bench_fit(args)
    if {"assign", "relabel"} - set(args.skip):
        t_ray, _ = _timed(lambda: init_ray(RayConfig(num_cpus=args.ray_cpus, progress_bars=False)))
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)
        print(f"(local Ray with {args.ray_cpus} CPUs started in {t_ray:.1f} s)")
    if "assign" not in args.skip:
        print("(b) assignment throughput: NumPy brute force vs FAISS array, batch wrapper, Ray Data actors")
        results["assign"] = bench_assign(args)
    if "relabel" not in args.skip:
        print(f"(c) relabel: {args.new_frac:.0%} new rows vs re-assigning everything")
        results["relabel"] = {"in_memory": bench_relabel_in_memory(args)}
        if args.run_root:
            results["relabel"]["run_root"] = bench_relabel_run_root(args)
    results["total_s"] = round(time.perf_counter() - t0, 1)
    print(f"total {results['total_s']} s")
    if args.json:
        print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
