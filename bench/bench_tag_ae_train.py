"""Tag AE training throughput: Ray Train streamed from features/tags/ vs a plain PyTorch loop on the same
vectors (same model, same threads). Ray and plain runs alternate ``--repeats`` times; each rate uses the
median epoch time (first epoch excluded). Prints JSON lines; the last has the median ratio of the pairs.

  python bench/bench_tag_ae_train.py --n 50000 --d 64 --epochs 6 --repeats 3
  python bench/bench_tag_ae_train.py --device cuda --n 1000000 --batch-size 4096
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np


def emit(**kw):
    print(json.dumps(kw), flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--repeats", type=int, default=3, help="alternating (Ray, plain) pairs; median ratio")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--cpu-per-worker", type=float, default=0.5)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = ap.parse_args(argv)
    args.threads = args.threads or os.cpu_count() or 1

    import pyarrow as pa
    import pyarrow.parquet as pq
    import torch

    from pacslabel.config import load_config
    from pacslabel.models.tag_ae import TagAEConfig, build_tag_ae
    from pacslabel.runroot import FEATURES_TAGS, RunRoot
    from pacslabel.runtime import RayConfig, init_ray
    from pacslabel.train import TrainConfig, engine, run_train
    from pacslabel.train.inprocess import array_batches

    if args.device == "cuda" and not torch.cuda.is_available():
        emit(error="--device cuda but torch.cuda.is_available() is False")
        raise SystemExit(1)
    torch.set_num_threads(args.threads)
    init_ray(RayConfig(progress_bars=False))
    rng = np.random.default_rng(0)
    x = rng.random((args.n, args.d), dtype=np.float32)
    base = tempfile.mkdtemp(prefix="bench_tag_ae_")
    common = {
        "n": args.n,
        "d": args.d,
        "batch_size": args.batch_size,
        "device": args.device,
        "threads": args.threads,
    }
    device = torch.device(args.device)

    def steady_rate(seconds: list[float]) -> float:
        """Rows/s from the median epoch time, first epoch (start-up, Ray's streaming pass) excluded."""
        return args.n / float(np.median(seconds[1:] or seconds))

    def plain_rate(repeat: int) -> float:
        model = build_tag_ae(TagAEConfig(n_features=args.d)).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        prep = engine.vector_prep(device)
        times = []
        for _ in range(args.epochs):
            t0 = time.time()
            engine.ae_train_epoch(model, opt, array_batches(x, args.batch_size, rng), prep, device)
            if device.type == "cuda":
                torch.cuda.synchronize()
            times.append(time.time() - t0)
        rate = steady_rate(times)
        times = [round(t, 3) for t in times]
        emit(
            bench="tag_ae_plain_torch",
            repeat=repeat,
            rows_per_s=round(rate, 1),
            epoch_seconds=times,
            **common,
        )
        return rate

    def ray_rate(repeat: int) -> float:
        root = RunRoot(f"{base}/run{repeat}")
        root.makedirs(FEATURES_TAGS)
        for s, part in enumerate(np.array_split(np.arange(args.n), 4)):
            table = pa.table(
                {
                    "sop_instance_uid": [f"2.25.{i}" for i in part],
                    "features": pa.FixedShapeTensorArray.from_numpy_ndarray(x[part]),
                }
            )
            pq.write_table(table, root.path(FEATURES_TAGS, f"part-{s}.parquet"))
        cfg = load_config(
            TrainConfig,
            None,
            [
                f"run_root={root.uri}",
                "model=tag_ae",
                f"optim.batch_size={args.batch_size}",
                f"optim.epochs={args.epochs}",
                f"scaling.torch_threads={args.threads}",
                "optim.shuffle_buffer=0",
                f"scaling.use_gpu={'true' if args.device == 'cuda' else 'false'}",
                f"scaling.resources_per_worker={{CPU: {args.cpu_per_worker}}}",
            ],
        )
        out = run_train(cfg)
        times = [h["seconds"] for h in root.read_json("models", "tag_ae", "meta.json")["history"]]
        rate = steady_rate(times)
        emit(
            bench="tag_ae_ray_train",
            repeat=repeat,
            rows_per_s=round(rate, 1),
            epoch_seconds=times,
            wall_seconds=out["train_seconds"],
            **common,
        )
        return rate

    # alternate the two so that drifts in the machine's speed hit both; each pair gives one ratio
    ratios = [ray_rate(r) / plain_rate(r) for r in range(args.repeats)]
    emit(
        bench="tag_ae_ray_vs_plain",
        ratio=round(float(np.median(ratios)), 3),
        ratios=[round(r, 3) for r in ratios],
        target=0.85,
        **common,
    )


if __name__ == "__main__":
    main()
