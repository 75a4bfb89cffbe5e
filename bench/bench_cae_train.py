"""CAE training throughput: Ray Train (streamed from a Parquet images/ table) vs a plain PyTorch loop
on the same images, same model and same number of threads. Prints JSON lines; the last has the ratio.

  python bench/bench_cae_train.py --n 512 --size 64 --epochs 4            # CPU, small
  python bench/bench_cae_train.py --device cuda --bf16 --n 20000 --size 256 --batch-size 256
  python bench/bench_cae_train.py --mode dec --n 512 --size 64            # DEC / IDEC epoch time

Throughput is images per median epoch time, first epoch excluded (start-up, warm-up); Ray Train and
plain runs alternate ``--repeats`` times and the last line has the median of the pair ratios. On CUDA
it also prints FLOPs per image (torch.utils.flop_counter, forward + backward) and the achieved
fraction of --peak-tflops (of the last pair).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np


def emit(**kw):
    print(json.dumps(kw), flush=True)


def synthetic_images(n: int, size: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 30, (n, size, size)).astype(np.uint8)
    yy, xx = np.mgrid[:size, :size]
    for i in range(n):
        cy, cx = rng.integers(size // 4, 3 * size // 4, 2).tolist()
        r = int(rng.integers(size // 8, size // 3))
        disc = (yy - cy) ** 2 + (xx - cx) ** 2 < r * r
        x[i][disc] = np.clip(x[i][disc].astype(int) + int(rng.integers(80, 200)), 0, 255)
    return x


def write_images(root, x: np.ndarray, shards: int = 4) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pacslabel.runroot import IMAGES

    root.makedirs(IMAGES)
    for s, part in enumerate(np.array_split(np.arange(len(x)), shards)):
        tbl = pa.table(
            {
                "sop_instance_uid": [f"2.25.{i}" for i in part],
                "pixels": pa.FixedShapeTensorArray.from_numpy_ndarray(np.ascontiguousarray(x[part])),
            }
        )
        pq.write_table(tbl, root.path(IMAGES, f"part-{s}.parquet"))


def flops_per_image(model, size: int, device) -> float:
    import torch
    import torch.nn.functional as F
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.rand(2, 1, size, size, device=device)
    with FlopCounterMode(display=False) as fc:
        _, x_hat = model(x)
        F.mse_loss(x_hat, x).backward()
    model.zero_grad(set_to_none=True)
    return fc.get_total_flops() / 2


def median_epoch(seconds: list[float]) -> float:
    """Median epoch time without the first epoch (start-up, warm-up, Ray's streaming pass)."""
    return float(np.median(seconds[1:] or seconds))


def plain_loop(x: np.ndarray, args, cae_cfg, device) -> dict:
    """Plain PyTorch: tensors in memory, the same training step as the Ray Train loop."""
    import torch

    from pacslabel.models.cae import build_cae
    from pacslabel.train import engine
    from pacslabel.train.inprocess import array_batches

    torch.manual_seed(0)
    on_gpu = device.type == "cuda"
    model = build_cae(cae_cfg).to(device)
    if on_gpu:
        model = model.to(memory_format=torch.channels_last)
    prep = engine.image_prep(cae_cfg.input_size, device, channels_last=on_gpu)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(args.epochs):
        t0 = time.time()
        engine.ae_train_epoch(model, opt, array_batches(x, args.batch_size, rng), prep, device, args.bf16)
        if on_gpu:
            torch.cuda.synchronize()
        times.append(time.time() - t0)
    return {"epoch_seconds": times, "images_per_s": len(x) / median_epoch(times), "model": model}


def ray_train(root, args, extra: list[str]) -> dict:
    from pacslabel.config import load_config
    from pacslabel.train import TrainConfig, run_train

    cfg = load_config(
        TrainConfig,
        None,
        [
            f"run_root={root.uri}",
            f"cae.input_size={args.size}",
            f"optim.batch_size={args.batch_size}",
            f"optim.epochs={args.epochs}",
            f"scaling.num_workers={args.workers}",
            f"scaling.torch_threads={args.threads}",
            f"scaling.bf16={str(args.bf16).lower()}",
            f"scaling.use_gpu={'true' if args.device == 'cuda' else 'false'}",
            f"scaling.resources_per_worker={{CPU: {args.cpu_per_worker}}}",
            "optim.shuffle_buffer=0",
            *extra,
        ],
    )
    out = run_train(cfg)
    meta = root.read_json("models", cfg.model_name, "meta.json")
    hist = meta["history"]
    return {
        "summary": out,
        "history": hist,
        "images_per_s": hist[-1].get("rows", 0) / median_epoch([h["seconds"] for h in hist]),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=256, help="images")
    ap.add_argument("--size", type=int, default=64, help="image side (divisible by 32)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cpu-per-worker", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=0, help="torch threads for both loops (0 = all cores)")
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--peak-tflops", type=float, default=989.0, help="dense peak of the GPU (H100/H200 bf16)")
    ap.add_argument("--mode", choices=["train", "dec"], default="train")
    ap.add_argument("--repeats", type=int, default=3, help="alternating (Ray, plain) pairs; median ratio")
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args(argv)
    args.threads = args.threads or os.cpu_count() or 1

    import torch

    from pacslabel.models.cae import CAEConfig
    from pacslabel.runroot import RunRoot
    from pacslabel.runtime import RayConfig, init_ray

    if args.device == "cuda" and not torch.cuda.is_available():
        emit(error="--device cuda but torch.cuda.is_available() is False")
        sys.exit(1)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    init_ray(RayConfig(progress_bars=False))
    x = synthetic_images(args.n, args.size)
    root = RunRoot(tempfile.mkdtemp(prefix="bench_cae_") + "/run")
    write_images(root, x)
    cae_cfg = CAEConfig(input_size=args.size)
    common = {
        "n": args.n,
        "size": args.size,
        "batch_size": args.batch_size,
        "device": args.device,
        "bf16": args.bf16,
        "threads": args.threads,
        "workers": args.workers,
    }

    if args.mode == "train":
        # alternate the two so that drifts in the machine's speed hit both; each pair gives one ratio
        ratios = []
        for repeat in range(args.repeats):
            run_root = RunRoot(f"{root.path()}-{repeat}")
            write_images(run_root, x)
            ray = ray_train(run_root, args, ["model=cae"])
            emit(
                bench="cae_ray_train",
                repeat=repeat,
                images_per_s=round(ray["images_per_s"], 2),
                epoch_seconds=[h["seconds"] for h in ray["history"]],
                wall_seconds=ray["summary"]["train_seconds"],
                **common,
            )
            plain = plain_loop(x, args, cae_cfg, device)
            emit(
                bench="cae_plain_torch",
                repeat=repeat,
                images_per_s=round(plain["images_per_s"], 2),
                epoch_seconds=[round(t, 3) for t in plain["epoch_seconds"]],
                **common,
            )
            ratios.append(ray["images_per_s"] / plain["images_per_s"])
        line = {
            "bench": "cae_ray_vs_plain",
            "ratio": round(float(np.median(ratios)), 3),
            "ratios": [round(r, 3) for r in ratios],
            "target": 0.85,
            **common,
        }
        if device.type == "cuda":
            fpi = flops_per_image(plain["model"], args.size, device)
            line.update(
                flops_per_image=fpi,
                plain_fraction_of_peak=plain["images_per_s"] * fpi / (args.peak_tflops * 1e12),
                ray_fraction_of_peak=ray["images_per_s"] * fpi / (args.peak_tflops * 1e12),
            )
        emit(**line)
        return

    # DEC mode: pretrain briefly, then time DEC (beta 0) and IDEC epochs, in-process and on Ray Train.
    from dataclasses import replace

    from pacslabel.models.dec import DECConfig, build_dec_model
    from pacslabel.models.store import save_model
    from pacslabel.train import engine
    from pacslabel.train.inprocess import train_autoencoder, train_dec

    prep = engine.image_prep(args.size, device)
    from pacslabel.models.cae import build_cae

    cae = build_cae(cae_cfg).to(device)
    train_autoencoder(cae, x, prep, 1, args.batch_size)
    save_model(
        root,
        "cae",
        {"kind": "cae", "cae": cae_cfg.__dict__ | {"filters": list(cae_cfg.filters)}},
        cae.state_dict(),
        {},
    )
    import copy

    for kind, beta in (("dec", 0.0), ("idec", 1.0)):
        cfg = replace(DECConfig(k=args.k, kmeans_n_init=2, tol=0.0), beta=beta, gamma=0.0)
        model = build_dec_model(copy.deepcopy(cae), args.k).to(device)
        t0 = time.time()
        out = train_dec(model, x, prep, cfg, args.epochs, args.batch_size)
        total = time.time() - t0
        emit(
            bench=f"{kind}_in_process",
            seconds_total=round(total, 3),
            epochs=len(out["history"]),
            seconds_per_epoch_incl_update=round(total / max(len(out["history"]), 1), 3),
            **common,
        )
        ray = ray_train(
            root, args, [f"model={kind}", f"dec.k={args.k}", "dec.kmeans_n_init=2", "dec.tol=0.0"]
        )
        emit(
            bench=f"{kind}_ray_train",
            epoch_seconds=[h["seconds"] for h in ray["history"]],
            images_per_s=round(ray["images_per_s"], 2),
            wall_seconds=ray["summary"]["train_seconds"],
            **common,
        )


if __name__ == "__main__":
    main()
