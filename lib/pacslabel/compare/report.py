"""Scores of one labelling, their mean ± sd over seeds and the Markdown report."""

from __future__ import annotations

import numpy as np

from pacslabel.compare.config import CompareConfig
from pacslabel.metrics import label_scores, silhouette_on_sample

METRICS = ("nmi_modality", "nmi_region", "hs_modality", "hs_region", "silhouette")


def score(labels, modality, region, features, cfg: CompareConfig, seed: int) -> dict:
    s = label_scores(labels, modality, region)
    out = {m: float(s[m]) for m in METRICS if m in s}
    out["silhouette"] = silhouette_on_sample(features, labels, cfg.silhouette_sample, seed)
    out["n_clusters"] = len(np.unique(labels))
    return out


def mean_sd(values) -> dict:
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)
    if arr.size == 0:
        return {"mean": None, "sd": None}
    return {"mean": float(arr.mean()), "sd": float(arr.std(ddof=1)) if arr.size > 1 else 0.0}


def summarise(per_seed: dict[str, list[dict]]) -> dict:
    """Per method: mean ± sd of every metric over its runs, and the number of runs."""
    return {
        m: {k: mean_sd([res[k] for res in rows]) for k in METRICS} | {"runs": len(rows)}
        for m, rows in per_seed.items()
    }


def render_markdown(report: dict) -> str:
    s = report["sample"]
    lines = [
        "# Method comparison",
        "",
        f"Sample: {s['images']} images at {s['image_size']}², {s['must']} must-link and {s['cannot']} "
        f"cannot-link pairs inside the sample. {report['note']}.",
        "",
        "| method | runs | " + " | ".join(METRICS) + " |",
        "|---|---|" + "---|" * len(METRICS),
    ]

    def fmt(d):
        return "–" if d["mean"] is None else f"{d['mean']:.3f} ± {d['sd']:.3f}"

    for method, row in sorted(
        report["methods"].items(), key=lambda kv: -(kv[1]["nmi_modality"]["mean"] or 0)
    ):
        lines.append(f"| {method} | {row['runs']} | " + " | ".join(fmt(row[m]) for m in METRICS) + " |")
    if report["sweep"]:
        lines += [
            "",
            "## Constraint-count sweep (constrained DEC, paper 000 Figure 6)",
            "",
            "| constraints | used | seed | nmi_modality | nmi_region |",
            "|---|---|---|---|---|",
        ]
        for p in report["sweep"]:
            lines.append(
                f"| {p['constraints']} | {p['used']} | {p['seed']} | {p['nmi_modality']:.3f} | "
                f"{p['nmi_region']:.3f} |"
            )
    if report["skipped"]:
        lines += ["", "## Skipped", ""] + [f"- {k}: {v}" for k, v in sorted(report["skipped"].items())]
    return "\n".join(lines) + "\n"
