"""The cluster sections of report.html: sizes, the 2-D projection, cluster cards and medoids."""

from __future__ import annotations

import math
from html import escape

import numpy as np

from pacslabel.evaluate.charts import colour, scatter_svg, size_bars_svg, stacked_bar_svg
from pacslabel.evaluate.html import fmt, rounded, tile_row


def section_sizes(metrics: dict, sizes: list[int], names: list[str]) -> str:
    cs = metrics.get("cluster_sizes") or {}

    stats = [
        ("smallest", cs.get("min")),
        ("largest", cs.get("max")),
        ("median", rounded(cs.get("median"))),
        ("mean", rounded(cs.get("mean"))),
        ("size entropy (0–1)", cs.get("entropy_normalised")),
        ("singletons", cs.get("n_singletons")),
    ]
    chart = size_bars_svg(np.asarray(sizes), names) if sizes else ""
    return (
        f'<section id="sizes"><h2>Cluster sizes</h2>{tile_row(stats)}'
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
