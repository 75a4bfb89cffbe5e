"""The two presets: configs/pipeline.yaml (production, the default) and configs/pipeline-demo.yaml (laptop
sizes). The production preset runs end to end on a tiny archive with only its epochs, sample sizes and K
cut down (and the resources of a 2-core machine without a GPU), so its models and embedders stay runnable."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from pacslabel.config import load_config
from pacslabel.jobrunner import default_config_path, parse_args
from pacslabel.pipeline import PipelineConfig, run_pipeline
from pacslabel.synth import SynthConfig, generate

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ROOT / "configs" / "pipeline.yaml"
DEMO = ROOT / "configs" / "pipeline-demo.yaml"
SMOKE_PRESET = ROOT / "configs" / "pipeline-smoke.yaml"
REQUIRED = ["input=/pacs", "run_root=/run"]

# Everything the smoke run changes in the production preset: epochs, samples (constraints, vocabulary), K,
# and resources (no GPU, one worker / actor). Lists are merged item by item.
SMOKE = {
    "tags": {"constraints": {"n_constraints": 200, "labelled_fraction": 1.0}},
    "tag_model": {"optim": {"epochs": 1}},
    "image_models": [
        {"optim": {"epochs": 1}, "scaling": {"use_gpu": False}},
        {"optim": {"epochs": 1}, "dec": {"k": 4, "kmeans_n_init": 1}, "scaling": {"use_gpu": False}},
    ],
    "embed": {"use_gpu": False, "max_actors": 1},
    "text": {"workers": 1, "min_count": 1, "doc2vec": {"epochs": 1}, "infer": {"actors": 1}},
    "label": {"k": 3},
    "evaluate": {"silhouette_sample": 200, "report": {"tsne_sample": 0}},
}


def _merge(base, extra):
    if isinstance(base, dict) and isinstance(extra, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in extra.items()}}
    if isinstance(base, list) and isinstance(extra, list):
        assert len(base) == len(extra)
        return [_merge(b, e) for b, e in zip(base, extra, strict=True)]
    return copy.deepcopy(extra)


def _without_label(cfg: PipelineConfig) -> PipelineConfig:
    return dataclasses.replace(cfg, label=None)


def test_defaults_are_the_production_preset():
    from_file = load_config(PipelineConfig, PRODUCTION, REQUIRED)
    from_defaults = load_config(PipelineConfig, None, REQUIRED)
    assert _without_label(from_file) == _without_label(from_defaults)


def test_pipeline_job_reads_the_production_preset_by_default(monkeypatch):
    assert default_config_path("pipeline") == PRODUCTION
    assert parse_args("pipeline", ["run_root=/run"])[0] == [PRODUCTION]
    assert parse_args("pipeline", ["--config", str(DEMO), "run_root=/run"])[0] == [DEMO]
    configs, overrides, _ = parse_args(
        "pipeline", ["--config", str(DEMO), "run_root=/r", "--config", str(SMOKE_PRESET), "x=1"]
    )
    assert configs == [DEMO, SMOKE_PRESET] and overrides == ["run_root=/r", "x=1"]
    monkeypatch.chdir(ROOT / "configs")  # from any working directory
    assert default_config_path("pipeline") == PRODUCTION


def test_production_preset_has_the_papers_models():
    cfg = load_config(PipelineConfig, PRODUCTION, REQUIRED)
    cae, cdec = cfg.image_models
    assert (cae.model, cdec.model) == ("cae", "constrained_dec")
    assert (cae.cae.input_size, cae.cae.filters, cae.cae.bottleneck) == (256, [32, 32, 64, 64, 64], 100)
    assert cdec.dec.pretrained == cae.model_name and cdec.dec.k == 25
    assert (cae.optim.batch_size, cdec.optim.batch_size, cdec.optim.epochs) == (50, 50, 100)
    assert cae.scaling.use_gpu and cdec.scaling.use_gpu and cfg.embed.use_gpu
    assert cfg.tag_model.tag_ae.bottleneck == 32 and cfg.tag_model.optim.epochs == 100
    assert (cfg.text.embedder, cfg.text.doc2vec.vector_size) == ("pv_dbow", 1000)


def test_demo_preset_is_small_and_ends_in_constrained_dec():
    demo = load_config(PipelineConfig, DEMO, REQUIRED)
    production = load_config(PipelineConfig, PRODUCTION, REQUIRED)
    assert [m.model for m in demo.image_models] == [m.model for m in production.image_models]
    assert demo.image_models[0].cae.input_size < production.image_models[0].cae.input_size
    assert all(m.scaling.use_gpu is None for m in demo.image_models)  # GPUs only where there are any
    assert demo.embed.use_gpu is None and demo.text.workers <= 2


@pytest.fixture
def smoke_preset(tmp_path) -> Path:
    preset = yaml.safe_load(PRODUCTION.read_text())
    path = tmp_path / "pipeline-smoke.yaml"
    path.write_text(yaml.safe_dump(_merge(preset, SMOKE), sort_keys=False))
    return path


@pytest.mark.slow
def test_production_preset_end_to_end_on_a_tiny_archive(ray_local, tmp_path, smoke_preset):
    archive = tmp_path / "archive"
    generate(
        SynthConfig(
            out=str(archive),
            studies=8,
            seed=3,
            workers=1,
            image_scale=0.25,
            instances_scale=0.3,
            broken_fraction=0.0,
            junk_fraction=0.0,
            dicomdir=False,
        )
    )
    run = tmp_path / "run"
    overrides = [f"input={archive / 'dicom'}", f"run_root={run}", f"reports={archive / 'reports.csv'}"]
    cfg = load_config(PipelineConfig, smoke_preset, overrides)
    preset = load_config(PipelineConfig, PRODUCTION, overrides)
    cae, cdec = preset.image_models
    summary = run_pipeline(cfg)
    assert summary["mode"] == "full"

    # every image instance has exactly one label
    images = pq.read_table(run / "images", columns=["sop_instance_uid"]).column(0).to_pylist()
    labels = pq.read_table(run / "labels", columns=["sop_instance_uid"]).column(0).to_pylist()
    assert sorted(labels) == sorted(images)

    # the models of the preset, at the preset's sizes
    def arch(name: str) -> dict:
        return yaml.safe_load((run / "models" / name / "config.yaml").read_text())["arch"]

    assert arch("cae")["cae"] == dataclasses.asdict(cae.cae)
    assert arch("cae")["cae"]["input_size"] == 256
    dec_arch = arch(cdec.model_name)
    assert dec_arch["kind"] == "constrained_dec" and dec_arch["k"] == cfg.image_models[-1].dec.k
    assert dec_arch["cae"] == arch("cae")["cae"]
    assert arch("tag_ae")["tag_ae"]["bottleneck"] == preset.tag_model.tag_ae.bottleneck
    assert summary[f"train_{cdec.model_name}"]["pool_must"] > 0

    # embeddings of the preset's dimensions
    def width(table: str, column: str = "embedding") -> int:
        return np.asarray(pq.read_table(run / table, columns=[column]).column(0).to_pylist()[0]).size

    assert width("embeddings/images") == cae.cae.bottleneck
    assert width("embeddings/images", "soft_assignment") == cfg.image_models[-1].dec.k
    assert width("embeddings/tags") == preset.tag_model.tag_ae.bottleneck
    assert width("embeddings/reports") == preset.text.doc2vec.vector_size
    assert (run / "models" / f"reports_{preset.text.embedder}").is_dir()
    assert (run / "report.html").is_file()
