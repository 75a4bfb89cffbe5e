"""report.html: one self-contained page (inline CSS, SVG charts and PNG data URIs; no scripts, no URLs).

``render_report`` takes plain data (see :func:`pacslabel.evaluate.run.run_evaluate` for how it is
assembled) and escapes every piece of text it prints.
"""

from __future__ import annotations

from html import escape

from pacslabel.evaluate.html import (
    CSS,
    cell,
    count_table,
    fmt,
    has_any,
    headline_reference,
    jobs_table,
    metric_cell,
    tile_row,
)
from pacslabel.evaluate.report_clusters import (
    section_clusters,
    section_medoids,
    section_projection,
    section_sizes,
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
        count_table("files by status", files),
        count_table("rejects by reason", s.get("rejects_by_reason")),
    ]
    methods = ", ".join(escape(str(k)) for k in (m.get("methods") or {}))
    method_note = f'<p class="note">labelling method: {methods}</p>' if methods else ""
    jobs = jobs_table(s.get("jobs") or {})
    jobs_html = f'<div><div class="note">job summaries</div>{jobs}</div>' if jobs else ""
    table_divs = "".join(f"<div>{t}</div>" for t in tables if t)
    return (
        f'<section id="summary"><h2>Run summary</h2>{tile_row(tiles)}{method_note}'
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
            if has_any(metrics, paths):
                rows.append(f"<tr><td>{escape(title)}</td>{''.join(cell(metrics, p) for p in paths)}</tr>")
        purity = metrics.get("purity") or {}
        if purity:
            threshold = next(iter(purity.values())).get("threshold")
            rows.append(
                f"<tr class='group'><th colspan='{1 + len(refs)}'>modality purity of the labels (share of a "
                f"label's largest modality; threshold {fmt(threshold, 2)})</th></tr>"
            )
            for key, title in PURITY_ROWS:
                cells = "".join(cell(metrics, f"purity.{r}.{key}") for r in refs)
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
                f"<tr><td>{escape(src)} embeddings</td>{metric_cell(f'silhouette.by_source.{src}', v)}</tr>"
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
                f"{metric_cell(f'cosine_distance.{src}.mean', v.get('mean'))}"
                f"{metric_cell(f'cosine_distance.{src}.permuted', v.get('permuted'))}</tr>"
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
    rows = [f"<tr><td>instances</td>{''.join(cell(metrics, p + 'n_instances') for p in prefixes)}</tr>"]
    for part, key, title in SPLIT_ROWS:
        paths = [f"{p}{part}.{ref}.{key}" for p in prefixes]
        if has_any(metrics, paths):
            rows.append(f"<tr><td>{escape(title)}</td>{''.join(cell(metrics, p) for p in paths)}</tr>")
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
        if has_any(metrics, [f"{p}baselines.{m}.{ref}.{key}" for _, p in views for m in base])
    ]
    top = "".join(f"<th colspan='{len(cols)}'>{escape(name)}</th>" for name, _ in views)
    sub = "".join(f"<th class='num'>{escape(t)}</th>" for _ in views for _, t in cols)
    rows = []
    for method in base:
        cells = "".join(
            cell(metrics, f"{p}baselines.{method}.{ref}.{key}") for _, p in views for key, _ in cols
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
