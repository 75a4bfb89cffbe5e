"""Optional report inputs: run summary counts, job summaries, baseline tables, tag profile, medoids,
the labelling model's meta.json (run id, readable label names).

Every reader returns None (or an empty value) when its input is absent or malformed, so the report
shows what exists. Only counts and names of codes leave this module, never paths or key values.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pyarrow.compute as pc
import pyarrow.fs as pafs

from pacslabel.evaluate.tables import iter_batches, open_dataset, read_small_table, table_exists
from pacslabel.runroot import IMAGES, JOBS, LABEL_MODEL, LABELS, MANIFEST, MODELS, REJECTS, TAGS, UID, RunRoot

log = logging.getLogger(__name__)

# Keys whose values might name files, hashes or instances: never shown.
_PRIVATE_KEY = re.compile(r"path|root|uri|salt|uid|key|file|dir|address|host|config", re.IGNORECASE)
# Shown columns of the tags stage's profile (``column`` there; ``tag`` accepted too). ``top_values``,
# ``min`` and ``max`` hold data values and are never shown.
TAG_PROFILE_COLUMNS = ("column", "tag", "source", "kind", "fill_rate", "n_distinct", "selected", "reason")


def count_rows(root: RunRoot, name: str) -> int | None:
    if not table_exists(root, name):
        return None
    return int(open_dataset(root, name).count_rows())


def value_counts(root: RunRoot, name: str, column: str, batch_rows: int = 65_536) -> dict[str, int] | None:
    """Counts of each value of one column, streamed; None when the table or column is absent."""

    if not table_exists(root, name):
        return None
    counts: dict[str, int] = {}
    seen = False
    for batch in iter_batches(root, name, [column], batch_rows):
        if column not in batch.schema.names:
            return None
        seen = True
        for item in pc.value_counts(batch.column(column)).to_pylist():
            key = "(missing)" if item["values"] is None else str(item["values"])
            counts[key] = counts.get(key, 0) + int(item["counts"])
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])) if seen else {}


def _safe_numbers(obj: Any, depth: int = 0) -> Any:
    """Numbers, and mappings of numbers one level deep, with private-looking keys dropped."""
    if isinstance(obj, bool):
        return None
    if isinstance(obj, int | float):
        return obj
    if isinstance(obj, dict) and depth <= 1:
        out = {}
        for k, v in obj.items():
            if _PRIVATE_KEY.search(str(k)):
                continue
            sv = _safe_numbers(v, depth + 1)
            if sv is not None and sv != {}:
                out[str(k)] = sv
        return out
    return None


def job_summaries(root: RunRoot) -> dict[str, dict]:
    """verb -> numeric entries of ``_jobs/<verb>/summary.json`` (ingest counts per reason, timings…)."""
    if not root.exists(JOBS):
        return {}
    out = {}
    infos = root.fs.get_file_info(pafs.FileSelector(root.path(JOBS)))
    for info in sorted(infos, key=lambda i: i.base_name):
        if info.type != pafs.FileType.Directory or info.base_name == "evaluate":
            continue
        if not root.exists(JOBS, info.base_name, "summary.json"):
            continue
        try:
            summary = root.read_json(JOBS, info.base_name, "summary.json")
        except (OSError, ValueError):
            log.warning("unreadable summary of job %s", info.base_name)
            continue
        if isinstance(summary, dict):
            out[info.base_name] = _safe_numbers(summary)
    return out


def run_summary(root: RunRoot, batch_rows: int = 65_536) -> dict:
    """Files seen (by status), instances accepted, images exported, rejects by reason, labels."""
    return {
        "files_by_status": value_counts(root, MANIFEST, "status", batch_rows),
        "instances": count_rows(root, TAGS),
        "images": count_rows(root, IMAGES),
        "labels": count_rows(root, LABELS),
        "rejects": count_rows(root, REJECTS),
        "rejects_by_reason": value_counts(root, REJECTS, "reason", batch_rows),
        "jobs": job_summaries(root),
    }


def _compare_metrics(metrics: dict) -> dict:
    """One method's scores, with per-split blocks (``test``, ``train``) flattened to ``metric (split)``."""
    flat = {}
    for key, value in metrics.items():
        if isinstance(value, dict) and "mean" not in value:
            flat.update({f"{m} ({key})": v for m, v in value.items()})
        else:
            flat[key] = value
    return flat


