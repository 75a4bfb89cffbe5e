"""Inline SVG charts for the report (no scripts, no external resources); all text is escaped."""

from __future__ import annotations

import colorsys
from html import escape

import numpy as np

from pacslabel.vocab import REGIONS

MODALITY_COLOURS = {
    "CT": "#4e79a7",
    "MR": "#f28e2b",
    "CR": "#59a14f",
    "DX": "#76b7b2",
    "XA": "#e15759",
    "RF": "#edc948",
    "NM": "#b07aa1",
    "US": "#ff9da7",
}
OTHER_COLOUR = "#c9ccd1"


def colour(i: int) -> str:
    """Distinct-ish colour number ``i`` (golden-angle hues, alternating lightness)."""
    hue = (i * 0.618033988749895) % 1.0
    light = 0.45 if i % 2 == 0 else 0.6
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.62)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def value_colour(name: str, i: int) -> str:
    """Modalities have fixed colours, regions one per vocabulary entry (the same in every bar)."""
    if name in MODALITY_COLOURS:
        return MODALITY_COLOURS[name]
    if name in REGIONS:
        return colour(REGIONS.index(name) + 5)
    return colour(i + 3)


def _f(v: float) -> str:
    return f"{v:.1f}"


def scatter_svg(
    xy: np.ndarray, label_index: np.ndarray, names: list[str], width: int = 760, height: int = 520
) -> str:
    """Scatter of 2-D points coloured by dense label; ``names[k]`` is label k's display name."""
    pad = 16
    xy = np.asarray(xy, dtype=np.float64)
    parts = [
        f'<svg class="scatter" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="2-D projection coloured by label">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fbfbfd" stroke="#e2e5ea"/>',
    ]
    if xy.shape[0]:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        px = pad + (xy[:, 0] - lo[0]) / span[0] * (width - 2 * pad)
        py = height - pad - (xy[:, 1] - lo[1]) / span[1] * (height - 2 * pad)
        order = np.argsort(np.bincount(label_index)[label_index] * -1, kind="stable")  # small clusters on top
        for i in order:
            k = int(label_index[i])
            parts.append(
                f'<circle cx="{_f(px[i])}" cy="{_f(py[i])}" r="3" fill="{colour(k)}" fill-opacity="0.8">'
                f"<title>{escape(names[k])}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def size_bars_svg(sizes: np.ndarray, names: list[str], width: int = 760, height: int = 200) -> str:
    """Cluster sizes, largest first, as vertical bars with the largest value on the axis."""
    sizes = np.asarray(sizes)
    order = np.argsort(-sizes, kind="stable")
    top = float(sizes.max()) if sizes.size else 1.0
    left, bottom, topm = 44, 22, 10
    inner_w, inner_h = width - left - 8, height - bottom - topm
    bw = inner_w / max(len(order), 1)
    parts = [
        f'<svg class="sizes" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="cluster sizes, largest first">',
        f'<line x1="{left}" y1="{topm + inner_h}" x2="{width - 8}" y2="{topm + inner_h}" stroke="#9aa1ab"/>',
        f'<text x="{left - 6}" y="{topm + 8}" text-anchor="end" class="axis">{int(top)}</text>',
        f'<text x="{left - 6}" y="{topm + inner_h}" text-anchor="end" class="axis">0</text>',
        f'<text x="{left}" y="{height - 6}" class="axis">clusters by size (largest first)</text>',
    ]
    for rank, k in enumerate(order):
        h = inner_h * sizes[k] / top if top else 0
        x = left + rank * bw
        parts.append(
            f'<rect x="{_f(x + 0.1 * bw)}" y="{_f(topm + inner_h - h)}" width="{_f(max(0.8 * bw, 0.5))}" '
            f'height="{_f(h)}" fill="{colour(int(k))}">'
            f"<title>{escape(names[k])}: {int(sizes[k])}</title></rect>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_svg(parts: list[tuple[str, int, str]], total: int, width: int = 300, height: int = 14) -> str:
    """A 100 % horizontal bar of (name, count, colour) segments."""
    out = [
        f'<svg class="stack" viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="none" role="img">'
    ]
    x = 0.0
    for name, count, fill in parts:
        w = width * count / total if total else 0
        pct = 100.0 * count / total if total else 0
        out.append(
            f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="{height}" fill="{fill}">'
            f"<title>{escape(name)}: {pct:.1f}%</title></rect>"
        )
        x += w
    out.append("</svg>")
    return "".join(out)
