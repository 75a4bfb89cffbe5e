"""The listing / committed-manifest diff on the cluster, for archives too large for the driver.

Same outcome as :func:`pacslabel.ingest.incremental.plan`, computed as a Ray Data hash join: the
listing parts (object refs from :mod:`.listing`) are full-outer-joined on ``path`` with the committed
manifest shards (read by tasks), each partition classifies its rows, and the to-do rows (new and
changed files) are written as Parquet under the run's staging folder. The driver then streams that
folder once for the counts and the superseded (changed) paths, whose number follows the changes, not
the archive.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from pacslabel.ingest.batches import classify
from pacslabel.ingest.listing import Listing
from pacslabel.ingest.tables import MANIFEST_SCHEMA
from pacslabel.runroot import RunRoot
from pacslabel.runtime import join_kwargs

MANIFEST_FILES_PER_TASK = 64


@dataclass
class Diff:
    """The to-do rows (``TODO_COLUMNS`` of :mod:`.tables`: in ``todo`` when diffed in the driver, else
    staged as Parquet under ``todo_dir``, relative to the run root), how many, the superseded
    (path, batch_id) rows, the counts and the Ray join's hash partitions (0 when diffed in the driver)."""

    todo_rows: int
    superseded: pa.Table
    counts: dict[str, int]
    todo_dir: str | None = None
    todo: pa.Table | None = None
    partitions: int = 0


OLD_SCHEMA = pa.schema(
    [("path", pa.string()), ("old_size", pa.int64()), ("old_mtime_ns", pa.int64()), ("batch_id", pa.string())]
)


def read_manifest_part(uri: str, files: list[str]) -> pa.Table:
    """``OLD_SCHEMA`` rows of some committed manifest shards of the run root at ``uri``."""
    root = RunRoot(uri)
    cols = ["path", "size", "mtime_ns", "batch_id"]
    dataset = pads.dataset(files, schema=MANIFEST_SCHEMA, filesystem=root.fs, format="parquet")
    return dataset.to_table(columns=cols).rename_columns(OLD_SCHEMA.names)


def _superseded(rows: pa.Table) -> pa.Table:
    """(path, batch_id) of every old batch of the changed ``rows``."""
    batches = rows["old_batch_ids"]
    paths = pc.take(rows["file_path"], pc.list_parent_indices(batches))
    return pa.table({"path": paths, "batch_id": pc.list_flatten(batches)})


def diff_partition_count(rows: int, minimum: int, rows_per_partition: int) -> int:
    """Hash partitions of the Ray diff over ``rows`` rows: ``minimum``, or one per ``rows_per_partition``
    rows when that is more, so that a partition's size does not grow with the archive."""
    return max(minimum, -(-rows // rows_per_partition))


def plan_on_ray(
    listing: Listing, root: RunRoot, manifest_files: list[str], committed: int, staging: str, partitions: int
) -> Diff:
    """Diff ``listing`` against the ``committed`` rows of ``manifest_files`` on Ray; to-do rows go to
    ``staging``/todo (``staging`` relative to the run root)."""
    import ray

    read = ray.remote(num_cpus=0.5)(read_manifest_part)
    step = MANIFEST_FILES_PER_TASK
    groups = [manifest_files[i : i + step] for i in range(0, len(manifest_files), step)]
    old_refs = [read.remote(root.uri, group) for group in groups]
    listed = ray.data.from_arrow_refs(listing.parts or [ray.put(Listing([], 0).table())])
    old = ray.data.from_arrow_refs(old_refs or [ray.put(OLD_SCHEMA.empty_table())])
    joined = listed.join(old, join_type="full_outer", on=("path",), **join_kwargs(1, partitions))
    joined.map_batches(classify, batch_format="pyarrow", batch_size=None).write_parquet(
        root.uri_of(staging, "todo")
    )
    new = 0
    superseded = [pa.table({"path": pa.array([], pa.string()), "batch_id": pa.array([], pa.string())})]
    root.makedirs(staging, "todo")  # the sink writes no file (and no folder) when nothing is to do
    todo = pads.dataset(root.path(staging, "todo"), filesystem=root.fs, format="parquet")
    for batch in todo.to_batches(columns=["file_path", "old_batch_ids", "changed"] if todo.files else []):
        rows = pa.Table.from_batches([batch])
        changed = rows.filter(rows["changed"])
        new += rows.num_rows - changed.num_rows
        if changed.num_rows:
            superseded.append(_superseded(changed))
    superseded_rows = pa.concat_tables(superseded)
    n_changed = len(pc.unique(superseded_rows["path"]))
    unchanged = listing.rows - new - n_changed
    counts = {
        "listed": listing.rows,
        "new": new,
        "changed": superseded_rows.num_rows,
        "unchanged": unchanged,
        "missing": committed - superseded_rows.num_rows - unchanged,
    }
    return Diff(new + n_changed, superseded_rows, counts, todo_dir=f"{staging}/todo", partitions=partitions)
