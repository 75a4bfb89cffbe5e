"""report.html: one self-contained page (inline CSS, SVG charts and PNG data URIs; no scripts, no URLs).

``render_report`` takes plain data (see :func:`pacslabel.evaluate.run.run_evaluate` for how it is
assembled) and escapes every piece of text it prints.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from pacslabel.evaluate.charts import colour, scatter_svg, size_bars_svg, stacked_bar_svg

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


def _metric_cell(path: str, value: Any) -> str:
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


def _cell(metrics: dict, path: str) -> str:
    """:func:`_metric_cell` of the value at ``path``; a plain dash where metrics.json has none."""
    value = _at(metrics, path)
    return EMPTY_CELL if value is _ABSENT else _metric_cell(path, value)


def _has_any(metrics: dict, paths: list[str]) -> bool:
    return any(_at(metrics, p) is not _ABSENT for p in paths)


def headline_reference(scores: dict) -> str:
    """The reference of the headline score: the synthetic truth when scored, else the DICOM tags."""
    return "truth" if "truth" in scores else "tags"


def _tiles(items: list[tuple[str, Any]]) -> str:
    cells = [
        f'<div class="tile"><div class="v">{fmt(v)}</div><div class="k">{escape(k)}</div></div>'
        for k, v in items
        if v is not None
    ]
    return f'<div class="tiles">{"".join(cells)}</div>'


def _count_table(title: str, counts: dict[str, int] | None) -> str:
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


def _jobs_table(jobs: dict[str, dict]) -> str:
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


def section_summary(data: dict) -> str:
    s = data["run"]
    m = data["metrics"]
    files = s.get("files_by_status") or {}
    tiles = [
        ("files seen", sum(files.values()) if files else None),
        ("instances accepted", s.get("instances")),
        ("images exported", s.get("images")),
        ("files rejected", s.get("rejects")),
        ("labelled instances", m.get("n_instances")),
        ("clusters", m.get("n_clusters")),
    ]
    if m.get("score") is not None:
        tiles.append(("overall score", m["score"]))
    if m.get("score_test") is not None:
        tiles.append(("test-split score", m["score_test"]))
    tables = [
        _count_table("files by status", files),
        _count_table("rejects by reason", s.get("rejects_by_reason")),
    ]
    methods = ", ".join(escape(str(k)) for k in (m.get("methods") or {}))
    method_note = f'<p class="note">labelling method: {methods}</p>' if methods else ""
    jobs = _jobs_table(s.get("jobs") or {})
    jobs_html = f'<div><div class="note">job summaries</div>{jobs}</div>' if jobs else ""
    table_divs = "".join(f"<div>{t}</div>" for t in tables if t)
    return (
        f'<section id="summary"><h2>Run summary</h2>{_tiles(tiles)}{method_note}'
        f'<div class="row" style="margin-top:12px">{table_divs}{jobs_html}</div></section>'
    )


SCORE_ROWS = (
    ("nmi_modality", "NMI, modality"),
    ("hs_modality", "homogeneity, modality"),
    ("nmi_region", "NMI, anatomical region"),
    ("hs_region", "homogeneity, anatomical region"),
    ("score", "harmonic mean (score)"),
    ("nmi_fine", "NMI, modality × region × appearance"),
    ("hs_fine", "homogeneity, modality × region × appearance"),
    ("n_groups", "labels among the rows compared"),
    ("n_fine_classes", "modality × region × appearance classes"),
    ("region_coverage", "share of rows with a region"),
    ("coverage", "share of labelled rows compared"),
)
PURITY_ROWS = (
    ("min_purity", "lowest modality purity of a label"),
    ("n_below", "labels below the purity threshold"),
)
SPLIT_ROWS = (
    *(("scores", k, t) for k, t in SCORE_ROWS if k not in ("region_coverage", "coverage")),
    *(("purity", k, t) for k, t in PURITY_ROWS),
)
REFERENCE_TITLES = {
    "tags": "against DICOM tags (modality tag; region from {src})",
    "truth": "against the synthetic truth",
}


def section_metrics(metrics: dict) -> str:
    scores = metrics.get("scores") or {}
    refs = list(scores)
    titles = [REFERENCE_TITLES.get(r, r).format(src=scores[r].get("region_source", "")) for r in refs]
    head = "".join(f"<th class='num'>{escape(t)}</th>" for t in titles)
    rows = []
    if refs:
        rows.append(f"<tr class='group'><th>label agreement</th>{head}</tr>")
        for key, title in SCORE_ROWS:
            paths = [f"scores.{r}.{key}" for r in refs]
            if _has_any(metrics, paths):
                rows.append(f"<tr><td>{escape(title)}</td>{''.join(_cell(metrics, p) for p in paths)}</tr>")
        purity = metrics.get("purity") or {}
        if purity:
            threshold = next(iter(purity.values())).get("threshold")
            rows.append(
                f"<tr class='group'><th colspan='{1 + len(refs)}'>modality purity of the labels (share of a "
                f"label's largest modality; threshold {fmt(threshold, 2)})</th></tr>"
            )
            for key, title in PURITY_ROWS:
                cells = "".join(_cell(metrics, f"purity.{r}.{key}") for r in refs)
                rows.append(f"<tr><td>{escape(title)}</td>{cells}</tr>")
    sil = metrics.get("silhouette") or {}
    by_source = sil.get("by_source") or {}
    if by_source:
        rows.append(
            f"<tr class='group'><th colspan='{1 + max(len(refs), 1)}'>silhouette (Euclidean, sample of "
            f"{fmt(sil.get('sample_size'))} rows)</th></tr>"
        )
        for src, v in by_source.items():
            rows.append(
                f"<tr><td>{escape(src)} embeddings</td>{_metric_cell(f'silhouette.by_source.{src}', v)}</tr>"
            )
    cos = metrics.get("cosine_distance") or {}
    if cos:
        rows.append(
            "<tr class='group'><th>mean cosine distance to cluster mean</th><th class='num'>labels</th>"
            "<th class='num'>permuted labels</th></tr>"
        )
        for src, v in cos.items():
            rows.append(
                f"<tr><td>{escape(src)} embeddings ({fmt(v.get('n'))} instances)</td>"
                f"{_metric_cell(f'cosine_distance.{src}.mean', v.get('mean'))}"
                f"{_metric_cell(f'cosine_distance.{src}.permuted', v.get('permuted'))}</tr>"
            )
    if not rows:
        body = '<p class="note">No reference columns or embeddings were found.</p>'
    else:
        body = f'<table class="metrics"><tbody>{"".join(rows)}</tbody></table>'
    note = (
        '<p class="note">NMI and homogeneity as in the papers (1 = every cluster holds one class); the score '
        "is their harmonic mean. Cosine distance with randomly permuted labels is the no-structure baseline: "
        "good labels have a clearly smaller value.</p>"
    )
    return f'<section id="metrics"><h2>Metrics</h2>{body}{note}{split_table(metrics)}</section>'


def split_table(metrics: dict) -> str:
    """The headline reference's figures on all rows beside each split (train, validation, test)."""
    splits = metrics.get("splits") or {}
    if not splits:
        return ""
    ref = headline_reference(metrics.get("scores") or {})
    prefixes = ["", *(f"splits.{name}." for name in splits)]
    head = "".join(f"<th class='num'>{escape(t)}</th>" for t in ["all rows", *splits])
    rows = [f"<tr><td>instances</td>{''.join(_cell(metrics, p + 'n_instances') for p in prefixes)}</tr>"]
    for part, key, title in SPLIT_ROWS:
        paths = [f"{p}{part}.{ref}.{key}" for p in prefixes]
        if _has_any(metrics, paths):
            rows.append(f"<tr><td>{escape(title)}</td>{''.join(_cell(metrics, p) for p in paths)}</tr>")
    source = "the synthetic truth" if ref == "truth" else "the DICOM tags"
    return (
        f'<h3 style="margin-top:14px">By split, against {source}</h3><table class="splits"><thead><tr>'
        f"<th></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table><p class='note'>The labelling "
        "model is fitted on the train split (validation for selection); the test split holds studies it "
        "has not seen.</p>"
    )