def read_compare(root: RunRoot, name: str) -> dict[str, dict[str, dict]] | None:
    """compare.json (its ``methods`` block when present) as method -> metric -> {mean, sd}; bare numbers
    become {mean: x}; per-split blocks become ``metric (split)``."""
    if not name or not root.exists(name):
        return None
    try:
        data = root.read_json(name)
    except (OSError, ValueError):
        log.warning("%s is not valid JSON", name)
        return None
    if not isinstance(data, dict):
        return None
    out: dict[str, dict[str, dict]] = {}
    methods = data.get("methods") if isinstance(data.get("methods"), dict) else data
    for method, metrics in methods.items():
        if not isinstance(metrics, dict):
            continue
        row = {}
        for metric, value in _compare_metrics(metrics).items():
            if isinstance(value, dict) and isinstance(value.get("mean"), int | float):
                row[str(metric)] = {"mean": value["mean"], "sd": value.get("sd")}
            elif isinstance(value, int | float) and not isinstance(value, bool):
                row[str(metric)] = {"mean": value, "sd": None}
        if row:
            out[str(method)] = row
    return out or None


def read_text(root: RunRoot, name: str, limit: int = 200_000) -> str | None:
    if not name or not root.exists(name):
        return None
    return root.read_text(name)[:limit]


def read_tag_profile(root: RunRoot, candidates: list[str], max_rows: int) -> dict | None:
    """{columns, rows, n_rows} of the first tag profile table present (selected tags first)."""
    for name in candidates:
        if not table_exists(root, name):
            continue
        table = read_small_table(root, name, list(TAG_PROFILE_COLUMNS))
        if table.num_columns == 0:
            continue
        df = table.to_pandas()
        sort_cols = [c for c in ("selected", "fill_rate") if c in df.columns]
        if sort_cols:
            df = df.sort_values(sort_cols, ascending=False, kind="stable")
        return {
            "columns": list(df.columns),
            "rows": df.head(max_rows).to_dict("records"),
            "n_rows": len(df),
        }
    return None


def _as_label_map(value: Any) -> dict[int, str]:
    """{label: uid} from a list of uids (index = label), a {label: uid} mapping, or a list of
    {label, sop_instance_uid} records (the label stage's ``medoids`` / ``representatives``)."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = []
        for i, v in enumerate(value):
            if isinstance(v, dict):
                items.append((v.get("label"), v.get(UID)))
            else:
                items.append((i, v))
    else:
        return {}
    out: dict[int, str] = {}
    for label, uid in items:
        try:
            label = int(label)
        except (TypeError, ValueError):
            continue
        if isinstance(uid, str) and uid and label not in out:
            out[label] = uid
    return out


def _find_lists(obj: Any, word: str) -> list[Any]:
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if word in str(k).lower() and isinstance(v, list | dict) and v:
                found.append(v)
            elif isinstance(v, dict):
                found.extend(_find_lists(v, word))
    return found


def read_medoids(root: RunRoot) -> dict | None:
    """Representative instances per label from ``models/*/meta.json``: {model, kind, by_label}.

    Entries named *medoid* are preferred over *representatives* (the instance nearest each centroid),
    and the ``kmeans`` model over others. Only the uids are read; they are never printed.
    """
    if not root.exists(MODELS):
        return None
    infos = root.fs.get_file_info(pafs.FileSelector(root.path(MODELS)))
    names = sorted(i.base_name for i in infos if i.type == pafs.FileType.Directory)
    names.sort(key=lambda n: n != LABEL_MODEL)
    for kind, word in (("medoid", "medoid"), ("representative", "representative")):
        for name in names:
            if not root.exists(MODELS, name, "meta.json"):
                continue
            try:
                meta = root.read_json(MODELS, name, "meta.json")
            except (OSError, ValueError):
                continue
            for value in _find_lists(meta, word):
                by_label = _as_label_map(value)
                if by_label:
                    return {"model": name, "kind": kind, "by_label": by_label}
    return None


def read_label_meta(root: RunRoot) -> dict:
    """The labelling model's meta.json; empty when it is absent or not a JSON object."""
    if not root.exists(MODELS, LABEL_MODEL, "meta.json"):
        return {}
    try:
        meta = root.read_json(MODELS, LABEL_MODEL, "meta.json")
    except (OSError, ValueError):
        log.warning("the labelling model's meta.json is not valid JSON")
        return {}
    return meta if isinstance(meta, dict) else {}


def read_label_names(root: RunRoot) -> dict[int, str]:
    """Readable name per label id from meta.json ``label_names`` (label id as a string -> name)."""
    names = read_label_meta(root).get("label_names")
    if not isinstance(names, dict):
        return {}
    out = {}
    for label, name in names.items():
        try:
            label = int(label)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name.strip():
            out[label] = name.strip()
    return out
