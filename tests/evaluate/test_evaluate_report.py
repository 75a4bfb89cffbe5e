"""report.html structure (html.parser): cards, inline images, no URLs, metrics equal to metrics.json."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from pacslabel.config import load_config
from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.runroot import RunRoot
from pacslabel.synth.toy_run import write_toy_run_root


class Page(HTMLParser):
    """Collects what the checks need: elements by class, img sources, metric cells, section ids."""

    def __init__(self):
        super().__init__()
        self.cards: list[str] = []
        self.imgs: list[dict] = []
        self.metric_cells: dict[str, str] = {}
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.attr_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.attr_values += [v for v in a.values() if v]
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "article" and "cluster-card" in (a.get("class") or ""):
            self.cards.append(a["data-label"])
        if tag == "img":
            self.imgs.append(a)
        if tag == "td" and "data-metric" in a:
            self.metric_cells[a["data-metric"]] = a["data-value"]


def _parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def _lookup(obj, dotted: str):
    for part in dotted.split("."):
        obj = obj[part]
    return obj


def _run(root: RunRoot, truth: str | None = None, *over: str) -> tuple[str, dict]:
    overrides = [f"run_root={root.uri}", "report.tsne_sample=40", "report.tsne_min_rows=10", *over]
    if truth:
        overrides.append(f"truth={truth}")
    run_evaluate(load_config(EvaluateConfig, None, overrides))
    return root.read_text("report.html"), root.read_json("metrics.json")


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    root = RunRoot(tmp_path_factory.mktemp("ev") / "run")
    toy = write_toy_run_root(root, per_group=6, moved=2, side=64, splits=True)
    html, metrics = _run(root, toy.truth_path)
    return root, toy, html, metrics


def test_every_cluster_has_a_card_with_inline_thumbnails(full_report):
    _, _, html, metrics = full_report
    page = _parse(html)
    assert sorted(page.cards, key=int) == sorted(metrics["cluster_sizes"]["sizes"], key=int)
    # up to 8 per card (the medoid first, then other members), plus one per cluster in the medoid section
    sizes = metrics["cluster_sizes"]["sizes"].values()
    assert len(page.imgs) == sum(min(s, 8) for s in sizes) + 3
    for img in page.imgs:
        src = img["src"]
        assert src.startswith("data:image/png;base64,")
        png = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        assert png.size == (96, 96) and png.mode == "L"
    assert {
        "summary",
        "metrics",
        "sizes",
        "projection",
        "clusters",
        "medoids",
        "compare",
        "tag-profile",
    } <= set(page.ids)


def test_self_contained_and_no_identifiers(full_report):
    _, toy, html, _ = full_report
    page = _parse(html)
    assert "http://" not in html and "https://" not in html
    assert "script" not in page.tags and "link" not in page.tags
    assert not [v for v in page.attr_values if v.startswith(("//", "file:"))]
    for secret in [*toy.uids, *toy.accession, "/pacs/", "/secret/", "run_root"]:
        assert secret not in html


def test_metric_cells_equal_metrics_json(full_report):
    _, _, html, metrics = full_report
    cells = _parse(html).metric_cells
    assert "scores.truth.nmi_modality" in cells and "scores.tags.hs_region" in cells
    assert "silhouette.by_source.fused" in cells and "cosine_distance.reports.permuted" in cells
    assert "splits.test.scores.truth.score" in cells and "purity.tags.min_purity" in cells
    assert "splits.train.baselines.modality_region_series.truth.nmi_fine" in cells
    for path, raw in cells.items():
        value = _lookup(metrics, path)
        if value is None:
            assert raw == ""
        else:
            assert float(raw) == pytest.approx(value, rel=1e-12), path


def test_summary_counts_and_baselines(full_report):
    _, _, html, _ = full_report
    assert ">no_pixels<" in html and ">not_dicom<" in html  # rejects by reason
    assert "hog+kmeans" in html and "0.910 ± 0.020" in html  # compare.json
    assert "body_part_examined" in html and "categorical" in html  # tag profile
    assert "[[" not in html  # its top_values column holds data values and is not shown
    assert "t-SNE of 18 sampled instances" in html
    assert "CT HEAD WITHOUT CONTRAST" in html  # top study descriptions
    assert "CT · HEAD (cluster 0)" in html  # label names of the labelling model's meta.json
    assert "test-split score" in html and 'id="baselines"' in html


def test_text_is_escaped(tmp_path):
    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=2, side=16, extras=False)
    tags = pq.read_table(root.path("tags"))
    bad = pa.array(["<script>alert(1)</script> & <b>"] * tags.num_rows)
    tags = tags.set_column(tags.schema.get_field_index("study_description"), "study_description", bad)
    pq.write_table(tags, root.path("tags", "part-0.parquet"))
    html, _ = _run(root)
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_report_without_optional_inputs(tmp_path):
    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=3, side=16, truth=False, reports=False, extras=False)
    html, _ = _run(root, None, "report.thumbs_per_cluster=2")
    page = _parse(html)
    assert len(page.cards) == 3 and len(page.imgs) == 6
    assert not {"medoids", "compare", "tag-profile"} & set(page.ids)
    assert "scores.truth.score" not in page.metric_cells
    assert "PCA of 9 sampled instances" in html  # fewer rows than tsne_min_rows


def test_job_entry_point_writes_summary(tmp_path, capsys):
    from pacslabel.cli import main  # the console script; it runs jobs.evaluate like python -m does

    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=2, side=16, extras=False)
    main(["evaluate", f"run_root={root.uri}", f"truth={root.path('truth.parquet')}", "report.tsne_sample=0"])
    summary = root.read_json("_jobs", "evaluate", "summary.json")
    assert summary["n_clusters"] == 3 and summary["projection"] is None
    assert summary["score"] == pytest.approx(1.0)
    assert '"job": "evaluate"' in capsys.readouterr().out
    assert 'id="projection"' in root.read_text("report.html")


def test_projection_reused_until_the_labelling_model_changes(tmp_path, monkeypatch):
    import pacslabel.evaluate.run as evaluate_run
    from pacslabel.label.model import MODEL_DIR

    root = RunRoot(tmp_path / "run")
    write_toy_run_root(root, per_group=6, side=16, extras=False)
    root.makedirs(MODEL_DIR)
    root.write_json({"run_id": "label-a"}, MODEL_DIR, "meta.json")
    _run(root)
    assert root.exists(*evaluate_run.PROJECTION_CACHE)

    def refuse(*args, **kwargs):
        raise AssertionError("projection recomputed")

    monkeypatch.setattr(evaluate_run, "project_2d", refuse)
    again, _ = _run(root)  # same model, same settings: the saved map is used
    assert 'id="projection"' in again
    root.write_json({"run_id": "label-b"}, MODEL_DIR, "meta.json")  # a retrain: the map is redone
    with pytest.raises(AssertionError, match="projection recomputed"):
        _run(root)
