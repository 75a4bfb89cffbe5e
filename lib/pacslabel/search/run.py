"""The search stage: build or update the FAISS index over the fused embeddings, answer a query.

``update_index`` finds the labelled instances the index lacks (a key scan of labels/ against the
index's id parts, as relabel finds its increments), fuses their embeddings with the labelling model on
Ray Data (the label stage's fusion inputs, an actor pool holding the model) and adds them. A new IVF
index is first trained on the first ``train_sample`` fused rows (the joins' hash partitioning mixes the
archive's files). An index built for another labelling model (a retrain) is rebuilt from scratch.
"""

from __future__ import annotations

import logging
import re
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pacslabel.evaluate.thumbnails import load_thumbnails, png_data_uri
from pacslabel.label.inputs import fusion_inputs
from pacslabel.label.model import LabelModel
from pacslabel.relabel.increment import find_increment
from pacslabel.runroot import LABELS, SEARCH_RESULTS, UID, RunRoot
from pacslabel.runtime import init_ray
from pacslabel.search.batches import FuseBatch
from pacslabel.search.config import IndexConfig, SearchConfig
from pacslabel.search.index import OnDevice, new_index, train
from pacslabel.search.page import results_page
from pacslabel.search.query import answer
from pacslabel.search.store import IDS, SearchIndex, remove_leftovers

log = logging.getLogger(__name__)


def _fused(rr: RunRoot, model, keys: list[str] | None, cfg: IndexConfig):
    """Lazy dataset of ``sop_instance_uid`` + ``vector`` of the instances ``keys`` (None: every instance)."""
    import ray

    ds = fusion_inputs(rr, list(model.fusion.sources), partitions=cfg.join_partitions, uids=keys)
    return ds.map_batches(
        FuseBatch,
        fn_constructor_kwargs={"model": model},
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=2),
        batch_size=cfg.batch_size,
        batch_format="pyarrow",
        num_cpus=0.5,
    )


def _wanted(batch: dict, keys: pa.Array) -> dict:
    """The rows of a fused batch whose uid is in ``keys``."""
    keep = pc.is_in(pa.array(batch[UID].tolist(), pa.string()), value_set=keys).to_numpy(zero_copy_only=False)
    return {UID: batch[UID][keep], "vector": batch["vector"][keep]}


def update_index(rr: RunRoot, cfg: IndexConfig, rebuild: bool = False) -> dict:
    """Add the labelled instances the index lacks (all of them for a new index); returns counts."""

    model = LabelModel.load(rr)
    run_id = model.meta.get("run_id")
    store = SearchIndex.load(rr) if SearchIndex.exists(rr) and not rebuild else None
    if store is not None and store.meta.get("model_run_id") != run_id:
        log.warning("the labelling model changed since the index was built: rebuilding it")
        store = None
    remove_leftovers(rr, store.meta if store is not None else {})
    inc = find_increment(rr, LABELS, UID, IDS)
    t0 = time.perf_counter()
    if store is None:
        d = int(model.centroids.shape[1])
        index = new_index(
            cfg.kind, d, len(inc), nlist=cfg.nlist, hnsw_m=cfg.hnsw_m, ef_construction=cfg.ef_construction
        )
        store = SearchIndex(index, np.zeros(0, dtype=object), {})
    if len(inc) == 0:
        return {"added": 0, "rows": store.n, "kind": store.meta.get("kind", cfg.kind)}
    device = OnDevice(store.index, cfg.device)
    added, pending = [], []
    # a new index takes (nearly) every instance: all are fused and the few without a label dropped here
    keys = None if store.n == 0 else inc.keys.to_pylist()
    batches = _fused(rr, model, keys, cfg).iter_batches(batch_format="numpy", batch_size=cfg.batch_size)
    for batch in batches:
        pending.append(_wanted(batch, inc.keys))
        if not device.index.is_trained and sum(len(b[UID]) for b in pending) < cfg.train_sample:
            continue
        x = np.concatenate([b["vector"] for b in pending]).astype(np.float32)
        train(device.index, x[: cfg.train_sample])
        device.index.add(x)
        added += [u for b in pending for u in b[UID].tolist()]
        pending = []
    if pending:
        x = np.concatenate([b["vector"] for b in pending]).astype(np.float32)
        train(device.index, x)
        device.index.add(x)
        added += [u for b in pending for u in b[UID].tolist()]
    store.index = device.cpu()
    meta = {
        "kind": cfg.kind,
        "dims": int(model.centroids.shape[1]),
        "model_run_id": run_id,
        "sources": list(model.fusion.sources),
        "nlist": getattr(store.index, "nlist", None),
    }
    store.save(rr, added, meta)
    seconds = time.perf_counter() - t0
    log.info("search index: added %d rows (%d in all) in %.1f s", len(added), store.n, seconds)
    return {
        "added": len(added),
        "rows": store.n,
        "kind": cfg.kind,
        "gpu": device.gpu,
        "seconds": round(seconds, 3),
    }


def _slug(query: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", query.rsplit("/", 1)[-1])[:80] or "query"


def run_search(cfg: SearchConfig) -> dict:
    """Build / update the index; with ``cfg.query`` also write results.json and results.html."""

    init_ray(cfg.ray)
    rr = RunRoot(cfg.run_root)
    summary = {"index": update_index(rr, cfg.index, cfg.rebuild)}
    if not cfg.query:
        return summary
    result, image = answer(rr, cfg.query, cfg.k, cfg.index)
    out = RunRoot(cfg.out or rr.uri_of(SEARCH_RESULTS, _slug(cfg.query)))
    thumbs = load_thumbnails(rr, {r[UID] for r in result["results"]} | {cfg.query}, cfg.thumbnail_px)
    query_thumb = png_data_uri(image, cfg.thumbnail_px) if image is not None else thumbs.get(cfg.query)
    out.write_json(result, "results.json")
    out.write_text(results_page(result, thumbs, query_thumb, cfg.thumbnail_px), "results.html")
    summary.update({"results": out.uri_of("results.json"), "page": out.uri_of("results.html"), **result})
    return summary