BASELINE_TITLES = {
    "labels": "labels",
    "modality_region": "Modality tag × region",
    "modality_region_series": "Modality tag × region × series description words",
}
BASELINE_COLUMNS = (
    ("n_groups", "groups"),
    ("score", "score"),
    ("nmi_modality", "NMI mod."),
    ("nmi_region", "NMI region"),
    ("nmi_fine", "NMI fine"),
    ("hs_modality", "HS mod."),
    ("hs_region", "HS region"),
)


def section_baselines(metrics: dict) -> str:
    """Labels against the model-free groupings, on the test and train splits side by side."""
    base = metrics.get("baselines") or {}
    if not base:
        return ""
    ref = headline_reference(metrics.get("scores") or {})
    splits = metrics.get("splits") or {}
    views = [(name, f"splits.{name}.") for name in ("test", "train") if name in splits] or [("all rows", "")]
    cols = [
        (key, title)
        for key, title in BASELINE_COLUMNS
        if _has_any(metrics, [f"{p}baselines.{m}.{ref}.{key}" for _, p in views for m in base])
    ]
    top = "".join(f"<th colspan='{len(cols)}'>{escape(name)}</th>" for name, _ in views)
    sub = "".join(f"<th class='num'>{escape(t)}</th>" for _ in views for _, t in cols)
    rows = []
    for method in base:
        cells = "".join(
            _cell(metrics, f"{p}baselines.{method}.{ref}.{key}") for _, p in views for key, _ in cols
        )
        rows.append(f"<tr><td>{escape(BASELINE_TITLES.get(method, method))}</td>{cells}</tr>")
    if ref == "truth":
        against = "the synthetic truth"
    else:
        against = (
            "the DICOM tags, which the baselines are built from (their homogeneity is 1 by construction)"
        )
    note = (
        f"Scored against {against}, on the same rows. Model-free groupings: the Modality tag × the "
        "region reconstructed by the tags job (rows without a region form one group per modality), and "
        "that split by the first two words of the series description (lower-case, no digits or "
        "punctuation). Fine = modality × region × appearance. Good labels match or beat the baselines, "
        "on the test split above all."
    )
    return (
        '<section id="baselines"><h2>Labels against model-free baselines</h2><table class="baselines"><thead>'
        f"<tr><th rowspan='2'>grouping</th>{top}</tr><tr>{sub}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f'</table><p class="note">{escape(note)}</p></section>'
    )


