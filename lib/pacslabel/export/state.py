"""What an export directory already holds: its settings, committed samples and leftovers.

``meta.json`` records the selection settings and the labelling model the export was made from; a
later export into the same directory only adds samples, so it must keep both (``overwrite`` starts
afresh). Committed samples are the rows of the manifest parts.
"""

from __future__ import annotations

import logging

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pacslabel.config import ConfigError
from pacslabel.export.shards import MANIFEST, MANIFEST_SCHEMA, SHARDS, digest_of_shard, part_name
from pacslabel.runroot import RunRoot

log = logging.getLogger(__name__)

META = "meta.json"


class ExportState:
    """The export directory ``out`` (a :class:`RunRoot`) as the last export left it."""

    def __init__(self, out: RunRoot):
        self.out = out

    @property
    def meta(self) -> dict:
        return self.out.read_json(META) if self.out.exists(META) else {}

    def check(self, selection: dict, model_run_id: str | None, overwrite: bool) -> None:
        """Raise ConfigError when the directory holds an export of other settings or another labelling
        model (its labels would be stale); with ``overwrite`` delete it instead."""
        meta = self.meta
        if not meta:
            return
        changed = [k for k in selection if meta.get("selection", {}).get(k) != selection[k]]
        if meta.get("model_run_id") != model_run_id:
            changed.append("model_run_id")
        if not changed:
            return
        if not overwrite:
            raise ConfigError(
                f"out: {self.out.uri} holds an export with other {', '.join(changed)}; "
                "choose another out or set overwrite=true"
            )
        log.warning("deleting the export at %s (%s changed)", self.out.uri, ", ".join(changed))
        self.out.fs.delete_dir(self.out.path())

    def manifest(self, columns: list[str] | None = None) -> pa.Table:
        """Committed manifest rows (an empty table when there are none)."""
        files = self.out.table_files(MANIFEST)
        if not files:
            return MANIFEST_SCHEMA.empty_table().select(columns or MANIFEST_SCHEMA.names)
        parts = [pq.read_table(f, columns=columns, filesystem=self.out.fs) for f in files]
        return pa.concat_tables(parts)

    def remove_leftovers(self) -> int:
        """Delete shards whose manifest part is missing (an interrupted export); returns how many."""
        if not self.out.exists(SHARDS):
            return 0
        infos = self.out.fs.get_file_info(pafs.FileSelector(self.out.path(SHARDS)))
        removed = 0
        for info in infos:
            name = info.base_name
            leftover = ".tmp-" in name or not self.out.exists(MANIFEST, part_name(digest_of_shard(name)))
            if info.type == pafs.FileType.File and leftover:
                self.out.fs.delete_file(info.path)
                removed += 1
        if removed:
            log.warning("removed %d shards of an interrupted export", removed)
        return removed
