"""The evaluate stage: metrics.json and report.html at the run root."""

from __future__ import annotations

import io
import logging
import time
from datetime import UTC, datetime

import numpy as np

from pacslabel.evaluate.charts import OTHER_COLOUR, value_colour
from pacslabel.evaluate.config import EvaluateConfig
from pacslabel.evaluate.frame import InstanceFrame, build_frame
from pacslabel.evaluate.inputs import (
    read_compare,
    read_label_meta,
    read_label_names,
    read_medoids,
    read_tag_profile,
    read_text,
    run_summary,
)
from pacslabel.evaluate.metrics_stage import compute_metrics
from pacslabel.evaluate.projection import project_2d
from pacslabel.evaluate.report import render_report
from pacslabel.evaluate.tables import table_exists
from pacslabel.evaluate.thumbnails import cluster_galleries
from pacslabel.runroot import (
    IMAGES,
    LABELS,
    METRICS,
    PROJECTION_CACHE,
    REPORT_HTML,
    TAGS,
    RunRoot,
    Tables,
    embeddings_table,
)

log = logging.getLogger(__name__)


def tables(cfg: EvaluateConfig) -> Tables:
    """The labels and regions evaluated, and the files written (the pipeline adds the labels' inputs)."""
    return Tables(reads=(LABELS, cfg.regions_table), writes=(REPORT_HTML, METRICS))


MISSING_COLOUR = "#eceef1"


def top_counts(
    label_index: np.ndarray, codes: np.ndarray, n_clusters: int, top_n: int
) -> list[list[tuple[int, int]]]:
    """Per dense label, its ``top_n`` most frequent codes as (code, count), most frequent first."""
    ok = codes >= 0
    out: list[list[tuple[int, int]]] = [[] for _ in range(n_clusters)]
    if not ok.any():
        return out
    width = int(codes.max()) + 1
    uniq, cnt = np.unique(label_index[ok].astype(np.int64) * width + codes[ok], return_counts=True)
    cluster, value = uniq // width, uniq % width
    for i in np.lexsort((-cnt, cluster)):
        row = out[int(cluster[i])]
        if len(row) < top_n:
            row.append((int(value[i]), int(cnt[i])))
    return out


def _composition_parts(
    top: list[tuple[int, int]], values: list[str], known: int, size: int
) -> list[tuple[str, int, str]]:
    parts = [(values[c], n, value_colour(values[c], c)) for c, n in top]
    other = known - sum(n for _, n in top)
    if other > 0:
        parts.append(("other", other, OTHER_COLOUR))
    if size - known > 0:
        parts.append(("not known", size - known, MISSING_COLOUR))
    return parts


def card_name(label: int, label_names: dict[int, str]) -> str:
    """The readable name of a label with its id, or just the id when it has no name."""
    name = label_names.get(label)
    return f"{name} (cluster {label})" if name else f"cluster {label}"


def build_cards(
    frame: InstanceFrame,
    extras: dict,
    cfg: EvaluateConfig,
    galleries,
    medoid_uris,
    label_names: dict[int, str],
) -> list[dict]:
    """One card per label (largest first): name, size, gallery, compositions, top study descriptions."""
    lab, raw, sizes = extras["label_index"], extras["raw_labels"], extras["sizes"]
    k = raw.size
    top_n = cfg.report.top_n
    comp_specs = [("modality", "modality"), ("region", f"region ({frame.region_source})")]
    if "truth_region" in frame.codes:
        comp_specs.append(("truth_region", "region (synthetic truth)"))
    comps = {}
    for name, title in comp_specs:
        if name in frame.codes and frame.has(name):
            codes = frame.codes[name]
            known = np.bincount(lab[codes >= 0], minlength=k)
            comps[name] = (title, top_counts(lab, codes, k, top_n), known)
    studies = None
    if frame.has("study_description"):
        studies = top_counts(lab, frame.codes["study_description"], k, top_n)
    dist_ok = np.isfinite(frame.distance)
    dist_sum = np.bincount(lab[dist_ok], weights=frame.distance[dist_ok], minlength=k)
    dist_n = np.bincount(lab[dist_ok], minlength=k)
    order = np.argsort(-sizes, kind="stable")
    if cfg.report.max_cards:
        order = order[: cfg.report.max_cards]
    total = int(sizes.sum())
    cards = []
    for i in order:
        i = int(i)
        compositions = []
        for name, (title, tops, known) in comps.items():
            values = frame.books[name].values
            parts = _composition_parts(tops[i], values, int(known[i]), int(sizes[i]))
            compositions.append({"title": title, "parts": parts, "total": int(sizes[i])})
        study_rows = []
        if studies is not None:
            values = frame.books["study_description"].values
            study_rows = [(values[c], n) for c, n in studies[i]]
        cards.append(
            {
                "index": i,
                "label": int(raw[i]),
                "name": card_name(int(raw[i]), label_names),
                "size": int(sizes[i]),
                "fraction": sizes[i] / max(total, 1),
                "mean_distance": float(dist_sum[i] / dist_n[i]) if dist_n[i] else None,
                "thumbs": galleries[i],
                "medoid": medoid_uris.get(i),
                "compositions": compositions,
                "studies": study_rows,
            }
        )
    return cards


def _projection_key(root: RunRoot, cfg: EvaluateConfig) -> str | None:
    """The labelling model's run id and the projection settings; None without a saved model."""
    meta = read_label_meta(root)
    if not meta:
        return None
    r = cfg.report
    run_id = meta.get("run_id")
    return f"{run_id}|{r.tsne_sample}|{r.tsne_perplexity}|{r.tsne_min_rows}|{r.tsne_max_iter}|{cfg.seed}"


