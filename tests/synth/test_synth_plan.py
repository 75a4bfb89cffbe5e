"""Generator properties that need many draws (mixes, rates), determinism, config checks, pixel similarity."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from pacslabel.config import ConfigError, load_config
from pacslabel.synth import SynthConfig, generate
from pacslabel.synth.canvas import Pose
from pacslabel.synth.catalog.acquisition import CONTRAST_AGENT_MISSING_RATE, PT_TRACERS, RADIOPHARMACEUTICALS
from pacslabel.synth.catalog.appearances import appearance_weights
from pacslabel.synth.catalog.check import check_catalog
from pacslabel.synth.catalog.messiness import (
    BODY_PART_MISSING_RATE,
    BODY_PART_VARIANT_RATE,
    BODY_PART_VARIANTS,
    VIEW_POSITION_MISSING_RATE,
)
from pacslabel.synth.catalog.modalities import MODALITY_WEIGHTS, REGION_WEIGHTS
from pacslabel.synth.headers.study_info import body_part_value
from pacslabel.synth.plan import plan_study
from pacslabel.synth.render.frames import render_frames
from pacslabel.synth.render.style import Style
from pacslabel.vocab import MODALITIES, REGIONS


def test_catalog_covers_the_vocabulary():
    check_catalog()
    assert set(MODALITY_WEIGHTS) == set(MODALITIES)
    assert REGION_WEIGHTS["MG"] == {"BREAST": 100} and "BREAST" in REGION_WEIGHTS["MR"]
    assert all("BREAST" not in REGION_WEIGHTS[m] for m in ("CT", "CR", "DX", "XA", "RF", "NM", "PT"))
    assert max(REGION_WEIGHTS["PT"], key=REGION_WEIGHTS["PT"].get) == "WHOLEBODY"
    assert set(PT_TRACERS) == set(REGION_WEIGHTS["PT"])
    assert abs(sum(MODALITY_WEIGHTS.values()) - 1.0) < 1e-9
    assert "SINUS" not in REGION_WEIGHTS["MR"] and "SINUS" not in REGION_WEIGHTS["RF"]
    assert {"T_SPINE", "TSPINE", "T-SPINE"} <= set(BODY_PART_VARIANTS["TSPINE"])
    assert "THORAX" in BODY_PART_VARIANTS["CHEST"]


@pytest.fixture(scope="module")
def plans():
    cfg = SynthConfig(out="unused")
    return [plan_study(cfg, i)[:2] for i in range(2500)]


def test_modality_and_region_mix(plans):
    n = len(plans)
    mods = Counter(study.modality for study, _ in plans)
    for m, w in MODALITY_WEIGHTS.items():
        assert abs(mods[m] / n - w) < 0.03, (m, mods[m] / n, w)
    pairs = Counter((study.modality, study.region) for study, _ in plans)
    assert all(r in REGION_WEIGHTS[m] for m, r in pairs)  # only combinations that occur in practice
    assert {r for _, r in pairs} == set(REGIONS)
    # within CR, the most common region is the chest, at about its weight
    cr = [r for (m, r), k in pairs.items() for _ in range(k) if m == "CR"]
    share = Counter(cr)["CHEST"] / len(cr)
    expect = REGION_WEIGHTS["CR"]["CHEST"] / sum(REGION_WEIGHTS["CR"].values())
    assert abs(share - expect) < 0.06


def test_body_part_missing_rate_per_series(plans):
    missing: Counter = Counter()
    total: Counter = Counter()
    for study, series in plans:
        for s in series:
            total[study.modality] += 1
            missing[study.modality] += s.body_part is None
    for m, rate in BODY_PART_MISSING_RATE.items():
        assert total[m] > 100
        tol = 3 * np.sqrt(rate * (1 - rate) / total[m]) + 0.01
        assert abs(missing[m] / total[m] - rate) < tol, (m, missing[m] / total[m], rate)
    for m in ("CR", "DX", "XA", "RF"):
        assert missing[m] / total[m] > 0.5  # missing for most radiographs and fluoroscopy


def test_body_part_variant_and_mislabel_rates():
    rng = np.random.default_rng(0)
    n = 20000
    vals = [body_part_value(rng, "CT", "TSPINE", mislabelled=False) for _ in range(n)]
    present = [v for v in vals if v is not None]
    assert abs(1 - len(present) / n - BODY_PART_MISSING_RATE["CT"]) < 0.015
    variants = BODY_PART_VARIANTS["TSPINE"]
    assert set(present) == set(variants)
    share_variant = sum(v != variants[0] for v in present) / len(present)
    assert abs(share_variant - BODY_PART_VARIANT_RATE) < 0.02
    # a mislabelled series names another region: never a spelling that only TSPINE uses
    wrong = {body_part_value(rng, "CT", "TSPINE", mislabelled=True) for _ in range(2000)} - {None}
    others = {v for r, vs in BODY_PART_VARIANTS.items() if r != "TSPINE" for v in vs}
    assert wrong <= others and len(wrong) > 20


def test_mislabelled_descriptions_are_a_few_percent(plans):
    mislabelled = sum(
        s.body_part is not None and s.body_part not in BODY_PART_VARIANTS[study.region]
        for study, series in plans
        for s in series
    )
    present = sum(s.body_part is not None for _, series in plans for s in series)
    assert 0.005 < mislabelled / present < 0.08


def test_config_validation(tmp_path):
    with pytest.raises(ConfigError, match="out"):
        load_config(SynthConfig, None, [])
    with pytest.raises(ConfigError, match=r"transfer_syntaxes\.jpeg_xl"):
        load_config(SynthConfig, None, [f"out={tmp_path}", "transfer_syntaxes={jpeg_xl: 1}"])
    with pytest.raises(ConfigError, match="broken_fraction"):
        load_config(SynthConfig, None, [f"out={tmp_path}", "broken_fraction=1.5"])
    cfg = load_config(SynthConfig, Path(__file__).parents[2] / "configs" / "synth.yaml", [f"out={tmp_path}"])
    assert cfg.workers == 0 and cfg.resolved_workers() >= 1


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_whatever_the_worker_count(tmp_path):
    common = {
        "studies": 6,
        "seed": 11,
        "image_scale": 0.2,
        "instances_scale": 0.15,
        "broken_fraction": 0.1,
        "chunk_studies": 1,
    }
    generate(SynthConfig(out=str(tmp_path / "a"), workers=1, **common))
    generate(SynthConfig(out=str(tmp_path / "b"), workers=2, **common))
    generate(SynthConfig(out=str(tmp_path / "c"), workers=1, **{**common, "seed": 12}))
    a, b, c = (_digest(tmp_path / x) for x in "abc")
    assert len(a) > 10
    assert a == b
    assert a != c


def _image(modality: str, region: str, k: int) -> np.ndarray:
    rng = np.random.default_rng(100 + k)
    pose = Pose(
        float(rng.normal(0, 0.1)),
        float(rng.uniform(0.85, 1.1)),
        float(rng.normal(0, 0.05)),
        float(rng.normal(0, 0.05)),
        bool(k % 2),
    )
    style = Style(modality, region, 128, 128, pose=pose, anat_seed=k)
    a = render_frames(style, 0.0, rng).array.astype(np.float32)
    return (a - a.mean()) / (a.std() + 1e-6)


def _small(a: np.ndarray) -> np.ndarray:
    from PIL import Image

    a = np.asarray(Image.fromarray(a.astype(np.float32), mode="F").resize((32, 32), Image.BILINEAR))
    return (a - a.mean()) / (a.std() + 1e-6)


@pytest.mark.parametrize(
    "modality,regions",
    [
        ("CR", ("CHEST", "HAND", "KNEE", "PELVIS", "LSPINE", "SKULL")),
        ("CT", ("HEAD", "CHEST", "ABDOMEN", "PELVIS")),
    ],
)
def test_same_region_looks_alike_but_never_identical(modality, regions):
    """Leave-one-out nearest region mean (correlation of 32x32 thumbnails) finds the region mostly."""
    n = 5
    full = {r: [_image(modality, r, k) for k in range(n)] for r in regions}
    for r in regions:
        for i in range(n):
            for j in range(i + 1, n):
                assert not np.array_equal(full[r][i], full[r][j])
    imgs = {r: [_small(a) for a in full[r]] for r in regions}
    correct = 0
    for r in regions:
        for i in range(n):
            scores = {}
            for r2 in regions:
                mean = np.mean([imgs[r2][j] for j in range(n) if (r2, j) != (r, i)], axis=0)
                scores[r2] = float((imgs[r][i] * mean).mean() / (mean.std() + 1e-6))
            correct += max(scores, key=scores.get) == r
    accuracy = correct / (n * len(regions))
    assert accuracy >= 0.7, (modality, accuracy)


def test_appearance_mix(plans):
    seen: dict[tuple[str, str], Counter] = {}
    for study, series in plans:
        looks = [s.style.appearance.name for s in series]
        groups = appearance_weights(study.modality, study.region)
        assert set(looks) <= set(groups)
        assert len(set(looks)) == min(len(looks), len(groups))  # a study shows distinct groups first
        seen.setdefault((study.modality, study.region), Counter()).update(looks)
    for pair in (("CT", "HEAD"), ("CR", "CHEST"), ("MR", "HEAD"), ("US", "ABDOMEN"), ("DX", "CHEST")):
        groups = appearance_weights(*pair)
        assert set(seen[pair]) == set(groups), pair  # every group of a common pair occurs
    for pair in (("CT", "HEAD"), ("CR", "CHEST")):
        groups = appearance_weights(*pair)
        assert seen[pair].most_common(1)[0][0] == max(groups, key=groups.get)


def test_appearance_tag_rates(plans):
    view_missing: Counter = Counter()
    radiographs: Counter = Counter()
    agent_missing = contrast = 0
    for study, series in plans:
        for s in series:
            look = s.style.appearance
            if study.modality in ("CR", "DX"):
                radiographs[study.modality] += 1
                view_missing[study.modality] += not s.acquisition.get("ViewPosition")
            if study.modality == "CT" and look.contrast:
                contrast += 1
                agent_missing += "ContrastBolusAgent" not in s.acquisition
    for m, rate in VIEW_POSITION_MISSING_RATE.items():
        assert (
            abs(view_missing[m] / radiographs[m] - rate)
            < 3 * np.sqrt(rate * (1 - rate) / radiographs[m]) + 0.01
        )
    rate = CONTRAST_AGENT_MISSING_RATE
    assert abs(agent_missing / contrast - rate) < 3 * np.sqrt(rate * (1 - rate) / contrast) + 0.01


def test_mammograms_show_both_breasts_and_pet_studies_one_tracer(plans):
    """A mammography study's second series of a view images the other breast, mirrored; a PET study
    has one tracer and patient weight for all its series."""
    mg = [(study, series) for study, series in plans if study.modality == "MG"]
    pt = [(study, series) for study, series in plans if study.modality == "PT"]
    assert len(mg) > 60 and len(pt) > 20
    for _, series in mg:
        first = {}
        for s in series:
            view, side = s.style.appearance.view, s.laterality
            assert s.acquisition["ImageLaterality"] == side and s.acquisition["ViewPosition"] == view
            assert s.style.pose.flip == (side == "R")
            assert side == first.setdefault(view, side) or side != first[view]
        views = [s.style.appearance.view for s in series]
        for view in set(views):
            sides = [s.laterality for s in series if s.style.appearance.view == view]
            assert len(set(sides[:2])) == len(sides[:2])  # the same view twice: both breasts
    for study, series in pt:
        assert study.tracer in PT_TRACERS[study.region] and study.weight_kg > 0
        names = {
            s.acquisition["RadiopharmaceuticalInformationSequence"][0].Radiopharmaceutical for s in series
        }
        assert names == {RADIOPHARMACEUTICALS[study.tracer][0]}
        for s in series:
            assert (s.n_instances == 1) == (s.style.appearance.mode == "MIP")


def test_descriptions_name_the_appearance_mostly(plans):
    """MR series descriptions carry a word of their sequence most of the time, but not always."""
    from pacslabel.synth.texts.words import APPEARANCE_WORDS, LANGS

    hits = total = 0
    for study, series in plans:
        if study.modality != "MR":
            continue
        for s in series:
            if s.description is None:
                continue
            table = APPEARANCE_WORDS[s.style.appearance.sequence]
            words = {w.lower() for lang in LANGS for w in table["*"] + table.get(lang, ())}
            total += 1
            hits += any(w in s.description.lower() for w in words)
    assert 0.55 < hits / total < 0.9
