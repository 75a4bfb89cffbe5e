"""The ablation's outputs at the run root: ``ablation.json`` (every variant with its settings and scores)
and ``ablation.md`` (a table in the layout of paper 003, Table 7)."""

from __future__ import annotations

COLUMNS = (
    ("NMI mod", "nmi_modality"),
    ("NMI region", "nmi_region"),
    ("HS mod", "hs_modality"),
    ("HS region", "hs_region"),
    ("S", "score"),
    ("NMI fine", "nmi_fine"),
    ("cos img", "cos_images"),
    ("cos rep", "cos_reports"),
)


def _cell(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def render_markdown(result: dict) -> str:
    """The markdown report of an ``ablation.json`` result."""
    ref = result["reference"]
    n = result["n_split"]
    has_fine = any("nmi_fine" in row["test"] for row in result["rows"])
    columns = [c for c in COLUMNS if has_fine or c[1] != "nmi_fine"]
    k = result["settings"]["k"]
    k_text = f"fixed K = {k} per partition" if k != "auto" else "K chosen per partition on validation"
    lines = [
        "# Source and fusion ablation (paper 003, Table 7)",
        "",
        f"- reference: **{ref['name']}** — modality: {ref['modality']}; region: {ref['region']}"
        + (f"; fine: {ref['fine']}" if "fine" in ref else ""),
        f"- sample: {result['n_sample']} instances (train {n['train']}, validation {n['validation']}, "
        f"test {n['test']}, split by patient); scores on the **test** rows, S (train) on the train rows",
        f"- sources available: {', '.join(result['sources'])}; {k_text}; K = labels of the model",
        "- cos img / cos rep: mean pairwise cosine distance within a label, averaged over labels "
        "(Eq. 3–4), over instances with that embedding (lower is more similar)",
        "",
        "| sources | fusion | partitions | " + " | ".join(c[0] for c in columns) + " | K | S (train) |",
        "|---|---|---|" + "---:|" * (len(columns) + 2),
    ]
    for row in result["rows"]:
        test = row["test"]
        cells = [
            " + ".join(row["sources"]),
            row["fusion"],
            row["partitions"],
            *(_cell(test.get(key)) for _, key in columns),
            str(row["k"]),
            _cell(row["train"].get("score")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
