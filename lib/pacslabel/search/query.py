"""Queries: the k instances of the archive nearest to an archive instance or to a new DICOM file."""

from __future__ import annotations

import logging
import os

import numpy as np

from pacslabel.label.batches import Assigner
from pacslabel.label.context import context_rows
from pacslabel.label.inputs import increment_table
from pacslabel.label.model import LabelModel
from pacslabel.relabel.increment import rows_with_keys
from pacslabel.runroot import LABELS, UID, RunRoot
from pacslabel.search.batches import fused_rows
from pacslabel.search.config import IndexConfig
from pacslabel.search.embed import file_inputs
from pacslabel.search.index import OnDevice, knn, set_search_params
from pacslabel.search.store import SearchIndex

log = logging.getLogger(__name__)


def is_file_query(query: str) -> bool:
    return os.path.isfile(query)


def archive_inputs(rr: RunRoot, model, uid: str):
    """Fusion-input row of an archive instance, read by key like relabel reads its increments."""

    table = increment_table(rr, list(model.fusion.sources), np.asarray([uid], dtype=object), rows_with_keys)
    emb = [c for c in table.column_names if c.startswith("emb_")]
    if not any(table.column(c).null_count < table.num_rows for c in emb):
        raise KeyError(f"{uid}: no embedding of this sop_instance_uid in {rr.uri}")
    return table


def describe(rr: RunRoot, model, uids: list[str]) -> dict[str, dict]:
    """uid -> label, label name, modality and region (from labels/, tags/ and regions/)."""

    context = context_rows(rr, np.asarray(uids, dtype=object), rows_with_keys)
    labels = rows_with_keys(rr, LABELS, UID, uids, [UID, "label"])
    label_of = dict(zip(labels.column(UID).to_pylist(), labels.column("label").to_pylist(), strict=True))
    out = {}
    for i, u in enumerate(uids):
        label = label_of.get(u)
        out[u] = {
            "label": label,
            "label_name": model.names.get(label) if label is not None else None,
            "modality": context["modality"][i],
            "region": context["region"][i],
        }
    return out


def search(run_root: str | RunRoot, query: str, k: int = 10, index: IndexConfig | None = None) -> dict:
    """The ``k`` nearest archive instances to ``query`` (a sop_instance_uid of the archive, or the path
    of a DICOM file), nearest first: ``{"query": {...}, "k": k, "results": [{rank, sop_instance_uid,
    label, label_name, modality, region, distance}]}``; distances are Euclidean in the fused space."""
    return answer(run_root, query, k, index)[0]


def answer(run_root: str | RunRoot, query: str, k: int = 10, index: IndexConfig | None = None):
    """(:func:`search`'s result, the query file's ``(S, S)`` image or None for an archive query)."""

    rr = run_root if isinstance(run_root, RunRoot) else RunRoot(run_root)
    index = index or IndexConfig()
    if not SearchIndex.exists(rr):
        raise FileNotFoundError(f"no search index under {rr.uri}; run `pacslabel search run_root=...` first")
    store = SearchIndex.load(rr)
    model = LabelModel.load(rr)
    if store.meta.get("model_run_id") != model.meta.get("run_id"):
        log.warning("the search index was built for another labelling model; rebuild it")
    from_file = is_file_query(query)
    if from_file:
        row, image = file_inputs(rr, model, query)
        assigned = Assigner(model, "query")(row).column("label")[0].as_py()
        info = {"source": "file", "label": assigned, "label_name": model.names.get(assigned)}
        info.update({c: row.column(c)[0].as_py() for c in ("modality", "region")})
    else:
        row, image = archive_inputs(rr, model, query), None
        info = {"source": "archive", UID: query, **describe(rr, model, [query])[query]}
    device = OnDevice(store.index, index.device)
    set_search_params(device.index, index.nprobe, index.ef_search)
    extra = 0 if from_file else 1
    dist, rows = knn(device.index, fused_rows(row, model), min(k + extra, store.n))
    hits = [(store.uids[r], float(d)) for r, d in zip(rows[0], dist[0], strict=True) if r >= 0]
    hits = [(u, d) for u, d in hits if u != query][:k]
    about = describe(rr, model, [u for u, _ in hits]) if hits else {}
    results = [{"rank": i + 1, UID: u, **about[u], "distance": round(d, 6)} for i, (u, d) in enumerate(hits)]
    return {"query": info, "k": k, "results": results}, image
