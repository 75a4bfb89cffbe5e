"""The search index under ``models/search/``: the FAISS index, the instance of every index row, meta.

Files: ``index-<version>.faiss`` (the whole index, rewritten by each update), ``ids/part-<version>.parquet``
(sop_instance_uid of the rows each update added, in row order: append-only, so the keys not yet
indexed are found by a key scan like relabel's increments) and ``meta.json`` (kind, dims, rows, version,
the parts in order, the labelling model's run id), written last: it commits an update. Parts and index
files it does not name are leftovers of an interrupted update and are removed by the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pacslabel.runroot import SEARCH, UID, RunRoot
from pacslabel.search.index import from_bytes, to_bytes

log = logging.getLogger(__name__)

IDS = f"{SEARCH}/ids"


@dataclass
class SearchIndex:
    """A CPU FAISS index and the sop_instance_uid of each of its rows."""

    index: object
    uids: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.index.ntotal)

    @staticmethod
    def exists(rr: RunRoot) -> bool:
        return rr.exists(SEARCH, "meta.json")

    @classmethod
    def load(cls, rr: RunRoot) -> SearchIndex:
        meta = rr.read_json(SEARCH, "meta.json")
        index = from_bytes(rr.read_bytes(SEARCH, meta["index_file"]))
        parts = [pq.read_table(rr.path(IDS, p), filesystem=rr.fs).column(UID) for p in meta["parts"]]
        uids = np.asarray(pa.chunked_array(parts, pa.string()).to_pylist(), dtype=object)
        if len(uids) != index.ntotal:
            raise RuntimeError(f"{rr.uri_of(SEARCH)}: {index.ntotal} index rows but {len(uids)} ids")
        return cls(index, uids, meta)

    def save(self, rr: RunRoot, new_uids: list[str], meta: dict) -> None:
        """Write the index and the ids of the rows just added, then commit ``meta``."""
        version = int(self.meta.get("version", 0)) + 1
        name = f"part-{version:06d}.parquet"
        rr.makedirs(*IDS.split("/"))
        pq.write_table(pa.table({UID: pa.array(new_uids, pa.string())}), rr.path(IDS, name), filesystem=rr.fs)
        index_file = f"index-{version:06d}.faiss"
        rr.write_bytes(to_bytes(self.index), SEARCH, index_file)
        parts = [*self.meta.get("parts", []), name] if new_uids else list(self.meta.get("parts", []))
        if not new_uids:
            rr.fs.delete_file(rr.path(IDS, name))
        self.meta = {**meta, "version": version, "index_file": index_file, "parts": parts, "rows": self.n}
        rr.write_json(self.meta, SEARCH, "meta.json")
        remove_leftovers(rr, self.meta)


def remove_leftovers(rr: RunRoot, meta: dict) -> None:
    """Delete index files and id parts that ``meta`` does not name (``meta`` {}: the whole index)."""
    if not rr.exists(SEARCH):
        return
    keep = {meta.get("index_file"), *meta.get("parts", []), "meta.json", "ids"}
    for info in rr.fs.get_file_info(pafs.FileSelector(rr.path(SEARCH), recursive=True)):
        if info.type == pafs.FileType.File and info.base_name not in keep:
            rr.fs.delete_file(info.path)
    if not meta and rr.exists(SEARCH, "meta.json"):
        rr.fs.delete_file(rr.path(SEARCH, "meta.json"))
