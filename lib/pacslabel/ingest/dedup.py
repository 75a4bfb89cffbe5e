"""One instance per SOP Instance UID: which copy is kept, and the rewrite of every other copy.

A SOP Instance UID arrives in several files when a study is exported twice, re-sent, or stored in
another encoding. One of them, the kept copy, has the UID's rows in tags/ (and images/). Every other
file with that UID is a rejects row ``duplicate_instance`` (stage ``dedup``) whose message names the
kept copy's path as the manifest records it, with status ``rejected`` in the manifest.

The kept copy is the first by :func:`rank_key`, then path:

1. a copy that became an image before one that did not (truncated, undecodable, refused by a policy);
2. a lossless transfer syntax (:data:`LOSSLESS_SYNTAXES`) before a lossy one;
3. a copy from an earlier run before a later one: a copy of equal quality never replaces a
   committed image, from which features, embeddings and labels downstream were made;
4. path order.

So a better copy (an image where the committed copy has none, or lossless where it is lossy) that
arrives in a later run supersedes the committed copy: the UID's rows move to the new copy, and the
committed copy and every earlier duplicate are re-pointed to it. A copy of equal or lower quality
adds one rejects row and nothing else. The outcome is the one a single run over all the files gives,
up to which of equally good copies stays. A file recorded as a duplicate is not revisited when the
kept file later changes or disappears (touch it to have it ingested again).

Duplicates are resolved in two places. Each batch's worker resolves the copies within its batch
before it commits (:func:`batch_losers`). After the batches, :func:`deduplicate` resolves the whole
run root: candidates are the tags/ rows (with their image status) and the earlier duplicates of
rejects/ (which carry their ``sop_instance_uid``); they are grouped by UID in the driver for a small
run root, else by a Ray hash aggregation on ``sop_instance_uid``, so no process holds every UID.
Each batch with a loser is rewritten by one task: images/, rejects/ and manifest/ first, tags/ last,
so a run killed half-way leaves the loser's tags row in place and the next run redoes the rewrite.
"""

from __future__ import annotations

import collections
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pacslabel.ingest.tables import (
    MANIFEST_SCHEMA,
    REJECTS_SCHEMA,
    batch_id_of,
    shard_name,
    write_table_atomic,
)
from pacslabel.ingest.tag_row import TAGS_SCHEMA
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, TAGS, UID, RunRoot

log = logging.getLogger(__name__)

DUPLICATE = "duplicate_instance"
STAGE = "dedup"
PENDING = ("_ingest", "dedup_pending")
"""Written before a run commits its first batch, removed when its deduplication has finished: a run
with nothing new to ingest deduplicates only after one that did not finish."""

LOSSLESS_SYNTAXES = frozenset(
    {
        "1.2.840.10008.1.2",  # implicit VR little endian
        "1.2.840.10008.1.2.1",  # explicit VR little endian
        "1.2.840.10008.1.2.1.98",  # encapsulated uncompressed
        "1.2.840.10008.1.2.1.99",  # deflated
        "1.2.840.10008.1.2.2",  # explicit VR big endian
        "1.2.840.10008.1.2.4.57",  # JPEG lossless, process 14
        "1.2.840.10008.1.2.4.70",  # JPEG lossless, first-order prediction
        "1.2.840.10008.1.2.4.80",  # JPEG-LS lossless
        "1.2.840.10008.1.2.4.90",  # JPEG 2000 lossless
        "1.2.840.10008.1.2.4.92",  # JPEG 2000 part 2 multi-component lossless
        "1.2.840.10008.1.2.4.201",  # HTJ2K lossless
        "1.2.840.10008.1.2.4.202",  # HTJ2K lossless RPCL
        "1.2.840.10008.1.2.4.110",  # JPEG XL lossless
        "1.2.840.10008.1.2.5",  # RLE lossless
        "1.2.840.10008.1.2.8.1",  # deflated image frame compression
    }
)
"""Transfer syntaxes that keep every stored value; any other (JPEG baseline / extended, JPEG-LS
near-lossless, JPEG 2000, HTJ2K, MPEG / HEVC video, private) counts as lossy. A file without file meta
(a raw dataset, read as implicit VR little endian) counts as lossless."""

SEP = "\x00"  # never part of a path or a UID
KEPT, DEMOTE, REPOINT = "T", "demote", "repoint"
EARLIER = "D"  # an earlier duplicate (a rejects row): never kept
ACTION_SCHEMA = pa.schema(
    [
        ("batch_id", pa.string()),
        ("file_path", pa.string()),
        ("action", pa.string()),
        ("kept_path", pa.string()),
    ]
)
"""What :func:`resolve` decides per file (Ray 2.58's Parquet reader drops a column named "path")."""
BATCHES_PER_TASK = 64


