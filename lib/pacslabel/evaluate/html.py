"""The building blocks of report.html: its CSS, and formatted numbers, cells, tiles and count tables."""

from __future__ import annotations

import math
from html import escape
from typing import Any

CSS = """
:root { --ink:#1d2430; --muted:#5f6b7a; --line:#e2e5ea; --bg:#f4f6f9; --card:#fff; --accent:#2f6db5; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: var(--bg); }
header.top { background:#1f2a3a; color:#fff; padding:20px 32px 14px; }
header.top h1 { margin:0 0 4px; font-size:22px; font-weight:600; }
header.top .sub { color:#c3cad5; font-size:13px; }
nav { display:flex; flex-wrap:wrap; gap:4px 16px; margin-top:12px; font-size:13px; }
nav a { color:#9cc3f0; text-decoration:none; }
nav a:hover { text-decoration:underline; }
main { max-width: 1320px; margin: 0 auto; padding: 8px 24px 40px; }
section { margin-top: 26px; }
h2 { font-size:17px; font-weight:600; margin:0 0 10px; padding-bottom:4px;
  border-bottom:2px solid var(--line); }
h3 { font-size:15px; margin:0; }
.note { color:var(--muted); font-size:12.5px; margin:6px 0; }
.tiles { display:grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap:10px; }
.tile { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.tile .v { font-size:22px; font-weight:600; font-variant-numeric: tabular-nums; }
.tile .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.row { display:flex; flex-wrap:wrap; gap:18px; align-items:flex-start; }
.row > div { flex: 1 1 320px; min-width: 0; }
table { border-collapse:collapse; background:var(--card); border:1px solid var(--line); font-size:13px; }
th, td { padding:5px 10px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
th { background:#eef1f5; font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
tr.group th { background:#e3e8ef; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px; }
.legend { display:flex; flex-wrap:wrap; gap:4px 12px; font-size:12px; margin-top:8px; }
.legend span.sw, .comp span.sw { display:inline-block; width:10px; height:10px; border-radius:2px;
  margin-right:4px; vertical-align:middle; }
svg text.axis { font-size:11px; fill: var(--muted); }
svg.scatter, svg.sizes { max-width:100%; height:auto; display:block; }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap:14px; }
.cluster-card { background:var(--card); border:1px solid var(--line); border-left:6px solid var(--c);
  border-radius:8px; padding:12px 14px; }
.cluster-card header { display:flex; justify-content:space-between; align-items:baseline; margin-bottom:8px; }
.cluster-card .size { color:var(--muted); font-size:13px; font-variant-numeric: tabular-nums; }
.gallery { display:grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap:4px;
  background:#0f141b; padding:4px; border-radius:6px; }
.gallery img { width:100%; height:auto; aspect-ratio: 1 / 1; display:block; image-rendering:auto;
  border-radius:3px; }
.gallery img.medoid { outline:2px solid #f2c94c; outline-offset:-2px; }
.gallery .empty { color:#8a94a3; font-size:12px; padding:8px; grid-column: 1 / -1; }
.comp { margin-top:8px; }
.comp .t { font-size:12px; color:var(--muted); margin-bottom:2px; }
.comp ul { list-style:none; margin:3px 0 0; padding:0; display:flex; flex-wrap:wrap; gap:2px 12px;
  font-size:12px; }
.studies { margin:8px 0 0; padding-left:18px; font-size:12.5px; }
.studies .c { color:var(--muted); }
.medoids { display:grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap:8px; }
.medoids figure { margin:0; background:var(--card); border:1px solid var(--line); border-radius:6px;
  padding:4px; text-align:center; font-size:12px; }
.medoids img { width:100%; height:auto; display:block; border-radius:3px; }
pre.md { background:var(--card); border:1px solid var(--line); padding:10px; overflow:auto; font-size:12px; }
footer { color:var(--muted); font-size:12px; margin-top:30px; }
"""


def fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return escape(str(value))


def metric_cell(path: str, value: Any) -> str:
    """A table cell carrying the exact metrics.json value (for checks) and a rounded display."""
    raw = "" if value is None else repr(float(value)) if isinstance(value, int | float) else ""
    return f'<td class="num" data-metric="{escape(path)}" data-value="{escape(raw)}">{fmt(value)}</td>'


_ABSENT = object()
EMPTY_CELL = '<td class="num">–</td>'


def _at(metrics: dict, path: str) -> Any:
    """The value at a dotted metrics.json path, or ``_ABSENT``."""
    obj: Any = metrics
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return _ABSENT
        obj = obj[part]
    return obj


def cell(metrics: dict, path: str) -> str:
    """:func:`metric_cell` of the value at ``path``; a plain dash where metrics.json has none."""
    value = _at(metrics, path)
    return EMPTY_CELL if value is _ABSENT else metric_cell(path, value)


def has_any(metrics: dict, paths: list[str]) -> bool:
    return any(_at(metrics, p) is not _ABSENT for p in paths)


def headline_reference(scores: dict) -> str:
    """The reference of the headline score: the synthetic truth when scored, else the DICOM tags."""
    return "truth" if "truth" in scores else "tags"


def tile_row(items: list[tuple[str, Any]]) -> str:
    cells = [
        f'<div class="tile"><div class="v">{fmt(v)}</div><div class="k">{escape(k)}</div></div>'
        for k, v in items
        if v is not None
    ]
    return f'<div class="tiles">{"".join(cells)}</div>'


def count_table(title: str, counts: dict[str, int] | None) -> str:
    if not counts:
        return ""
    total = sum(counts.values()) or 1
    rows = "".join(
        f'<tr><td>{escape(str(k))}</td><td class="num">{fmt(int(v))}</td>'
        f'<td class="num">{100 * v / total:.1f}%</td></tr>'
        for k, v in counts.items()
    )
    return (
        f'<table><thead><tr><th>{escape(title)}</th><th class="num">count</th><th class="num">share</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def jobs_table(jobs: dict[str, dict]) -> str:
    if not jobs:
        return ""
    rows = []
    for verb, summary in jobs.items():
        cells = []
        for k, v in summary.items():
            if isinstance(v, dict):
                inner = ", ".join(f"{escape(str(a))} {fmt(b)}" for a, b in v.items())
                cells.append(f"{escape(k)}: {inner}")
            else:
                cells.append(f"{escape(k)}: {fmt(v)}")
        rows.append(f"<tr><td>{escape(verb)}</td><td>{'; '.join(cells)}</td></tr>")
    return (
        '<table class="jobs"><thead><tr><th>job</th><th>summary</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def rounded(v: Any) -> Any:
    return f"{v:,.1f}" if isinstance(v, float) else v
