"""Every image modality by default: synthetic mammograms and PET studies become images with their tags;
secondary captures follow ``export.derived``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ingest_fixtures import make_dataset
from test_ingest_stage import all_files, check_accounting

from pacslabel.imagecol import pixels_to_numpy
from pacslabel.ingest import ExportConfig, IngestConfig, ingest_new_files
from pacslabel.runroot import IMAGES, REJECTS, TAGS, RunRoot
from pacslabel.synth import SynthConfig
from pacslabel.synth.plan import plan_study
from pacslabel.synth.study import generate_study


def _studies(cfg: SynthConfig) -> list[int]:
    """The first mammography study, and PET studies until one has a projection and one a series
    without attenuation correction."""
    mg, pt, modes = None, [], set()
    for i in range(2000):
        study, series, _ = plan_study(cfg, i)
        looks = {s.style.look.mode for s in series}
        if study.modality == "MG" and mg is None:
            mg = i
        elif study.modality == "PT" and looks - modes:
            pt.append(i)
            modes |= looks
        if mg is not None and {"MIP", "NAC"} <= modes:
            return [mg, *pt]
    raise AssertionError("no such studies")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """Mammography and PET studies written as the synthetic generator writes them, and one secondary
    capture; truth per SOP Instance UID."""
    top = tmp_path_factory.mktemp("mgpt") / "dicom"
    cfg = SynthConfig(out=str(top.parent), image_scale=0.3, instances_scale=0.15, broken_fraction=0.0)
    truth = {}
    for index in _studies(cfg):
        for row in generate_study(cfg, index, top).truth:
            truth[row["sop_instance_uid"]] = row
    sc = make_dataset("41", modality="OT")
    sc.SOPClassUID = sc.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    sc.save_as(str(top / "screen_save.dcm"), enforce_file_format=True)
    return top, truth


@pytest.mark.parametrize("derived", ["reject", "keep"])
def test_mammography_and_pet_are_images_by_default(ray_local, tmp_path, archive, derived):
    top, truth = archive
    root = RunRoot(tmp_path / "run")
    export = ExportConfig() if derived == "reject" else ExportConfig(derived="keep")
    cfg = IngestConfig(input=str(top), run_root=root.uri, inline_max_files=1000, export=export)
    summary = ingest_new_files(str(top), root, cfg)
    t = check_accounting(root, all_files(top))
    tags = {r["sop_instance_uid"]: r for r in t[TAGS].to_pylist()}
    images = t[IMAGES]
    # every synthetic mammogram and PET image is exported, the secondary capture as the policy says
    assert set(images["sop_instance_uid"].to_pylist()) - {make_dataset("41").SOPInstanceUID} == set(truth)
    rejects = {os.path.basename(r["path"]): r["reason"] for r in t[REJECTS].to_pylist()}
    if derived == "reject":
        assert rejects == {"screen_save.dcm": "derived_object"}
        assert summary["reasons"] == {"derived_object": 1}
    else:
        assert not rejects and summary["images"] == len(truth) + 1
    # their own tags reach tags/
    seen = set()
    for uid, row in truth.items():
        other = json.loads(tags[uid]["other_tags"])
        assert tags[uid]["modality"] == row["modality"]
        if row["modality"] == "MG":
            assert other["ViewPosition"] == row["view"] and other["ImageLaterality"] in ("R", "L")
        else:
            assert other["Units"] == "BQML" and other["DecayCorrection"] == "START"
            assert other["CorrectedImage"].count("ATTN") == (row["mode"] != "NAC")
        seen.add((row["modality"], row["appearance"]))
    assert {m for m, _ in seen} == {"MG", "PT"} and len(seen) >= 4
    # a projection shown black on white is inverted at export: a bright background, unlike slices
    pixels = pixels_to_numpy(images["pixels"])
    mean = dict(zip(images["sop_instance_uid"].to_pylist(), pixels.mean(axis=(1, 2)), strict=True))
    inverted = images["inverted"].to_pylist()
    by_mode: dict[str, list[float]] = {}
    for uid, flag in zip(images["sop_instance_uid"].to_pylist(), inverted, strict=True):
        if uid in truth and truth[uid]["modality"] == "PT":
            assert flag == (truth[uid]["mode"] == "MIP")
            by_mode.setdefault(truth[uid]["mode"], []).append(mean[uid])
    assert min(by_mode["MIP"]) > 2 * max(np.mean(v) for m, v in by_mode.items() if m != "MIP")
