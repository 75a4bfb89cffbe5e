"""The export stage: labelled instances -> a training set (WebDataset shards or ImageFolder PNGs) plus a
Parquet manifest, on Ray Data.

labels/ joined with tags/ and regions/ -> selection, keys and splits (:class:`Selector`) -> anti-join
with the committed manifest (only new instances) -> per-label caps -> inner join with images/ ->
:class:`ShardWriter` batches. Re-running adds what a relabel labelled since; shards already written are
never rewritten.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pyarrow as pa

from pacslabel.export.batches import CapFilter, Selector, ShardWriter
from pacslabel.export.config import ExportConfig
from pacslabel.export.select import cap_thresholds
from pacslabel.export.state import META, ExportState
from pacslabel.imagecol import PIXELS
from pacslabel.label.batches import plain_strings
from pacslabel.label.context import read_context
from pacslabel.label.model import MODEL_DIR, LabelModel
from pacslabel.label.run import new_run_id
from pacslabel.runroot import EXPORTS, IMAGES, LABELS, TAGS, UID, RunRoot
from pacslabel.runtime import init_ray, join_kwargs

log = logging.getLogger(__name__)


def export_dir(cfg: ExportConfig) -> RunRoot:
    return RunRoot(cfg.out or RunRoot(cfg.run_root).uri_of(EXPORTS, "default"))


def _candidates(rr: RunRoot, cfg: ExportConfig, done: pa.Array, names: dict[int, str]):
    """Lazy dataset of the selected instances not yet exported (no pixels)."""
    import ray

    n_joins = 2 + int(len(done) > 0)
    args = join_kwargs(n_joins, cfg.join_partitions)
    ds = rr.read_parquet(LABELS, columns=[UID, "label"])
    ds = ds.map_batches(plain_strings, batch_format="pyarrow")
    if rr.has_table(TAGS):
        context = read_context(rr, False, cfg.join_partitions, n_joins)
        ds = ds.join(context, join_type="left_outer", on=(UID,), **args)
    ds = ds.map_batches(Selector(cfg.selection(), rr.salt(), names), batch_format="pyarrow")
    if len(done):
        ds = ds.join(ray.data.from_arrow(pa.table({"key": done})), join_type="left_anti", on=("key",), **args)
    return ds


def _capped(ds, cfg: ExportConfig, exported: pa.Table):
    """Keep, per label, at most what its cap leaves room for (lowest seeded ranks first)."""
    batches = ds.select_columns(["label", "rank"]).iter_batches(batch_format="numpy", batch_size=None)
    parts = [b for b in batches if len(b["label"])]
    if not parts:
        return ds
    label = np.concatenate([b["label"] for b in parts])
    rank = np.concatenate([b["rank"] for b in parts])
    have = dict(zip(*np.unique(exported.column("label").to_numpy(), return_counts=True), strict=True))
    room = {int(v): cfg.max_per_label - int(have.get(v, 0)) for v in np.unique(label)}
    room = {k: v for k, v in room.items() if v < int((label == k).sum())}
    if not room:
        return ds
    return ds.map_batches(CapFilter(cap_thresholds(label, rank, room)), batch_format="pyarrow")


def _counts(table: pa.Table, column: str) -> dict[str, int]:
    values, counts = np.unique(np.asarray(table.column(column).to_pylist(), dtype=str), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}


def run_export(cfg: ExportConfig) -> dict:
    """Export the selected labelled instances that the export directory lacks; returns a summary."""
    import ray

    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    if not rr.has_table(LABELS):
        raise FileNotFoundError(f"no labels/ under {rr.uri}; run the label job first")
    out = export_dir(cfg)
    model = rr.read_json(MODEL_DIR, "meta.json") if LabelModel.exists(rr) else {}
    names = {int(k): v for k, v in model.get("label_names", {}).items()}
    state = ExportState(out)
    state.check(cfg.selection(), model.get("run_id"), cfg.overwrite)
    leftovers = state.remove_leftovers()
    before = state.manifest(["key", "label"])
    export_run = new_run_id()
    t0 = time.perf_counter()

    # materialised (keys and labels only) so the pixel join below runs alone on the cluster's CPUs
    ds = _candidates(rr, cfg, before.column("key").combine_chunks(), names).materialize()
    if cfg.max_per_label:
        ds = _capped(ds, cfg, before)
    images = rr.read_parquet(IMAGES, columns=[UID, PIXELS])
    ds = ds.join(images, join_type="inner", on=(UID,), **join_kwargs(1, cfg.join_partitions))
    written = ds.map_batches(
        ShardWriter,
        fn_constructor_kwargs={"out": out.uri, "fmt": cfg.format, "export_run": export_run},
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=cfg.writers),
        batch_size=cfg.samples_per_shard,
        batch_format="pyarrow",
        num_cpus=cfg.num_cpus,
    )
    new = [t for t in written.iter_batches(batch_format="pyarrow", batch_size=None) if t.num_rows]
    new = pa.concat_tables(new) if new else None
    seconds = time.perf_counter() - t0
    n_new = 0 if new is None else new.num_rows
    manifest = state.manifest(["label", "split", "shard"])
    summary = {
        "out": out.uri,
        "format": cfg.format,
        "export_run": export_run,
        "new_samples": n_new,
        "new_files": 0 if new is None else len(set(new.column("shard").to_pylist())),
        "samples": manifest.num_rows,
        "by_split": _counts(manifest, "split"),
        "by_label": _counts(manifest, "label"),
        "leftover_shards_removed": leftovers,
        "seconds_export": round(seconds, 3),
        "samples_per_second": round(n_new / seconds, 1) if seconds > 0 else None,
    }
    runs = [*state.meta.get("runs", []), {k: summary[k] for k in ("export_run", "new_samples")}]
    out.write_json(
        {
            "selection": cfg.selection(),
            "model_run_id": model.get("run_id"),
            "samples": manifest.num_rows,
            "by_split": summary["by_split"],
            "by_label": summary["by_label"],
            "label_names": {str(k): v for k, v in sorted(names.items())},
            "runs": runs,
        },
        META,
    )
    log.info("exported %d new samples (%d in all) to %s", n_new, manifest.num_rows, out.uri)
    return summary
