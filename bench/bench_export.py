"""Benchmark the export job: samples per second of ``run_export`` on a run root of 256 x 256 images, against
a single-process baseline measured in the same run (PNG-encode the same images and write them into
WebDataset tars with no Ray, no joins, no manifest).

The run root holds labels/, tags/ (patient and study keys, modality), regions/ and images/ of ``--n``
instances (toy patterns of :mod:`pacslabel.synth.toy_run`). A second export after ``--new`` more instances
are labelled shows the incremental cost.

Usage: python bench/bench_export.py [--n 4000] [--new 400] [--ray-cpus 2] [--writers 2] [--shard 1000]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time

import numpy as np


def write_run_root(rr, first: int, n: int, side: int = 256) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pacslabel.imagecol import pixels_array
    from pacslabel.synth.toy_run import GROUPS, toy_image

    rng = np.random.default_rng(first)
    ids = np.arange(first, first + n)
    group = ids % len(GROUPS)
    uids = [f"1.2.826.0.7.{i}" for i in ids]
    columns = {
        "tags": {
            "sop_instance_uid": uids,
            "study_instance_uid": [f"1.2.826.0.7.s{i // 4}" for i in ids],
            "patient_key": [f"p{i // 8}" for i in ids],
            "modality": [GROUPS[g][0] for g in group],
        },
        "regions": {"sop_instance_uid": uids, "region": [GROUPS[g][1] for g in group]},
        "labels": {"sop_instance_uid": uids, "label": pa.array(group, pa.int32())},
    }
    for name, table in columns.items():
        rr.makedirs(name)
        pq.write_table(pa.table(table), rr.path(name, f"part-{first}.parquet"))
    rr.makedirs("images")
    for s in range(0, n, 1000):
        imgs = np.stack([toy_image(int(g), rng, side) for g in group[s : s + 1000]])
        pq.write_table(
            pa.table({"sop_instance_uid": uids[s : s + 1000], "pixels": pixels_array(imgs)}),
            rr.path("images", f"part-{first}-{s}.parquet"),
        )


def baseline(rr, shard: int) -> float:
    """Seconds to read images/, PNG-encode every image and write tars of ``shard`` samples, one process."""
    import pyarrow.parquet as pq
    from webdataset.writer import TarWriter

    from pacslabel.evaluate.thumbnails import png_bytes
    from pacslabel.imagecol import pixels_to_numpy

    t = time.perf_counter()
    table = pq.read_table(rr.path("images"))
    images = pixels_to_numpy(table.column("pixels"))
    keys = table.column("sop_instance_uid").to_pylist()
    with tempfile.TemporaryDirectory() as out:
        for s in range(0, len(keys), shard):
            buf = io.BytesIO()
            with TarWriter(buf, encoder=False, mtime=0) as tar:
                for i in range(s, min(s + shard, len(keys))):
                    tar.write(
                        {"__key__": f"k{i}", "png": png_bytes(images[i], optimize=False), "json": b"{}"}
                    )
            with open(f"{out}/{s}.tar", "wb") as f:
                f.write(buf.getvalue())
    return time.perf_counter() - t


def main() -> None:
    from pacslabel.config import load_config
    from pacslabel.export import ExportConfig, run_export
    from pacslabel.runroot import RunRoot
    from pacslabel.runtime import RayConfig, init_ray

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=4000)
    p.add_argument("--new", type=int, default=400)
    p.add_argument("--ray-cpus", type=int, default=2)
    p.add_argument("--writers", type=int, default=2)
    p.add_argument("--shard", type=int, default=1000)
    args = p.parse_args()
    init_ray(RayConfig(num_cpus=args.ray_cpus, progress_bars=False))
    with tempfile.TemporaryDirectory() as tmp:
        rr = RunRoot(f"{tmp}/run")
        write_run_root(rr, 0, args.n)
        t_base = baseline(rr, args.shard)
        over = [
            f"run_root={rr.uri}",
            f"out={tmp}/ds",
            f"writers={args.writers}",
            f"samples_per_shard={args.shard}",
        ]
        cfg = load_config(ExportConfig, None, [*over, "num_cpus=0.5", "join_partitions=4"])
        t = time.perf_counter()
        first = run_export(cfg)
        t_first = time.perf_counter() - t
        write_run_root(rr, args.n, args.new)
        t = time.perf_counter()
        second = run_export(cfg)
        t_second = time.perf_counter() - t
    result = {
        "n": args.n,
        "ray_cpus": args.ray_cpus,
        "baseline_samples_per_s": round(args.n / t_base, 1),
        "export_samples_per_s": round(args.n / t_first, 1),
        "export_over_baseline": round(t_base / t_first, 2),
        "incremental_new": second["new_samples"],
        "incremental_s": round(t_second, 1),
        "full_s": round(t_first, 1),
    }
    assert first["samples"] == args.n and second["new_samples"] == args.new
    print(
        f"export of {args.n:,d} images (256 x 256) on {args.ray_cpus} Ray CPUs: "
        f"{result['export_samples_per_s']} samples/s ({t_first:.1f} s, joins included); single-process "
        f"baseline {result['baseline_samples_per_s']} samples/s -> {result['export_over_baseline']:.2f}x; "
        f"incremental export of {args.new} new: {t_second:.1f} s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