def _round(v: Any) -> Any:
    return f"{v:,.1f}" if isinstance(v, float) else v


def section_sizes(metrics: dict, sizes: list[int], names: list[str]) -> str:
    cs = metrics.get("cluster_sizes") or {}
    import numpy as np

    stats = [
        ("smallest", cs.get("min")),
        ("largest", cs.get("max")),
        ("median", _round(cs.get("median"))),
        ("mean", _round(cs.get("mean"))),
        ("size entropy (0–1)", cs.get("entropy_normalised")),
        ("singletons", cs.get("n_singletons")),
    ]
    chart = size_bars_svg(np.asarray(sizes), names) if sizes else ""
    return (
        f'<section id="sizes"><h2>Cluster sizes</h2>{_tiles(stats)}'
        f'<div class="panel" style="margin-top:10px">{chart}</div></section>'
    )


def section_projection(proj: dict | None, names: list[str]) -> str:
    if not proj:
        return (
            '<section id="projection"><h2>Embedding map</h2><p class="note">No image or fused embeddings '
            "were found, so there is no projection.</p></section>"
        )
    svg = scatter_svg(proj["xy"], proj["label_index"], names)
    present = sorted(set(int(k) for k in proj["label_index"]))
    legend = "".join(
        f'<span><span class="sw" style="background:{colour(k)}"></span>{escape(names[k])}</span>'
        for k in present
    )
    note = (
        f"{escape(proj['method'])} of {fmt(len(proj['label_index']))} sampled instances, "
        f"{escape(proj['source'])} embeddings, coloured by label."
    )
    return (
        f'<section id="projection"><h2>Embedding map</h2><div class="panel">{svg}'
        f'<div class="legend">{legend}</div></div><p class="note">{note}</p></section>'
    )