def is_lossless(transfer_syntax_uid: str | None) -> bool:
    return transfer_syntax_uid is None or transfer_syntax_uid in LOSSLESS_SYNTAXES


def rank_key(has_image: bool, transfer_syntax_uid: str | None, run_id: str | None) -> str:
    """The copy with the smallest (rank key, path) is kept (see the module doc)."""
    return f"{int(not has_image)}{int(not is_lossless(transfer_syntax_uid))}{run_id or ''}"


def duplicate_message(kept_path: str) -> str:
    return f"same SOP Instance UID as the copy kept: {kept_path}"


def batch_losers(tags_rows: list[dict[str, Any]], image_paths: set[str]) -> dict[str, str]:
    """Path of every copy that loses to another of the same batch -> the kept copy's path."""
    by_uid: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for row in tags_rows:
        by_uid[row[UID]].append(row)
    losers: dict[str, str] = {}
    for rows in by_uid.values():
        if len(rows) < 2:
            continue
        ranked = sorted(
            rows,
            key=lambda r: (
                rank_key(r["path"] in image_paths, r["transfer_syntax_uid"], r["run_id"]),
                r["path"],
            ),
        )
        losers.update((r["path"], ranked[0]["path"]) for r in ranked[1:])
    return losers


# ---- candidates of the whole run root ----------------------------------------------------------------


def _shard(root: RunRoot, table: str, batch_id: str) -> str:
    return root.path(table, shard_name(batch_id))


def _read(root: RunRoot, table: str, batch_id: str, columns: list[str] | None = None) -> pa.Table | None:
    """A batch's shard of ``table`` (None when it has none)."""
    path = _shard(root, table, batch_id)
    if root.fs.get_file_info(path).type == pafs.FileType.NotFound:
        return None
    return pq.read_table(path, columns=columns, filesystem=root.fs)


def _columns(root: RunRoot, table: str, batch_id: str) -> list[str]:
    return pq.read_schema(_shard(root, table, batch_id), filesystem=root.fs).names


def _entry(rank: str, path: str, kind: str, batch_id: str, message: str = "") -> str:
    """A candidate as one sortable string: entries sort by (rank key, path)."""
    return SEP.join((rank, path, kind, batch_id, message))


def candidates(uri: str, batches: list[tuple[str, bool, bool, bool]]) -> pa.Table:
    """(sop_instance_uid, entry) of every tags/ row and every earlier duplicate in rejects/ of
    ``batches``: (batch id, has a tags shard, has an images shard, has a rejects shard). A rejects shard
    written before duplicates were resolved has no ``sop_instance_uid`` column, and no duplicate."""
    root = RunRoot(uri)
    uids: list[str] = []
    entries: list[str] = []
    for batch_id, has_tags, has_images, has_rejects in batches:
        if has_tags:
            tags = _read(root, TAGS, batch_id, [UID, "path", "transfer_syntax_uid", "run_id"])
            images = set(_read(root, IMAGES, batch_id, ["path"])["path"].to_pylist()) if has_images else set()
            for uid, path, tsuid, run_id in zip(*tags.to_pydict().values(), strict=True):
                uids.append(uid)
                entries.append(_entry(rank_key(path in images, tsuid, run_id), path, KEPT, batch_id))
        if has_rejects and UID in _columns(root, REJECTS, batch_id):
            rej = _read(root, REJECTS, batch_id, ["path", "reason", "message", UID])
            rej = rej.filter(pc.and_(pc.equal(rej["reason"], DUPLICATE), pc.is_valid(rej[UID])))
            for path, message, uid in zip(*rej.drop_columns(["reason"]).to_pydict().values(), strict=True):
                uids.append(uid)
                entries.append(_entry("2", path, EARLIER, batch_id, message))
    return pa.table({UID: pa.array(uids, pa.string()), "entry": pa.array(entries, pa.string())})


