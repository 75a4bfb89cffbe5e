"""Tag AE training throughput: Ray Train streamed from features/tags/ vs a plain PyTorch loop on the same
vectors (same model, same threads). Prints JSON lines; the last has the ratio (rows/s, first epoch excluded).

  python bench/bench_tag_ae_train.py --n 20000 --d 64 --epochs 3
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
    ap.add_argument("--epochs", type=int, default=3)
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
    from pacslabel.train import TrainConfig, engine, run_training
    from pacslabel.train.inprocess import array_batches

    if args.device == "cuda" and not torch.cuda.is_available():
        emit(error="--device cuda but torch.cuda.is_available() is False")
        raise SystemExit(1)
    torch.set_num_threads(args.threads)
    init_ray(RayConfig(progress_bars=False))
    rng = np.random.default_rng(0)
    x = rng.random((args.n, args.d), dtype=np.float32)
    root = RunRoot(tempfile.mkdtemp(prefix="bench_tag_ae_") + "/run")
    root.makedirs(FEATURES_TAGS)
    for s, part in enumerate(np.array_split(np.arange(args.n), 4)):
        pq.write_table(
            pa.table(
                {
                    "sop_instance_uid": [f"2.25.{i}" for i in part],
                    "features": pa.FixedShapeTensorArray.from_numpy_ndarray(x[part]),
                }
            ),
            root.path(FEATURES_TAGS, f"part-{s}.parquet"),
        )
    common = {
        "n": args.n,
        "d": args.d,
        "batch_size": args.batch_size,
        "device": args.device,
        "threads": args.threads,
    }
    device = torch.device(args.device)
    cfg_ae = TagAEConfig(n_features=args.d)
    model = build_tag_ae(cfg_ae).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    prep = engine.vector_prep(device)
    times = []
    for _ in range(args.epochs):
        t0 = time.time()
        engine.ae_train_epoch(model, opt, array_batches(x, args.batch_size, rng), prep, device)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.time() - t0)
    steady = times[1:] or times
    plain = args.n * len(steady) / sum(steady)
    emit(
        bench="tag_ae_plain_torch",
        rows_per_s=round(plain, 1),
        epoch_seconds=[round(t, 3) for t in times],
        **common,
    )
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
    out = run_training(cfg)
    hist = root.read_json("models", "tag_ae", "meta.json")["history"]
    st = hist[1:] or hist
    ray = sum(h["rows"] for h in st) / sum(h["seconds"] for h in st)
    emit(
        bench="tag_ae_ray_train",
        rows_per_s=round(ray, 1),
        epoch_seconds=[h["seconds"] for h in hist],
        wall_seconds=out["train_seconds"],
        **common,
    )
    emit(bench="tag_ae_ray_vs_plain", ratio=round(ray / plain, 3), target=0.85, **common)


if __name__ == "__main__":
    main()
