"""Synthetic archive throughput: files/s/core with 1 worker, and N workers vs 1 worker in the same run.

    python bench/bench_synth.py [studies] [workers]

Both runs generate the same archive (same seed, default image sizes), so the file counts match. On a
shared machine wall-clock rates drop with the load; "files per CPU-second" is the load-independent figure.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from pacslabel.synth import SynthConfig, generate


def run(studies: int, workers: int, out: str) -> tuple[int, float, float, int]:
    """(files, wall seconds, CPU seconds of this process, bytes); with 1 worker all work is in-process."""
    cfg = SynthConfig(out=out, studies=studies, seed=1, workers=workers, chunk_studies=1)
    started = time.perf_counter()
    cpu = time.process_time()
    summary = generate(cfg)
    return summary["files"], time.perf_counter() - started, time.process_time() - cpu, summary["bytes"]


def main() -> None:
    studies = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="bench_synth_") as tmp:
        files1, t1, cpu1, nbytes = run(studies, 1, os.path.join(tmp, "w1"))
        filesn, tn, _, _ = run(studies, workers, os.path.join(tmp, f"w{workers}"))
    assert files1 == filesn
    rate1 = files1 / t1
    raten = filesn / tn
    print(f"studies={studies} files={files1} bytes={nbytes / 1e6:.1f}MB")
    print(f"1 worker : {t1:.2f} s, {rate1:.1f} files/s/core (wall), {files1 / cpu1:.1f} files per CPU-second")
    print(f"{workers} workers: {tn:.2f} s, {raten:.1f} files/s ({raten / workers:.1f} files/s/core)")
    print(f"ratio {workers} workers vs 1 worker: {raten / rate1:.2f}x")
    minutes = 1e6 / (files1 / cpu1 * 16) / 60
    print(f"estimate for 1M files on 16 idle cores at the CPU-second rate: {minutes:.0f} min")


if __name__ == "__main__":
    main()
