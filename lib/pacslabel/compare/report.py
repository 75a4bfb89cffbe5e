"""Scores of one labelling on the test and train rows, their mean ± sd over seeds and the Markdown report."""

from __future__ import annotations

import numpy as np

from pacslabel.compare.config import CompareConfig
from pacslabel.metrics import label_scores, silhouette_on_sample

METRICS = ("nmi_modality", "nmi_region", "hs_modality", "hs_region", "silhouette")
NAMES = {
    "nmi_modality": "NMI modality",
    "nmi_region": "NMI region",
    "hs_modality": "HS modality",
    "hs_region": "HS region",
    "silhouette": "silhouette",
}
SCORED = ("test", "train")  # the headline split first


def score(labels, modality, region, features, cfg: CompareConfig, seed: int) -> dict:
    """The metrics of one labelling of some rows, with the number of rows and of labels."""
    s = label_scores(labels, modality, region)
    out = {m: float(s[m]) for m in METRICS if m in s}
    out["silhouette"] = silhouette_on_sample(features, labels, cfg.silhouette_sample, seed)
    out["n_clusters"] = len(np.unique(labels))
    out["rows"] = len(labels)
    return out


def mean_sd(values) -> dict:
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)
    if arr.size == 0:
        return {"mean": None, "sd": None}
    return {"mean": float(arr.mean()), "sd": float(arr.std(ddof=1)) if arr.size > 1 else 0.0}


def summarise(per_seed: dict[str, list[dict]]) -> dict:
    """Per method: the number of runs and, per scored split, mean ± sd of every metric over the runs."""
    return {
        m: {"runs": len(rows)}
        | {p: {k: mean_sd([res[p][k] for res in rows]) for k in METRICS} for p in SCORED}
        for m, rows in per_seed.items()
    }


def render_markdown(report: dict) -> str:
    s = report["sample"]
    n = s["rows"]
    columns = [f"{NAMES[m]} ({p})" for m in METRICS for p in SCORED]
    lines = [
        "# Method comparison",
        "",
        f"Sample: {s['images']} images at {s['image_size']}², split by patient (else study) into "
        f"{n['train']} train / {n['validation']} validation / {n['test']} test rows; every method is fitted "
        f"on the train rows ({s['must']} must-link and {s['cannot']} cannot-link pairs inside them) and "
        f"labels the test rows with the fitted model. {report['note']}.",
        "",
        "| method | runs | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]

    def fmt(d):
        return "–" if d["mean"] is None else f"{d['mean']:.3f} ± {d['sd']:.3f}"

    for method, row in sorted(
        report["methods"].items(), key=lambda kv: -(kv[1]["test"]["nmi_modality"]["mean"] or 0)
    ):
        cells = [fmt(row[p][m]) for m in METRICS for p in SCORED]
        lines.append(f"| {method} | {row['runs']} | " + " | ".join(cells) + " |")
    if report["sweep"]:
        sweep_metrics = [f"{NAMES[m]} ({p})" for m in ("nmi_modality", "nmi_region") for p in SCORED]
        lines += [
            "",
            "## Constraint-count sweep (constrained DEC, paper 000 Figure 6)",
            "",
            "| constraints | used | seed | " + " | ".join(sweep_metrics) + " |",
            "|---|---|---|" + "---|" * len(sweep_metrics),
        ]
        for pt in report["sweep"]:
            cells = [f"{pt[p][m]:.3f}" for m in ("nmi_modality", "nmi_region") for p in SCORED]
            lines.append(f"| {pt['constraints']} | {pt['used']} | {pt['seed']} | " + " | ".join(cells) + " |")
    if report["skipped"]:
        lines += ["", "## Skipped", ""] + [f"- {k}: {v}" for k, v in sorted(report["skipped"].items())]
    return "\n".join(lines) + "\n"