def _composition(title: str, parts: list[tuple[str, int, str]], total: int) -> str:
    if not parts or total == 0:
        return ""
    items = "".join(
        f'<li><span class="sw" style="background:{fill}"></span>{escape(name)} '
        f"{100 * count / total:.0f}%</li>"
        for name, count, fill in parts
    )
    return (
        f'<div class="comp"><div class="t">{escape(title)}</div>{stacked_bar_svg(parts, total)}'
        f"<ul>{items}</ul></div>"
    )


def cluster_card(card: dict, px: int) -> str:
    k = card["index"]
    imgs = []
    if card.get("medoid"):
        imgs.append(
            f'<img class="medoid" src="{card["medoid"]}" width="{px}" height="{px}" '
            f'alt="medoid of {escape(card["name"])}" title="medoid">'
        )
    imgs += [
        f'<img src="{uri}" width="{px}" height="{px}" alt="sample of {escape(card["name"])}">'
        for uri in card.get("thumbs", [])
    ]
    gallery = "".join(imgs) or '<div class="empty">no exported images for this cluster</div>'
    comps = "".join(_composition(c["title"], c["parts"], c["total"]) for c in card.get("compositions", []))
    studies = ""
    if card.get("studies"):
        lis = "".join(
            f'<li>{escape(text)} <span class="c">({fmt(int(n))})</span></li>' for text, n in card["studies"]
        )
        studies = (
            '<div class="comp"><div class="t">top study descriptions</div>'
            f'<ol class="studies">{lis}</ol></div>'
        )
    dist = card.get("mean_distance")
    dist_txt = f" · mean distance {fmt(dist)}" if dist is not None and math.isfinite(dist) else ""
    return (
        f'<article class="cluster-card" id="cluster-{escape(str(card["label"]))}" '
        f'data-label="{escape(str(card["label"]))}" style="--c:{colour(k)}">'
        f'<header><h3>{escape(card["name"])}</h3><span class="size">{fmt(card["size"])} instances · '
        f"{100 * card['fraction']:.1f}%{dist_txt}</span></header>"
        f'<div class="gallery">{gallery}</div>{comps}{studies}</article>'
    )


def section_clusters(cards: list[dict], px: int, n_clusters: int) -> str:
    shown = "" if len(cards) == n_clusters else f" (the {len(cards)} largest of {n_clusters})"
    body = "".join(cluster_card(c, px) for c in cards)
    return (
        f'<section id="clusters"><h2>Clusters{escape(shown)}</h2><p class="note">Largest first. Sample '
        "images are drawn at random from each cluster; a yellow outline marks the medoid (or the "
        "instance nearest to the centre).</p>"
        f'<div class="cards">{body}</div></section>'
    )


def section_medoids(medoids: list[dict], kind: str | None = None) -> str:
    if not medoids:
        return ""
    if kind == "representative":
        title, note = "Representative images", "the instance nearest to each cluster centre"
    else:
        title, note = "Medoid images", "the medoid of each cluster"
    figs = "".join(
        f'<figure><img src="{m["uri"]}" alt="medoid of {escape(m["name"])}"><figcaption>'
        f"{escape(m['name'])}</figcaption></figure>"
        for m in medoids
    )
    return (
        f'<section id="medoids"><h2>{title}</h2><p class="note">{note}; also the first, outlined image '
        f'of each cluster card.</p><div class="medoids">{figs}</div></section>'
    )


