"""Per-split scores, fine truth, modality purity and model-free baselines on a hand-made run root.

Twelve instances (label, split, Modality tag, regions/ region, SeriesDescription | truth modality, region,
appearance); row 5 is tagged CT but is an MR knee, has no region and an empty series description:

    0  0 train       CT HEAD "Axial 5mm"        | CT HEAD AX
    1  0 train       CT HEAD "AXIAL-2.5mm"      | CT HEAD AX
    2  1 train       MR KNEE "T2 SAG"           | MR KNEE T2 SAG
    3  1 train       MR KNEE "T2_SAG_FS"        | MR KNEE T2 SAG
    4  2 train       mr KNEE "PD cor"           | MR KNEE PD COR
    5  2 train       CT -    ""                 | MR KNEE PD COR
    6  0 validation  CT HEAD "axial 3 mm"       | CT HEAD AX
    7  1 validation  MR KNEE "t2 sag"           | MR KNEE T2 SAG
    8  0 test        CT HEAD "Axial (1.25mm)"   | CT HEAD AX
    9  0 test        MR KNEE "T1 sag"           | MR KNEE T1 SAG
   10  1 test        MR KNEE "T1 SAG"           | MR KNEE T1 SAG
   11  2 test        MR KNEE "pd cor"           | MR KNEE PD COR

Series words (first two of lower-case, digit- and punctuation-free): "axial mm" (0, 1, 6, 8), "t sag"
(2, 3, 7, 9, 10), "pd cor" (4, 11), empty (5).
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.evaluate.frame import series_words
from pacslabel.evaluate.inputs import read_label_names
from pacslabel.runroot import LABEL_MODEL, MODELS, RunRoot
from pacslabel.synth.toy_run import write_toy_run_root

LN2 = math.log(2)
ROWS = [
    (0, "train", "CT", "HEAD", "Axial 5mm", "CT", "HEAD", "AX"),
    (0, "train", "CT", "HEAD", "AXIAL-2.5mm", "CT", "HEAD", "AX"),
    (1, "train", "MR", "KNEE", "T2 SAG", "MR", "KNEE", "T2 SAG"),
    (1, "train", "MR", "KNEE", "T2_SAG_FS", "MR", "KNEE", "T2 SAG"),
    (2, "train", "mr", "KNEE", "PD cor", "MR", "KNEE", "PD COR"),
    (2, "train", "CT", None, "", "MR", "KNEE", "PD COR"),
    (0, "validation", "CT", "HEAD", "axial 3 mm", "CT", "HEAD", "AX"),
    (1, "validation", "MR", "KNEE", "t2 sag", "MR", "KNEE", "T2 SAG"),
    (0, "test", "CT", "HEAD", "Axial (1.25mm)", "CT", "HEAD", "AX"),
    (0, "test", "MR", "KNEE", "T1 sag", "MR", "KNEE", "T1 SAG"),
    (1, "test", "MR", "KNEE", "T1 SAG", "MR", "KNEE", "T1 SAG"),
    (2, "test", "MR", "KNEE", "pd cor", "MR", "KNEE", "PD COR"),
]
NAMES = {"0": "CT · HEAD · axial", "1": "MR · KNEE · sag", "2": "MR · KNEE · pd cor"}


def _h(*p: float) -> float:
    """Entropy (nats) of a distribution given by its probabilities."""
    return -sum(x * math.log(x) for x in p if x > 0)


def _nmi(h_c: float, h_k: float, h_c_given_k: float) -> float:
    return 2 * (h_c - h_c_given_k) / (h_c + h_k)


def _write(root: RunRoot, name: str, table: pa.Table) -> None:
    root.makedirs(name)
    pq.write_table(table, root.path(name, "part-0.parquet"))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = RunRoot(tmp_path_factory.mktemp("splits") / "run")
    uids = [f"u{i}" for i in range(len(ROWS))]
    col = list(zip(*ROWS, strict=True))
    _write(
        root,
        "labels",
        pa.table({"sop_instance_uid": uids, "label": pa.array(col[0], pa.int32()), "split": col[1]}),
    )
    _write(
        root, "tags", pa.table({"sop_instance_uid": uids, "modality": col[2], "series_description": col[4]})
    )
    _write(root, "regions", pa.table({"sop_instance_uid": uids, "region": col[3]}))
    truth = root.path("truth.parquet")
    pq.write_table(
        pa.table(
            {"sop_instance_uid": uids, "modality": col[5], "anatomical_region": col[6], "appearance": col[7]}
        ),
        truth,
    )
    root.write_json({"run_id": "r", "label_names": NAMES}, MODELS, LABEL_MODEL, "meta.json")
    overrides = [
        f"run_root={root.uri}",
        f"truth={truth}",
        "silhouette_sample=0",
        "report.tsne_sample=0",
        "report.thumbs_per_cluster=0",
    ]
    summary = run_evaluate(load_config(EvaluateConfig, None, overrides))
    return root, summary, root.read_json("metrics.json")


def test_series_words():
    assert series_words("AXIAL-2.5mm") == "axial mm"
    assert series_words("Axial (1.25mm)") == "axial mm"
    assert series_words("T2_SAG_FS") == "t sag"
    assert series_words("ČT glava 3D") == "čt glava"
    assert series_words(" 3 - 5 ") is None


def test_split_blocks_and_test_score(run):
    _, summary, m = run
    assert {s: m["splits"][s]["n_instances"] for s in m["splits"]} == {"train": 6, "validation": 2, "test": 4}
    # test split against the truth: labels 0,0,1,2; modality (= region partition) CT,MR,MR,MR
    t = m["splits"]["test"]["scores"]["truth"]
    h_c, h_k, h_c_k = _h(1 / 4, 3 / 4), 1.5 * LN2, LN2 / 2
    nmi, hs = _nmi(h_c, h_k, h_c_k), 1 - h_c_k / h_c
    assert t["nmi_modality"] == pytest.approx(nmi) and t["nmi_region"] == pytest.approx(nmi)
    assert t["hs_modality"] == pytest.approx(hs) and t["hs_region"] == pytest.approx(hs)
    assert t["score"] == pytest.approx(2 / (1 / nmi + 1 / hs))
    assert m["score_test"] == pytest.approx(t["score"]) and summary["score_test"] == m["score_test"]
    # fine classes AX, T1 SAG, T1 SAG, PD COR: H = 1.5 ln2, H(class | label) = ln2 / 2
    assert t["nmi_fine"] == pytest.approx(2 / 3) and t["hs_fine"] == pytest.approx(2 / 3)
    assert (t["n_fine_classes"], t["n_groups"], t["n"]) == (3, 3, 4)
    # train against the truth: every label holds one modality and one appearance
    tr = m["splits"]["train"]["scores"]["truth"]
    assert tr["hs_modality"] == pytest.approx(1.0) and tr["hs_fine"] == pytest.approx(1.0)
    assert tr["nmi_modality"] == pytest.approx(_nmi(_h(1 / 3, 2 / 3), math.log(3), 0.0))
    assert tr["nmi_fine"] == pytest.approx(1.0)
    # train against the tags: label 2 holds a mis-tagged CT row; row 5 has no region
    tg = m["splits"]["train"]["scores"]["tags"]
    assert tg["hs_modality"] == pytest.approx(1 - (LN2 / 3) / LN2)
    assert tg["hs_region"] == pytest.approx(1.0) and tg["region_coverage"] == pytest.approx(5 / 6)
    assert "nmi_fine" not in tg
    v = m["splits"]["validation"]["scores"]["truth"]
    assert v["score"] == pytest.approx(1.0) and v["nmi_fine"] == pytest.approx(1.0)
    # all rows: four appearance classes (AX, T2 SAG, T1 SAG, PD COR) beside three labels
    assert (m["scores"]["truth"]["n_fine_classes"], m["scores"]["truth"]["n_groups"]) == (4, 3)
    assert m["score"] == pytest.approx(m["scores"]["truth"]["score"])


def test_modality_purity(run):
    _, _, m = run
    tags, truth = m["purity"]["tags"], m["purity"]["truth"]
    # tags: label 0 = CT x4 + MR, label 1 = MR x4, label 2 = MR, CT, MR
    assert tags["min_purity"] == pytest.approx(2 / 3) and tags["n_below"] == 2
    assert tags["below"] == pytest.approx({"2": 2 / 3, "0": 0.8})
    assert (tags["n_labels"], tags["threshold"]) == (3, 0.95)
    assert tags["hs_modality"] == pytest.approx(m["scores"]["tags"]["hs_modality"])
    # truth: row 5 is an MR, so only label 0 is mixed
    assert truth["min_purity"] == pytest.approx(0.8) and truth["below"] == pytest.approx({"0": 0.8})
    assert m["splits"]["test"]["purity"]["tags"]["min_purity"] == pytest.approx(0.5)
    assert m["splits"]["train"]["purity"]["truth"]["n_below"] == 0


def test_baselines(run):
    _, _, m = run
    b = m["baselines"]
    assert set(b) == {"labels", "modality_region", "modality_region_series"}
    # CT-HEAD, MR-KNEE, CT-unknown / + series words: axial mm, t sag, pd cor, empty
    assert b["modality_region"]["tags"]["n_groups"] == 3
    assert b["modality_region_series"]["tags"]["n_groups"] == 4
    assert b["labels"]["truth"] == m["scores"]["truth"]
    test = m["splits"]["test"]["baselines"]
    # test: groups {8}, {9, 10, 11} against AX, T1 SAG, T1 SAG, PD COR
    a = test["modality_region"]["truth"]
    assert a["n_groups"] == 2 and a["nmi_modality"] == pytest.approx(1.0) and a["score"] == pytest.approx(1.0)
    h_g, h_f_g = _h(1 / 4, 3 / 4), 3 / 4 * _h(2 / 3, 1 / 3)
    assert a["nmi_fine"] == pytest.approx(_nmi(1.5 * LN2, h_g, h_f_g))
    assert a["hs_fine"] == pytest.approx(1 - h_f_g / (1.5 * LN2))
    # + series words: {8}, {9, 10}, {11} is the fine partition itself
    s = test["modality_region_series"]["truth"]
    assert s["n_groups"] == 3 and s["nmi_fine"] == pytest.approx(1.0)
    assert s["nmi_modality"] == pytest.approx(_nmi(_h(1 / 4, 3 / 4), 1.5 * LN2, 0.0))
    assert s["nmi_fine"] > test["labels"]["truth"]["nmi_fine"]
    # train: {0, 1}, {2, 3, 4}, {5} against AX, AX, T2, T2, PD, PD
    a = m["splits"]["train"]["baselines"]["modality_region"]["truth"]
    assert a["hs_fine"] == pytest.approx(1 - (3 / 6 * _h(2 / 3, 1 / 3)) / math.log(3))
    assert a["hs_modality"] == pytest.approx(1.0)


def test_report_shows_splits_baselines_and_names(run):
    root, _, m = run
    html = root.read_text("report.html")
    for path in (
        "splits.test.scores.truth.score",
        "splits.train.purity.truth.min_purity",
        "splits.test.baselines.modality_region_series.truth.nmi_fine",
        "splits.train.baselines.labels.truth.n_groups",
    ):
        value = m
        for part in path.split("."):
            value = value[part]
        assert f'data-metric="{path}" data-value="{float(value)!r}"' in html
    assert 'id="baselines"' in html and "Modality tag × region × series description words" in html
    assert "MR · KNEE · pd cor (cluster 2)" in html


def test_no_split_column_no_split_figures(tmp_path):
    root = RunRoot(tmp_path / "run")
    toy = write_toy_run_root(root, per_group=2, side=16, extras=False)
    cfg = load_config(EvaluateConfig, None, [f"run_root={root.uri}", f"truth={toy.truth_path}"])
    run_evaluate(cfg)
    m = root.read_json("metrics.json")
    assert "splits" not in m and "score_test" not in m
    assert m["scores"]["truth"]["nmi_fine"] == pytest.approx(1.0)
    assert m["baselines"]["modality_region_series"]["truth"]["score"] == pytest.approx(1.0)
    assert "cluster 0<" in root.read_text("report.html")  # no labelling model: no names


def test_label_names_read_robustly(tmp_path):
    root = RunRoot(tmp_path / "run")
    assert read_label_names(root) == {}
    root.write_json({"run_id": "r"}, MODELS, LABEL_MODEL, "meta.json")
    assert read_label_names(root) == {}
    root.write_json({"label_names": ["x"]}, MODELS, LABEL_MODEL, "meta.json")
    assert read_label_names(root) == {}
    root.write_json(
        {"label_names": {"3": " MR · KNEE ", "x": "y", "4": "", "5": 7}}, MODELS, LABEL_MODEL, "meta.json"
    )
    assert read_label_names(root) == {3: "MR · KNEE"}
    root.write_text("{not json", MODELS, LABEL_MODEL, "meta.json")
    assert read_label_names(root) == {}


def test_purity_threshold_is_validated():
    with pytest.raises(ConfigError, match="purity_threshold"):
        load_config(EvaluateConfig, None, ["run_root=/x", "purity_threshold=0"])
    assert np.isclose(load_config(EvaluateConfig, None, ["run_root=/x"]).purity_threshold, 0.95)
