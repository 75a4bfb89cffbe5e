"""The label stage end to end at the paper's scale: 1,337,926 instances with 1,532-d fused embeddings.

    .venv/bin/python bench/bench_label_scale.py [--rows 1337926] [--baseline-frac 0.1] [--cpus 2]
        [--dims images=500,tags=32,reports=1000] [--work DIR] [--keep]

A synthetic run root as the earlier stages write it: ``tags/`` (keys, Modality, descriptions), ``regions/``,
``embeddings/images`` and ``embeddings/tags`` (one vector per instance) and ``embeddings/reports`` (one per
study), with cluster structure: every modality x region x appearance group has a centre per source, every
series an offset, every instance noise; written in chunks, so the generator holds only per-series state
(a group and an offset: about 55 bytes per row at the default dimensions), never the embeddings. Then,
each in a fresh process sampled by bench_ingest's RSS sampler, the label job (modality-balanced training
sample, K chosen per partition, FAISS fit, Ray Data assignment of every row, labels/ written) and the
evaluate job (metrics.json, report.html, scored against the generated groups,
streamed).

The baseline is the same run on ``baseline-frac`` of the rows, measured in the same invocation: the printed
ratios are seconds per row and peak memory, full / baseline (flat = 1). Targets on a 2-core machine: under 15
minutes end to end, driver peak under 4 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

MODALITIES = {"CT": 0.35, "MR": 0.3, "CR": 0.08, "DX": 0.07, "US": 0.08, "MG": 0.05, "PT": 0.04, "XA": 0.03}
REGIONS = ("HEAD", "NECK", "CHEST", "ABDOMEN", "PELVIS", "LSPINE", "CSPINE", "KNEE", "SHOULDER", "BREAST")
SERIES_SIZE = 40  # instances per series
SERIES_PER_STUDY = 4
CHUNK = 65_536


def _dims(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in (part.split("=") for part in text.split(","))}


class Archive:
    """Groups and their centres: each modality covers 4 regions with 1-6 appearances each."""

    def __init__(self, dims: dict[str, int], seed: int):
        rng = np.random.default_rng(seed)
        self.groups = [
            (m, str(r), f"A{a}")
            for m in MODALITIES
            for r in rng.choice(REGIONS, size=4, replace=False)
            for a in range(int(rng.integers(1, 7)))
        ]
        self.modality_of = np.array([g[0] for g in self.groups])
        per_modality = {m: int((self.modality_of == m).sum()) for m in MODALITIES}
        weights = np.array([MODALITIES[m] / per_modality[m] for m in self.modality_of])
        self.weights = weights / weights.sum()
        self.centres = {
            s: rng.normal(0, 1, (len(self.groups), d)).astype(np.float32) for s, d in dims.items()
        }


def _tensor(x: np.ndarray) -> pa.Array:
    return pa.FixedShapeTensorArray.from_numpy_ndarray(np.ascontiguousarray(x, dtype=np.float32))


def _strings(values) -> pa.Array:
    return pa.array(list(values), pa.string())


def _chunk_tables(arch: Archive, idx: np.ndarray, group: np.ndarray, offsets: dict, seed: int) -> dict:
    """The rows ``idx`` of tags/, regions/, truth and the per-instance embeddings."""
    series = idx // SERIES_SIZE
    study = series // SERIES_PER_STUDY
    uid = _strings(f"1.2.826.0.1.{i}" for i in idx)
    region = [arch.groups[g][1] for g in group]
    tags = {
        "sop_instance_uid": uid,
        "series_instance_uid": _strings(f"1.2.826.1.{s}" for s in series),
        "study_instance_uid": _strings(f"1.2.826.2.{s}" for s in study),
        "patient_key": _strings(f"p{s // 2}" for s in study),
        "accession_key": _strings(f"a{s}" for s in study),
        "modality": _strings(arch.modality_of[group]),
        "series_description": _strings(f"{arch.groups[g][2]} {arch.groups[g][1].lower()}" for g in group),
        "protocol_name": _strings(region),
    }
    tables = {
        "tags": pa.table(tags),
        "regions": pa.table({"sop_instance_uid": uid, "region": _strings(region)}),
        "truth": pa.table(
            {
                "sop_instance_uid": uid,
                "modality": tags["modality"],
                "anatomical_region": _strings(region),
                "appearance": _strings(arch.groups[g][2] for g in group),
            }
        ),
    }
    for k, (source, offset) in enumerate(offsets.items()):
        x = arch.centres[source][group] + offset[series]
        x += np.random.default_rng([seed, int(idx[0]), k]).normal(0, 0.5, x.shape).astype(np.float32)
        tables[f"embeddings/{source}"] = pa.table(
            {"sop_instance_uid": uid, "embedding": _tensor(x), "model_version": _strings(["b"] * len(idx))}
        )
    return tables


def generate(root: Path, truth: Path, rows: int, dims: dict[str, int], seed: int) -> dict:
    """Write the run root's input tables and ``truth``; return what was written."""
    arch = Archive(dims, seed)
    rng = np.random.default_rng(seed + 1)
    n_series = -(-rows // SERIES_SIZE)
    series_group = rng.choice(len(arch.groups), size=n_series, p=arch.weights)
    offsets = {s: rng.normal(0, 0.3, (n_series, dims[s])).astype(np.float32) for s in ("images", "tags")}
    writers: dict[str, pq.ParquetWriter] = {}
    studies_seen = 0
    for start in range(0, rows, CHUNK):
        idx = np.arange(start, min(rows, start + CHUNK))
        group = series_group[idx // SERIES_SIZE]
        tables = _chunk_tables(arch, idx, group, offsets, seed)
        # one report per study, centred on its first series' group, written with the chunk where the
        # study begins (studies are contiguous runs of rows)
        study = idx // SERIES_SIZE // SERIES_PER_STUDY
        new = np.unique(study[study >= studies_seen])
        studies_seen = int(new[-1]) + 1 if len(new) else studies_seen
        first = series_group[new * SERIES_PER_STUDY]
        rep = arch.centres["reports"][first]
        rep = rep + np.random.default_rng([seed, start, 9]).normal(0, 0.5, rep.shape).astype(np.float32)
        tables["embeddings/reports"] = pa.table(
            {
                "accession_key": _strings(f"a{s}" for s in new),
                "embedding": _tensor(rep),
                "model_version": _strings(["b"] * len(new)),
            }
        )
        for name, table in tables.items():
            if name not in writers:
                path = truth if name == "truth" else root / name / "part-0.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                writers[name] = pq.ParquetWriter(path, table.schema)
            writers[name].write_table(table)
    for w in writers.values():
        w.close()
    return {"rows": rows, "series": n_series, "studies": studies_seen, "groups": len(arch.groups)}


def child(job: str, run_root: str, truth: str, cpus: int) -> None:
    """Run the label or the evaluate job on ``run_root`` in this process; print one JSON line of its time
    and peaks (each job in its own process, so neither is charged with what the other left behind)."""
    sys.path.insert(0, str(BENCH))
    from bench_ingest import RssSampler

    from pacslabel.evaluate import EvaluateConfig, run_evaluate
    from pacslabel.label import LabelConfig, run_label
    from pacslabel.runtime import RayConfig

    out = {}
    with RssSampler(interval=0.5) as rss:
        t0 = time.perf_counter()
        if job == "label":
            cfg = LabelConfig(run_root=run_root, ray=RayConfig(num_cpus=cpus, progress_bars=False))
            cfg.validate()
            summary = run_label(cfg)
            out["labels"] = len(summary["label_sizes"])
            out["seconds"] = {k: summary[k] for k in ("seconds_sample", "seconds_fit", "seconds_assign")}
        else:
            run_evaluate(EvaluateConfig(run_root=run_root, truth=truth))
            metrics = json.loads((Path(run_root) / "metrics.json").read_text())
            test = metrics["splits"]["test"]["baselines"]["labels"]["truth"]
            out.update(nmi_fine_test=test["nmi_fine"], hs_modality_test=test["hs_modality"])
        out["seconds_total"] = time.perf_counter() - t0
    print(json.dumps({**out, **rss.peak}))


def _job(job: str, root: Path, truth: Path, cpus: int) -> dict:
    cmd = [sys.executable, __file__, "--cpus", str(cpus), "--child", job, str(root), str(truth)]
    out = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_one(work: Path, rows: int, dims: dict[str, int], cpus: int, seed: int) -> dict:
    root, truth = work / f"run-{rows}", work / f"truth-{rows}.parquet"
    t0 = time.perf_counter()
    made = generate(root, truth, rows, dims, seed)
    gen = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in root.rglob("*.parquet"))
    label, evaluate = _job("label", root, truth, cpus), _job("evaluate", root, truth, cpus)
    return {
        **made,
        "generate_seconds": gen,
        "input_bytes": disk,
        **{k: v for k, v in label.items() if k != "seconds_total"},
        "label_seconds": label["seconds_total"],
        "evaluate_seconds": evaluate["seconds_total"],
        "nmi_fine_test": evaluate["nmi_fine_test"],
        "hs_modality_test": evaluate["hs_modality_test"],
        "evaluate_driver": evaluate["driver"],
        "evaluate_driver_private": evaluate["driver_private"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_337_926)
    ap.add_argument("--baseline-frac", type=float, default=0.1)
    ap.add_argument("--dims", default="images=500,tags=32,reports=1000")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default="", help="directory for the run roots (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the run roots")
    ap.add_argument("--child", nargs=3, metavar=("JOB", "RUN_ROOT", "TRUTH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child, args.cpus)
        return
    dims = _dims(args.dims)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-label-scale-"))
    results = {}
    try:
        for rows in (max(1000, round(args.rows * args.baseline_frac)), args.rows):
            r = results[rows] = run_one(work, rows, dims, args.cpus, args.seed)
            end_to_end = r["label_seconds"] + r["evaluate_seconds"]
            keys = ("driver", "driver_private", "one_worker", "workers", "evaluate_driver", "input_bytes")
            keys += ("evaluate_driver_private",)
            gb = {k: r[k] / 2**30 for k in keys}
            print(
                f"{rows:>10,} rows, {sum(dims.values())}-d ({r['studies']:,} studies, {r['groups']} groups): "
                f"label {r['label_seconds']:.0f} s + evaluate {r['evaluate_seconds']:.0f} s = "
                f"{end_to_end:.0f} s ({rows / end_to_end:,.0f} rows/s); {r['labels']} labels, "
                f"test NMI fine {r['nmi_fine_test']:.3f}, homogeneity modality {r['hs_modality_test']:.3f}; "
                f"peak RSS label driver {gb['driver']:.2f} GB (private {gb['driver_private']:.2f}), "
                f"evaluate driver {gb['evaluate_driver']:.2f} GB "
                f"(private {gb['evaluate_driver_private']:.2f}), label's largest worker "
                f"{gb['one_worker']:.2f} GB, all workers {gb['workers']:.2f} GB; "
                f"input {gb['input_bytes']:.2f} GB "
                f"(generated in {r['generate_seconds']:.0f} s)"
            )
            print(f"  label seconds: {r['seconds']}")
            sys.stdout.flush()
            if not args.keep:
                shutil.rmtree(work / f"run-{rows}", ignore_errors=True)
                (work / f"truth-{rows}.parquet").unlink(missing_ok=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    small, large = results.values()
    per_row = {
        k: (large[k] / large["rows"]) / (small[k] / small["rows"])
        for k in ("label_seconds", "evaluate_seconds")
    }
    total = large["label_seconds"] + large["evaluate_seconds"]
    print(
        f"full / baseline: seconds per row label {per_row['label_seconds']:.2f}, evaluate "
        f"{per_row['evaluate_seconds']:.2f}; "
        f"peak driver label {large['driver'] / max(small['driver'], 1):.2f}, "
        f"evaluate {large['evaluate_driver'] / max(small['evaluate_driver'], 1):.2f}, "
        f"largest worker {large['one_worker'] / max(small['one_worker'], 1):.2f}. "
        f"Targets: end to end {total / 60:.1f} min (< 15), driver "
        f"{max(large['driver'], large['evaluate_driver']) / 2**30:.2f} GB (< 4)"
    )


if __name__ == "__main__":
    main()
