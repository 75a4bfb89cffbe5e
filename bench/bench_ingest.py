"""Ingest throughput and memory: the Ray Data ingest job vs a plain multiprocessing pydicom loop.

    .venv/bin/python bench/bench_ingest.py [--studies 20] [--factor 4] [--cpus 2] [--seed 1]

Two synthetic archives are generated with ``python -m jobs.synth`` (N studies and factor x N studies,
same seed). Printed, all measured in this run:

* header-only pass on one core over a cached subset (2,000 files): the ingester's ``inspect_file``
  (sniff, parse without pixels, typed de-identified tags row, selection) vs a bare
  ``dcmread(stop_before_pixels=True)`` loop;
* baseline: ``multiprocessing.Pool(cpus)`` running dcmread + modality LUT + window (header window, else
  min/max) + resize to 256x256 + a tags dict over chunks of ``batch_size`` files, each chunk written as
  one Parquet shard of tags and images (the export), and once more with the results sent back to the
  parent and dropped (no output at all);
* the full ingest job (``run_ingest``: listing, diff, Ray Data ``map_batches`` over an actor pool with
  one isolated decoder process per actor, Parquet shards committed per batch) on a local Ray with
  ``cpus`` CPUs; files/s/core and the ratio to the baseline;
* before each of these runs every file of its archive is dropped from the page cache
  (``posix_fadvise(DONTNEED)``), so that both read their files cold, as an ingest of a PACS dump does
  (the job's workers keep ``decode.read_ahead_files`` header reads in flight; the baseline reads one
  file at a time per process);
* peak RSS during each ingest run (sampled every 0.2 s from /proc): the driver, the Ray worker
  processes (``ray::*``, idle pool workers included) with their decoder children, the largest single
  worker with its decoder, and the whole process tree (incl. raylet/GCS), for N and factor x N, with
  the ratios: they should stay near 1 (streaming, no per-archive state). The sum over workers moves
  with how many short-lived Ray worker processes (listing, reading) happen to be alive at a sample.

Rates are wall-clock: on a shared machine they drop with the load of others. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZE = 256
HEADER_PASS_FILES = 2000  # a subset that fits in the page cache
TAG_KEYWORDS = (
    "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "SOPClassUID", "PatientID", "AccessionNumber",
    "Modality", "BodyPartExamined", "StudyDescription", "SeriesDescription", "ProtocolName",
    "RequestedProcedureDescription", "Manufacturer", "ManufacturerModelName", "PatientPosition",
    "MRAcquisitionType", "ImageOrientationPatient", "PixelSpacing", "ExposureTime", "Exposure", "KVP",
    "SliceThickness", "RepetitionTime", "EchoTime", "WindowCenter", "WindowWidth", "RescaleSlope",
    "RescaleIntercept", "PatientAge", "PatientSex", "PhotometricInterpretation", "Rows", "Columns",
    "NumberOfFrames", "BitsStored",
)  # fmt: skip


# ---------------------------------------------------------------- memory sampling (/proc)


def _proc_table() -> dict[int, tuple[int, int, str, int]]:
    """pid -> (ppid, rss bytes, cmdline head, private bytes) for every readable process; private =
    RSS less its shared pages (mapped files and the Ray object store's shared memory)."""
    page = os.sysconf("SC_PAGE_SIZE")
    out: dict[int, tuple[int, int, str, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            with open(f"/proc/{name}/statm", "rb") as f:
                rss_pages, shared_pages = (int(v) for v in f.read().split()[1:3])
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read(200).replace(b"\x00", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        out[int(name)] = (ppid, rss_pages * page, cmd, (rss_pages - shared_pages) * page)
    return out


def _descendants(table: dict[int, tuple[int, int, str, int]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, *_) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


class RssSampler:
    """Peak RSS of the driver, of the Ray worker processes (+ their children) and of the whole tree, and
    the peak private memory of the driver and of the largest worker (+ its children)."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        keys = ("driver", "workers", "one_worker", "tree", "driver_private", "one_worker_private")
        self.peak = dict.fromkeys(keys, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        me = os.getpid()
        table = _proc_table()
        tree = _descendants(table, me)
        workers: set[int] = set()
        one_worker = one_worker_private = 0
        for pid in tree:
            if table[pid][2].startswith("ray::"):
                group = {pid} | _descendants(table, pid)
                workers |= group
                one_worker = max(one_worker, sum(table[p][1] for p in group))
                one_worker_private = max(one_worker_private, sum(table[p][3] for p in group))
        driver = table.get(me, (0, 0, "", 0))
        now = {
            "driver": driver[1],
            "workers": sum(table[p][1] for p in workers if p in table),
            "one_worker": one_worker,
            "tree": driver[1] + sum(table[p][1] for p in tree),
            "driver_private": driver[3],
            "one_worker_private": one_worker_private,
        }
        for key, value in now.items():
            self.peak[key] = max(self.peak[key], value)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


# ---------------------------------------------------------------- baseline (plain pydicom + Pool)


def _plain_one(path: str):
    """dcmread + tags dict + modality LUT + window + resize to SIZE x SIZE; None when the file fails."""
    import numpy as np
    import pydicom
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, force=True)
            tags = {kw: str(ds.get(kw, "")) for kw in TAG_KEYWORDS}
            arr = ds.pixel_array
        if arr.ndim == 3 and arr.shape[-1] not in (3, 4):
            arr = arr[0]
        x = arr.astype(np.float32)
        if x.ndim == 3:
            x = x[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
        x = x * float(ds.get("RescaleSlope", 1) or 1) + float(ds.get("RescaleIntercept", 0) or 0)
        try:
            wc, ww = ds.WindowCenter, ds.WindowWidth
            wc = float(wc[0] if isinstance(wc, pydicom.multival.MultiValue) else wc)
            ww = float(ww[0] if isinstance(ww, pydicom.multival.MultiValue) else ww)
        except (AttributeError, TypeError, ValueError):
            lo, hi = float(x.min()), float(x.max())
            wc, ww = (lo + hi) / 2, max(hi - lo, 1.0)
        y = np.clip((x - (wc - ww / 2)) / ww * 255.0, 0, 255)
        if ds.get("PhotometricInterpretation") == "MONOCHROME1":
            y = 255.0 - y
        rows, cols = y.shape
        scale = SIZE / max(rows, cols)
        img = Image.fromarray(y.astype(np.float32), mode="F")
        img = img.resize((max(1, round(cols * scale)), max(1, round(rows * scale))), Image.Resampling.BOX)
        small = np.asarray(img)
        out = np.zeros((SIZE, SIZE), np.uint8)
        top, left = (SIZE - small.shape[0]) // 2, (SIZE - small.shape[1]) // 2
        out[top : top + small.shape[0], left : left + small.shape[1]] = np.floor(small + 0.5).astype(np.uint8)
        return tags, out
    except Exception:
        return None


def _plain_chunk(job: tuple[list[str], str | None]) -> int:
    """``_plain_one`` over a chunk of paths; with an output path, its tags and images as one Parquet
    shard (zstd, as the job writes them). Returns the number of images."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pacslabel.imagecol import pixels_array

    paths, out = job
    done = [res for res in map(_plain_one, paths) if res is not None]
    if out and done:
        columns = {kw: [tags[kw] for tags, _ in done] for kw in TAG_KEYWORDS}
        columns["pixels"] = pixels_array(np.stack([image for _, image in done]))
        pq.write_table(pa.table(columns), out, compression="zstd")
    return len(done)


def baseline(paths: list[str], cpus: int, chunk: int, out_dir: str | None) -> tuple[float, int]:
    """(seconds, images) of the Pool loop over chunks of ``chunk`` paths: each chunk's results are
    written as one Parquet shard under ``out_dir``, or (``out_dir`` None) sent back and dropped."""
    jobs = [
        (paths[i : i + chunk], out_dir and os.path.join(out_dir, f"part-{i // chunk:06d}.parquet"))
        for i in range(0, len(paths), chunk)
    ]
    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(cpus) as pool:
        ok = sum(pool.imap_unordered(_plain_chunk, jobs))
    return time.perf_counter() - t0, ok


# ---------------------------------------------------------------- header pass (one core)


def header_pass(paths: list[str]) -> tuple[float, float]:
    """(seconds of the ingester's inspect_file loop, seconds of a bare dcmread loop), in-process, each
    over files just read into the page cache: the parse is measured, not the disk."""
    import pydicom

    from pacslabel.ingest import IngestConfig
    from pacslabel.ingest.batches import _quiet_pydicom
    from pacslabel.ingest.header import inspect_file

    _quiet_pydicom()
    cfg = IngestConfig(input="x", run_root="y")
    cfg.decode.native_in_process = False  # the header only: no full parse for the worker's own export
    sizes = [os.path.getsize(p) for p in paths]
    warm(paths)
    t0 = time.perf_counter()
    for p, s in zip(paths, sizes, strict=True):
        inspect_file(p, s, b"bench-salt", "bench", cfg)
    t_ingest = time.perf_counter() - t0
    warm(paths)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for p in paths:
            try:
                with open(p, "rb") as f:
                    pydicom.dcmread(
                        io.BytesIO(f.read(cfg.decode.header_read_bytes)), force=True, stop_before_pixels=True
                    )
            except Exception:
                pass
    return t_ingest, time.perf_counter() - t0


# ---------------------------------------------------------------- the job


def ingest(archive: str, run_root: str, cpus: int, batch_size: int) -> tuple[dict, float, RssSampler]:
    from pacslabel.ingest import IngestConfig, run_ingest
    from pacslabel.runtime import RayConfig

    cfg = IngestConfig(
        input=archive,
        run_root=run_root,
        batch_size=batch_size,
        ray=RayConfig(num_cpus=cpus, progress_bars=False),
    )
    cfg.validate()
    with RssSampler() as rss:
        t0 = time.perf_counter()
        summary = run_ingest(cfg)
        seconds = time.perf_counter() - t0
    return summary, seconds, rss


def synth(out: str, studies: int, seed: int, cpus: int, image_scale: float) -> list[str]:
    cmd = [sys.executable, "-m", "jobs.synth", f"out={out}", f"studies={studies}", f"seed={seed}"]
    cmd += [f"workers={cpus}", f"image_scale={image_scale}"]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    top = os.path.join(out, "dicom")
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs)


def warm(paths: list[str]) -> None:
    """Read every file once (into the page cache)."""
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass


def evict(paths: list[str]) -> float:
    """Drop every file of the archive from the page cache (written back first), so that each run reads
    its archive cold, as an ingest of a PACS dump does; returns the seconds it took."""
    t0 = time.perf_counter()
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return time.perf_counter() - t0


def mb(n: float) -> str:
    return f"{n / 2**20:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", type=int, default=20, help="studies in the small archive (N)")
    ap.add_argument("--factor", type=int, default=4, help="the large archive has factor x N studies")
    ap.add_argument("--cpus", type=int, default=2, help="Ray CPUs = Pool processes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=None, help="files per batch (default: the config's)")
    ap.add_argument("--image-scale", type=float, default=1.0, help="synth image_scale (smaller = faster)")
    args = ap.parse_args()
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    sys.path.insert(0, str(REPO))
    from pacslabel.ingest import IngestConfig

    batch_size = args.batch_size or IngestConfig(input="x", run_root="y").batch_size

    with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
        t0 = time.perf_counter()
        sizes = {"N": args.studies, f"{args.factor}N": args.studies * args.factor}
        archives = {k: os.path.join(tmp, f"archive_{k}") for k in sizes}
        files = {k: synth(archives[k], n, args.seed, args.cpus, args.image_scale) for k, n in sizes.items()}
        nbytes = {k: sum(os.path.getsize(p) for p in v) for k, v in files.items()}
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"synthetic archives ({time.perf_counter() - t0:.1f} s to generate):")
        for k in sizes:
            print(f"  {k}: {sizes[k]} studies, {len(files[k])} files, {nbytes[k] / 1e6:.0f} MB")
        big = f"{args.factor}N"

        subset = files[big][:: max(1, len(files[big]) // HEADER_PASS_FILES)]
        t_hdr, t_plain_hdr = header_pass(subset)
        n, k = len(files[big]), len(subset)
        print(
            f"header-only pass, 1 core, {k} cached files of {big}: ingester inspect_file "
            f"{k / t_hdr:.0f} files/s/core; bare dcmread(stop_before_pixels) "
            f"{k / t_plain_hdr:.0f} files/s/core; ratio {t_plain_hdr / t_hdr:.2f}"
        )

        from pacslabel.runtime import RayConfig, init_ray

        t0 = time.perf_counter()
        init_ray(RayConfig(num_cpus=args.cpus, progress_bars=False))
        print(f"local Ray started in {time.perf_counter() - t0:.1f} s ({args.cpus} CPUs; not counted below)")

        results = {}
        for k in sizes:
            top = os.path.join(archives[k], "dicom")  # the PACS tree, without reports.csv / truth
            print(f"  ({k} evicted from the page cache in {evict(files[k]):.1f} s)")
            summary, seconds, rss = ingest(top, os.path.join(tmp, f"run_{k}"), args.cpus, batch_size)
            results[k] = (summary, seconds, rss)
            rate = summary["files"] / seconds / args.cpus
            print(
                f"ingest job {k}: {summary['files']} files ({summary['images']} images, {summary['rejects']} "
                f"rejects, {summary['batches']} batches, {summary.get('actors_used')} of "
                f"{summary.get('workers')} actors used) in {seconds:.1f} s "
                f"-> {rate:.1f} files/s/core, {nbytes[k] / 1e6 / seconds:.0f} MB/s; peak RSS driver "
                f"{mb(rss.peak['driver'])}, Ray workers + decoders {mb(rss.peak['workers'])} (largest "
                f"single worker + its decoder {mb(rss.peak['one_worker'])}), process tree "
                f"{mb(rss.peak['tree'])}"
            )
            work = summary["header_seconds"] + summary["pixel_seconds"]
            print(
                f"  listing {summary['list_seconds']:.1f} s, map_batches {summary['ingest_seconds']:.1f} s; "
                f"in-actor work {work:.1f} s (header {summary['header_seconds']:.1f} s, decode + export "
                f"{summary['pixel_seconds']:.1f} s) = {summary['files'] / work:.1f} files/s/core without "
                f"start-up, listing, IPC and Parquet writes; reasons {json.dumps(summary['reasons'])}"
            )

        summary, seconds, _ = results[big]
        job_rate = summary["files"] / seconds / args.cpus
        work = summary["header_seconds"] + summary["pixel_seconds"]
        variants = (("writing Parquet shards", os.path.join(tmp, "plain")), ("results dropped", None))
        for label, out_dir in variants:
            if out_dir:
                os.makedirs(out_dir)
            print(f"  ({big} evicted from the page cache in {evict(files[big]):.1f} s)")
            t_base, ok = baseline(files[big], args.cpus, batch_size, out_dir)
            base_rate = n / t_base / args.cpus
            print(
                f"baseline multiprocessing.Pool({args.cpus}) pydicom loop, {label}, on {big}: {n} files "
                f"({ok} images) in {t_base:.1f} s -> {base_rate:.1f} files/s/core, "
                f"{nbytes[big] / 1e6 / t_base:.0f} MB/s; ratio ingest job / "
                f"baseline {job_rate / base_rate:.2f} (in-actor work only: "
                f"{summary['files'] / work / base_rate:.2f})"
            )
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        small, large = results["N"][2].peak, results[big][2].peak
        ratios = {key: large[key] / max(small[key], 1) for key in small}
        print(
            f"peak RSS {big} / N: driver {ratios['driver']:.2f}, Ray workers + decoders "
            f"{ratios['workers']:.2f}, largest single worker {ratios['one_worker']:.2f}, process tree "
            f"{ratios['tree']:.2f}; peak private memory driver {ratios['driver_private']:.2f}, largest "
            f"worker {ratios['one_worker_private']:.2f} (archive is {nbytes[big] / nbytes['N']:.1f}x larger)"
        )


if __name__ == "__main__":
    main()