def _projection(root: RunRoot, extras: dict, cfg: EvaluateConfig) -> dict | None:
    """The 2-D map of a sample; kept under ``_work/evaluate/`` and reused while the labelling model and the
    settings are unchanged (a relabel appends labels to existing clusters, so the map still shows them)."""
    if extras.get("projection_pos") is None or cfg.report.tsne_sample == 0:
        return None
    key = _projection_key(root, cfg)
    if key is not None and root.exists(*PROJECTION_CACHE):
        cached = np.load(io.BytesIO(root.read_bytes(*PROJECTION_CACHE)), allow_pickle=False)
        if str(cached["key"]) == key:
            return {
                "xy": cached["xy"],
                "label_index": cached["label_index"],
                "method": str(cached["method"]),
                "source": str(cached["source"]),
            }
    pos = extras["projection_pos"][: cfg.report.tsne_sample]
    x = extras["projection_x"][: cfg.report.tsne_sample]
    if pos.size < 2:
        return None
    xy, method = project_2d(
        x, cfg.report.tsne_perplexity, cfg.report.tsne_min_rows, cfg.seed, cfg.report.tsne_max_iter
    )
    out = {
        "xy": xy,
        "label_index": extras["label_index"][pos],
        "method": method,
        "source": extras["projection_source"],
    }
    if key is not None:
        buf = io.BytesIO()
        np.savez(buf, key=key, **{k: np.asarray(v) for k, v in out.items()})
        root.makedirs(*PROJECTION_CACHE[:-1])
        root.write_bytes(buf.getvalue(), *PROJECTION_CACHE)
    return out


def run_evaluate(cfg: EvaluateConfig) -> dict:
    """Write ``metrics.json`` and ``report.html`` at the run root; return a summary of what was done."""
    timings: dict[str, float] = {}
    t0 = time.time()
    root = RunRoot(cfg.run_root)
    if not table_exists(root, LABELS):
        raise FileNotFoundError(f"{LABELS}/ has no Parquet files under the run root; run the label job first")
    frame = build_frame(root, cfg.truth, cfg.regions_table, cfg.batch_rows)
    timings["join"] = time.time() - t0

    t = time.time()
    metrics, extras = compute_metrics(root, frame, cfg)
    compare = read_compare(root, cfg.compare_json)
    tag_profile = read_tag_profile(root, cfg.tag_profile, cfg.report.max_tag_profile_rows)
    medoids = read_medoids(root)
    metrics["inputs"] = {
        "tags": table_exists(root, TAGS),
        "regions": bool(cfg.regions_table) and table_exists(root, cfg.regions_table),
        "truth": bool(cfg.truth),
        "images": table_exists(root, IMAGES),
        "embeddings": [
            s for s in ("fused", "images", "tags", "reports") if table_exists(root, embeddings_table(s))
        ],
        "compare": compare is not None,
        "tag_profile": tag_profile is not None,
        "medoids": None if medoids is None else f"{medoids['model']}/{medoids['kind']}",
    }
    root.write_json(metrics, METRICS)
    timings["metrics"] = time.time() - t

    t = time.time()
    raw = extras["raw_labels"]
    names = [f"cluster {int(r)}" for r in raw]
    medoid_by_index: dict[int, str] = {}
    if medoids:
        for label, uid in medoids["by_label"].items():
            j = int(np.searchsorted(raw, label))
            if j < raw.size and raw[j] == label:
                medoid_by_index[j] = uid
    galleries, extra = cluster_galleries(
        root,
        frame,
        extras["label_index"],
        raw.size,
        cfg.report.thumbs_per_cluster,
        cfg.report.thumb_px,
        cfg.seed,
        set(medoid_by_index.values()),
    )
    medoid_uris = {j: extra[u] for j, u in medoid_by_index.items() if u in extra}
    for j, uri in medoid_uris.items():  # the medoid takes the first place of its cluster's gallery
        others = [g for g in galleries[j] if g != uri]
        galleries[j] = others[: max(cfg.report.thumbs_per_cluster - 1, 0)]
    cards = build_cards(frame, extras, cfg, galleries, medoid_uris, read_label_names(root))
    timings["gallery"] = time.time() - t

    t = time.time()
    projection = _projection(root, extras, cfg)
    timings["projection"] = time.time() - t

    t = time.time()
    data = {
        "title": cfg.report.title,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run": run_summary(root, cfg.batch_rows),
        "metrics": metrics,
        "sizes": [int(s) for s in extras["sizes"]],
        "names": names,
        "projection": projection,
        "cards": cards,
        "thumb_px": cfg.report.thumb_px,
        "medoids": [{"name": names[j], "uri": medoid_uris[j]} for j in sorted(medoid_uris)],
        "medoid_kind": None if medoids is None else medoids["kind"],
        "compare": compare,
        "compare_md": read_text(root, cfg.compare_md),
        "tag_profile": tag_profile,
    }
    html = render_report(data)
    root.write_text(html, REPORT_HTML)
    timings["report"] = time.time() - t
    n_thumbs = sum(len(c["thumbs"]) for c in cards) + len(medoid_uris)
    log.info("wrote metrics.json and report.html (%d bytes, %d thumbnails)", len(html), n_thumbs)
    return {
        "n_instances": metrics["n_instances"],
        "n_clusters": metrics["n_clusters"],
        "score": metrics.get("score"),
        "score_test": metrics.get("score_test"),
        "silhouette": (metrics.get("silhouette") or {}).get("value"),
        "report_bytes": len(html.encode()),
        "thumbnails": n_thumbs,
        "projection": None if projection is None else projection["method"],
        "inputs": metrics["inputs"],
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
