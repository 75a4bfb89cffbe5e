"""The results page: the query and its nearest instances as inline thumbnails with label, modality,
region and distance (no external resources, no paths)."""

from __future__ import annotations

import html

from pacslabel.runroot import UID

_STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
.grid{display:flex;flex-wrap:wrap;gap:.8rem}figure{margin:0;width:var(--px);font-size:.75rem}
img{width:var(--px);height:var(--px);image-rendering:pixelated;background:#000}
figure.query{outline:3px solid #2a6;padding:.3rem}figcaption{overflow-wrap:anywhere}"""


def _caption(item: dict) -> str:
    name = item.get("label_name") or ""
    lines = [
        f"label {item.get('label')} {name}".strip(),
        f"{item.get('modality') or '?'} · {item.get('region') or '?'}",
    ]
    if "distance" in item:
        lines.insert(0, f"#{item['rank']} · d = {item['distance']:.4f}")
    return "<br>".join(html.escape(line) for line in lines)


def _figure(item: dict, uri: str | None, title: str, cls: str = "") -> str:
    img = f'<img alt="" src="{uri}">' if uri else '<div style="height:var(--px)">no image</div>'
    return (
        f'<figure class="{cls}" title="{html.escape(title)}">{img}'
        f"<figcaption>{_caption(item)}</figcaption></figure>"
    )


def results_page(result: dict, thumbs: dict[str, str], query_thumb: str | None, px: int) -> str:
    """HTML of a :func:`pacslabel.search.query.search` result; ``thumbs``: uid -> PNG data URI."""
    q = result["query"]
    title = q.get(UID) or "a DICOM file"
    figures = [_figure(q, query_thumb, title, "query")]
    figures += [_figure(r, thumbs.get(r[UID]), r[UID]) for r in result["results"]]
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>pacslabel search: {html.escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body style="--px:{int(px)}px"><h1>Nearest {len(result["results"])} of the archive</h1>'
        f"<p>query: {html.escape(title)}</p>"
        f'<div class="grid">{"".join(figures)}</div></body></html>\n'
    )