def resolve(groups: pa.Table) -> pa.Table:
    """``ACTION_SCHEMA`` rows from (sop_instance_uid, entries: list of candidates) groups: every copy
    but the first is demoted, every earlier duplicate that names another copy is re-pointed. A UID
    whose copies are all earlier duplicates (its kept file changed or was superseded) is left alone."""
    groups = groups.filter(pc.greater_equal(pc.list_value_length(groups["entries"]), 2))
    rows: dict[str, list[str]] = {name: [] for name in ACTION_SCHEMA.names}

    def add(batch_id: str, path: str, action: str, kept: str) -> None:
        for name, value in zip(ACTION_SCHEMA.names, (batch_id, path, action, kept), strict=True):
            rows[name].append(value)

    for entries in groups["entries"].to_pylist():
        parsed = [e.split(SEP) for e in sorted(entries)]
        _, kept, kind, _, _ = parsed[0]
        if kind != KEPT:
            continue
        for _, path, kind, batch_id, message in parsed[1:]:
            if kind == KEPT:
                add(batch_id, path, DEMOTE, kept)
            elif message != duplicate_message(kept):
                add(batch_id, path, REPOINT, kept)
    return pa.table(rows, schema=ACTION_SCHEMA)


# ---- rewrite of one batch ------------------------------------------------------------------------------


def _write(root: RunRoot, table: str, batch_id: str, data: pa.Table) -> None:
    """Replace a shard atomically; a shard left without rows is deleted."""
    if data.num_rows:
        write_table_atomic(root.fs, root.path(table), shard_name(batch_id), data)
    elif root.exists(table, shard_name(batch_id)):
        root.fs.delete_file(_shard(root, table, batch_id))


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``schema`` (a column that older shards lack is null)."""
    cols = [
        table[f.name] if f.name in table.column_names else pa.nulls(table.num_rows, f.type) for f in schema
    ]
    return pa.Table.from_arrays(cols, schema=schema)


def rewrite_batch(uri: str, batch_id: str, actions: pa.Table, run_id: str) -> dict[str, Any]:
    """Apply ``actions`` (``ACTION_SCHEMA`` rows of one batch) to its shards; counts, and the changes to
    this run's summary when the batch is one of run ``run_id``."""
    root = RunRoot(uri)
    kept = dict(zip(actions["file_path"].to_pylist(), actions["kept_path"].to_pylist(), strict=True))
    demote = actions.filter(pc.equal(actions["action"], DEMOTE))["file_path"].combine_chunks()
    tags = _read(root, TAGS, batch_id)
    tags = TAGS_SCHEMA.empty_table() if tags is None else tags
    demoted = tags.filter(pc.is_in(tags["path"], value_set=demote))
    dropped_images = 0
    images = _read(root, IMAGES, batch_id)
    if images is not None and len(demote):
        hit = pc.is_in(images["path"], value_set=demote)
        dropped_images = int(pc.sum(hit).as_py() or 0)
        if dropped_images:
            _write(root, IMAGES, batch_id, images.filter(pc.invert(hit)))
    rejects = _read(root, REJECTS, batch_id)
    rejects = REJECTS_SCHEMA.empty_table() if rejects is None else _conform(rejects, REJECTS_SCHEMA)
    replaced = rejects.filter(pc.is_in(rejects["path"], value_set=demote))
    rows = rejects.filter(pc.invert(pc.is_in(rejects["path"], value_set=demote))).to_pylist()
    for row in rows:
        if row["path"] in kept and row["reason"] == DUPLICATE:
            row["message"] = duplicate_message(kept[row["path"]])
    for row in demoted.to_pylist():
        rows.append(
            {
                "path": row["path"],
                "stage": STAGE,
                "reason": DUPLICATE,
                "message": duplicate_message(kept[row["path"]]),
                "run_id": row["run_id"],
                "transfer_syntax_uid": row["transfer_syntax_uid"],
                UID: row[UID],
            }
        )
    _write(root, REJECTS, batch_id, pa.Table.from_pylist(rows, schema=REJECTS_SCHEMA))
    if demoted.num_rows:
        manifest = _read(root, MANIFEST, batch_id)
        status = pc.if_else(pc.is_in(manifest["path"], value_set=demote), "rejected", manifest["status"])
        manifest = manifest.set_column(manifest.schema.get_field_index("status"), "status", status)
        write_table_atomic(root.fs, root.path(MANIFEST), shard_name(batch_id), manifest.cast(MANIFEST_SCHEMA))
        _write(root, TAGS, batch_id, tags.filter(pc.invert(pc.is_in(tags["path"], value_set=demote))))
    stats: dict[str, Any] = {
        "batches_rewritten": 1,
        "demoted": demoted.num_rows,
        "repointed": len(kept) - len(demote),
        "superseded": 0 if batch_id.startswith(f"{run_id}-") else demoted.num_rows,
    }
    if batch_id.startswith(f"{run_id}-"):
        reasons = collections.Counter(replaced["reason"].to_pylist())
        reasons.subtract({DUPLICATE: demoted.num_rows})
        stats["this_run"] = {
            "images": -dropped_images,
            "tags": -demoted.num_rows,
            "rejects": dropped_images,
            "reasons": {k: -v for k, v in reasons.items() if v},
        }
    return stats


