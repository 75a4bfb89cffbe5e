"""Stage bookkeeping: a stage is current when its config and the state of its input tables are
exactly those recorded when it last completed, and its outputs still exist.

The fingerprint of a table is a hash of its (committed) files' relative paths, sizes and modification
times, so appending a shard (new ingest, relabel) or retraining a model changes it while re-reading
does not.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow.fs as pafs

from pacslabel import commits
from pacslabel.config import to_dict
from pacslabel.runroot import JOBS, RunRoot

log = logging.getLogger(__name__)

STATE_DIR = (JOBS, "pipeline", "stages")


def table_fingerprint(run_root: RunRoot, name: str) -> str:
    """Hash of (relative path, size, mtime) of every file under a table or model directory (of a
    table's committed segments when it has them); "absent" when it holds none. Temporary files are
    ignored."""
    if not run_root.exists(name):
        return "absent"
    base = run_root.path(name)
    if commits.segments(run_root.fs, base) is not None:
        infos = commits.file_infos(run_root.fs, base)
    else:
        infos = run_root.fs.get_file_info(pafs.FileSelector(base, recursive=True))
    parts = sorted(
        (info.path[len(base) :], info.size, info.mtime_ns)
        for info in infos
        if info.type == pafs.FileType.File and ".tmp" not in info.path
    )
    if not parts:
        return "absent"
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


@dataclass
class Stage:
    """One step of the pipeline: ``run()`` returns its summary; ``inputs`` / ``outputs`` are table names
    (or file names under the run root) that decide whether the step is current."""

    name: str
    run: Callable[[], dict[str, Any]]
    config: Any
    inputs: Sequence[str] = ()
    outputs: Sequence[str] = ()
    always: bool = False
    extra_key: dict[str, Any] = field(default_factory=dict)


def stage_fingerprint(run_root: RunRoot, stage: Stage) -> str:

    config = to_dict(stage.config) if stage.config is not None else None
    payload = {
        "config": config,
        "inputs": {name: table_fingerprint(run_root, name) for name in stage.inputs},
        "extra": stage.extra_key,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def is_current(run_root: RunRoot, stage: Stage) -> bool:
    if stage.always or not run_root.exists(*STATE_DIR, f"{stage.name}.json"):
        return False
    record = run_root.read_json(*STATE_DIR, f"{stage.name}.json")
    if record.get("fingerprint") != stage_fingerprint(run_root, stage):
        return False
    return all(run_root.exists(out) for out in stage.outputs)


def run_stages(run_root: RunRoot, stages: Sequence[Stage]) -> dict[str, Any]:
    """Run each stage unless current; the record is written only after the stage completes, so a
    crash leaves the stage to be re-run (each stage is itself resumable or idempotent)."""
    summary: dict[str, Any] = {}
    for stage in stages:
        if is_current(run_root, stage):
            log.info("stage %s is current, skipped", stage.name)
            summary[stage.name] = {"skipped": True}
            continue
        log.info("stage %s: running", stage.name)
        result = stage.run() or {}
        record = {"fingerprint": stage_fingerprint(run_root, stage), "summary": result}
        run_root.write_json(record, *STATE_DIR, f"{stage.name}.json")
        summary[stage.name] = result
    return summary