def section_compare(compare: dict | None, compare_md: str | None) -> str:
    if not compare and not compare_md:
        return ""
    html = ['<section id="compare"><h2>Baseline comparison</h2>']
    if compare:
        metrics: list[str] = []
        for row in compare.values():
            metrics += [m for m in row if m not in metrics]
        head = "".join(f'<th class="num">{escape(m)}</th>' for m in metrics)
        rows = []
        for method, row in compare.items():
            cells = []
            for m in metrics:
                v = row.get(m)
                if v is None:
                    cells.append('<td class="num">–</td>')
                else:
                    sd = f" ± {fmt(v['sd'])}" if v.get("sd") is not None else ""
                    cells.append(f'<td class="num">{fmt(v["mean"])}{sd}</td>')
            rows.append(f"<tr><td>{escape(method)}</td>{''.join(cells)}</tr>")
        html.append(
            f'<table class="compare"><thead><tr><th>method</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table><p class='note'>mean ± standard deviation over runs.</p>"
        )
    if compare_md:
        html.append(f'<pre class="md">{escape(compare_md)}</pre>')
    html.append("</section>")
    return "".join(html)


def section_tag_profile(profile: dict | None) -> str:
    if not profile:
        return ""
    cols = profile["columns"]
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    rows = []
    for r in profile["rows"]:
        cells = []
        for c in cols:
            v = r.get(c)
            cls = ' class="num"' if isinstance(v, int | float) and not isinstance(v, bool) else ""
            cells.append(f"<td{cls}>{fmt(v)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if profile["n_rows"] > len(profile["rows"]):
        more = f'<p class="note">first {len(profile["rows"])} of {profile["n_rows"]} tags.</p>'
    return (
        f'<section id="tag-profile"><h2>Tag profile</h2><table class="tag-profile"><thead><tr>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>{more}</section>"
    )


def render_report(data: dict) -> str:
    """The whole page. ``data`` keys: title, generated, run, metrics, sizes, names, projection, cards,
    thumb_px, medoids, compare, compare_md, tag_profile."""
    metrics = data["metrics"]
    sections = [
        section_summary(data),
        section_metrics(metrics),
        section_baselines(metrics),
        section_sizes(metrics, data["sizes"], data["names"]),
        section_projection(data.get("projection"), data["names"]),
        section_clusters(data["cards"], data["thumb_px"], metrics.get("n_clusters", len(data["cards"]))),
        section_medoids(data.get("medoids") or [], data.get("medoid_kind")),
        section_compare(data.get("compare"), data.get("compare_md")),
        section_tag_profile(data.get("tag_profile")),
    ]
    nav_items = [
        ("summary", "Summary"),
        ("metrics", "Metrics"),
        ("baselines", "Model-free baselines"),
        ("sizes", "Cluster sizes"),
        ("projection", "Embedding map"),
        ("clusters", "Clusters"),
        ("medoids", "Representatives"),
        ("compare", "Baselines"),
        ("tag-profile", "Tag profile"),
    ]
    body = "".join(sections)
    nav = "".join(f'<a href="#{a}">{escape(t)}</a>' for a, t in nav_items if f'id="{a}"' in body)
    title = escape(data.get("title") or "pacslabel run report")
    sub = (
        f"{fmt(metrics.get('n_instances'))} labelled instances · {fmt(metrics.get('n_clusters'))} clusters · "
        f"generated {escape(data.get('generated', ''))}"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>{title}</title><style>{CSS}</style></head>'
        f'<body><header class="top"><h1>{title}</h1><div class="sub">{sub}</div><nav>{nav}</nav></header>'
        f"<main>{body}<footer>pacslabel evaluate · this page has no scripts and no external resources."
        "</footer></main></body></html>\n"
    )
