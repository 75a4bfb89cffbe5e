"""Peak memory of the ingest driver and workers vs archive size: a 10k- and a 100k-file dump.

    .venv/bin/python bench/bench_ingest_memory.py [--files 10000] [--factor 10] [--cpus 2]

Two dumps of tiny files (``files`` and ``factor`` x ``files``, 200 patient folders, every file a
``not_dicom`` reject, so the figures isolate the per-file state: listing, diff, batching, commits
and the summary; pixel memory per worker is bounded by the batch and measured by bench_ingest.py).
Each ingest runs in a fresh process (a local Ray with ``cpus`` CPUs, default config) sampled by
bench_ingest's RSS sampler. Printed: peak RSS of the driver, of the largest Ray worker (with its
decoder) and of all Ray workers for both dumps, the peak private memory (RSS less shared pages:
mapped files and the object store's shared memory, which Ray bounds by its own setting) of the driver
and of the largest worker, and the large / small ratios (flat = near 1).
The default config lists up to ``driver_list_max_files`` files and diffs up to ``driver_diff_max_rows``
rows in the driver, larger archives with Ray tasks and a Ray join (whose workers are larger processes
than the ingest actors); ``--on-ray`` sends both dumps through the Ray listing and diff, so that the
same kinds of worker are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def make_dump(top: str, n: int) -> None:
    for i in range(n):
        d = os.path.join(top, f"pat{i % 200:03d}", f"study{i % 7}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:08d}"), "wb") as f:
            f.write(b"not a DICOM file" * 2)


def child(top: str, run_root: str, cpus: int, on_ray: bool) -> None:
    sys.path.insert(0, str(BENCH))
    from bench_ingest import RssSampler

    from pacslabel.ingest import IngestConfig, run_ingest
    from pacslabel.runtime import RayConfig

    cfg = IngestConfig(input=top, run_root=run_root, ray=RayConfig(num_cpus=cpus, progress_bars=False))
    if on_ray:
        cfg.driver_diff_max_rows = cfg.driver_list_max_files = 0
    cfg.validate()
    with RssSampler() as rss:
        t0 = time.perf_counter()
        s = run_ingest(cfg)
        seconds = time.perf_counter() - t0
    assert s["files"] == s["listed"] == s["rejects"], s
    keys = ("listed", "files", "batches", "list_seconds", "diff_seconds", "ingest_seconds")
    print(json.dumps({"seconds": seconds, **rss.peak, **{k: s.get(k) for k in keys}}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--factor", type=int, default=10)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--on-ray", action="store_true", help="list and diff on Ray for both dumps")
    ap.add_argument("--child", nargs=2, metavar=("DUMP", "RUN_ROOT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child, args.cpus, args.on_ray)
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-mem-") as tmp:
        for n in (args.files, args.files * args.factor):
            top = os.path.join(tmp, f"dump-{n}")
            make_dump(top, n)
            cmd = [
                sys.executable,
                __file__,
                "--cpus",
                str(args.cpus),
                "--child",
                top,
                os.path.join(tmp, f"run-{n}"),
            ]
            cmd += ["--on-ray"] if args.on_ray else []
            out = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True).stdout
            results[n] = json.loads(out.strip().splitlines()[-1])
            r = results[n]
            print(
                f"{n:>9,} files: {r['seconds']:.1f} s (list {r['list_seconds']} s, "
                f"diff {r['diff_seconds']} s, ingest {r['ingest_seconds']} s, {r['batches']} batches); "
                f"peak RSS driver {r['driver'] / 2**20:.0f} MB, "
                f"largest worker {r['one_worker'] / 2**20:.0f} MB, "
                f"all workers {r['workers'] / 2**20:.0f} MB; "
                f"peak private memory driver {r['driver_private'] / 2**20:.0f} MB, largest worker "
                f"{r['one_worker_private'] / 2**20:.0f} MB"
            )
            sys.stdout.flush()
    small, large = (results[n] for n in (args.files, args.files * args.factor))
    keys = ("driver", "one_worker", "workers", "driver_private", "one_worker_private")
    ratios = {k: large[k] / max(small[k], 1) for k in keys}
    print(
        f"peak RSS {args.factor}x / 1x files: driver {ratios['driver']:.2f}, largest worker "
        f"{ratios['one_worker']:.2f}, all workers {ratios['workers']:.2f}; peak private memory: driver "
        f"{ratios['driver_private']:.2f}, largest worker {ratios['one_worker_private']:.2f} "
        "(target: within 1.20)"
    )


if __name__ == "__main__":
    main()