def rewrite_group(actions: pa.Table, uri: str, run_id: str) -> pa.Table:
    """``map_groups`` function: the actions of one batch -> one row of JSON counts."""
    stats = rewrite_batch(uri, actions["batch_id"][0].as_py(), actions, run_id)
    return pa.table({"stats": [json.dumps(stats)]})


# ---- the whole run root --------------------------------------------------------------------------------


def _shard_ids(root: RunRoot, table: str) -> set[str]:
    if not root.exists(table):
        return set()
    infos = root.fs.get_file_info(pafs.FileSelector(root.path(table), recursive=False))
    return {b for b in (batch_id_of(i.path) for i in infos if i.type == pafs.FileType.File) if b}


def _fold(total: dict[str, Any], stats: dict[str, Any]) -> None:
    for key, value in stats.items():
        if isinstance(value, dict):
            _fold(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value


def deduplicate(
    root: RunRoot, run_id: str, driver_max_rows: int, partitions: Callable[[int], int], staging: str
) -> dict[str, Any]:
    """Resolve every SOP Instance UID held by more than one file under ``root`` (see the module doc):
    in this process up to ``driver_max_rows`` tags rows, else on Ray in ``partitions(tags rows)`` hash
    partitions (decisions staged under ``staging``/dedup). Returns counts; ``this_run`` holds the
    changes to the counts of run ``run_id``'s summary."""
    started = time.time()
    committed = _shard_ids(root, MANIFEST)
    tags, images, rejects = (_shard_ids(root, t) & committed for t in (TAGS, IMAGES, REJECTS))
    batches = [(b, b in tags, b in images, b in rejects) for b in sorted(tags | rejects)]
    n_tags = 0
    if tags:
        files = [root.path(TAGS, shard_name(b)) for b in sorted(tags)]
        n_tags = pads.dataset(files, filesystem=root.fs, format="parquet").count_rows()
    total: dict[str, Any] = {"batches_rewritten": 0, "demoted": 0, "repointed": 0, "superseded": 0}
    if n_tags <= driver_max_rows:
        table = candidates(root.uri, batches)
        grouped = table.group_by(UID, use_threads=False).aggregate([("entry", "list")])
        actions = resolve(pa.table({UID: grouped[UID], "entries": grouped["entry_list"]}))
        for batch_id in sorted(set(actions["batch_id"].to_pylist())):
            rows = actions.filter(pc.equal(actions["batch_id"], batch_id))
            _fold(total, rewrite_batch(root.uri, batch_id, rows, run_id))
        total["partitions"] = 0
    else:
        total["partitions"] = partitions(n_tags)
        _fold(total, _on_ray(root, batches, run_id, total["partitions"], staging))
    total.update(candidates=n_tags, seconds=round(time.time() - started, 3))
    if total["demoted"] or total["repointed"]:
        log.info("duplicate instances: %s", {k: v for k, v in total.items() if k != "this_run"})
    return total


def _on_ray(root: RunRoot, batches: list, run_id: str, partitions: int, staging: str) -> dict[str, Any]:
    import ray
    from ray.data.aggregate import AsList

    if not batches:
        return {}
    read = ray.remote(num_cpus=0.5)(candidates)
    step = BATCHES_PER_TASK
    refs = [read.remote(root.uri, batches[i : i + step]) for i in range(0, len(batches), step)]
    groups = ray.data.from_arrow_refs(refs).groupby(UID, num_partitions=partitions)
    decided = groups.aggregate(AsList("entry", alias_name="entries"))
    decided.map_batches(resolve, batch_format="pyarrow", batch_size=None).write_parquet(
        root.uri_of(staging, "dedup")
    )
    root.makedirs(staging, "dedup")  # the sink writes no file when nothing is decided
    staged = pads.dataset(root.path(staging, "dedup"), filesystem=root.fs, format="parquet")
    total: dict[str, Any] = {}
    if not staged.count_rows():
        return total
    actions = ray.data.read_parquet(root.uri_of(staging, "dedup"), columns=ACTION_SCHEMA.names)
    rewritten = actions.groupby("batch_id", num_partitions=partitions).map_groups(
        rewrite_group, batch_format="pyarrow", fn_args=(root.uri, run_id)
    )
    for batch in rewritten.iter_batches(batch_format="pyarrow", batch_size=None):
        for text in batch["stats"].to_pylist():
            _fold(total, json.loads(text))
    return total
