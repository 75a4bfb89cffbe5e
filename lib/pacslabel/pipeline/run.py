"""The whole pipeline: ingest → tags → train → embed → reports → label → evaluate.

Each stage is the library function of its own job, called with that job's config; the pipeline
config nests one section per stage and fills in the shared keys (``run_root``, ``ray``, ``input``).
A stage is skipped when its outputs exist and its config and inputs are unchanged since it last
completed (see :mod:`pacslabel.pipeline.stages`); ingest always runs, since it is incremental and
is what notices new files.

Once a run root has a labelling model, ``mode=auto`` (the default) relabels instead: new files are
ingested, embedded with the frozen models and assigned to the saved centroids (:mod:`pacslabel.relabel`).
``mode=full`` retrains every stage whose inputs changed.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.embed import EmbedConfig, run_embed
from pacslabel.embed.run import tables as embed_tables
from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.evaluate.run import tables as evaluate_tables
from pacslabel.ingest import IngestConfig, run_ingest
from pacslabel.ingest.run import tables as ingest_tables
from pacslabel.label import LabelConfig, run_label
from pacslabel.label.model import LabelModel
from pacslabel.label.run import tables as label_tables
from pacslabel.models.cae import CAEConfig
from pacslabel.models.dec import DECConfig
from pacslabel.models.tag_ae import TagAEConfig
from pacslabel.pipeline.stages import Stage, run_stages
from pacslabel.relabel import RelabelConfig, run_relabel
from pacslabel.runroot import REPORT_HTML, RunRoot, Tables
from pacslabel.runtime import RayConfig
from pacslabel.storage import redacted
from pacslabel.tags import TagsConfig, run_tags
from pacslabel.tags.config import ConstraintsConfig
from pacslabel.tags.run import tables as tags_tables
from pacslabel.text import TextConfig, run_text
from pacslabel.text.config import Doc2VecConfig, InferConfig
from pacslabel.text.run import tables as text_tables
from pacslabel.train import OptimConfig, ScalingOptions, TrainConfig, run_train
from pacslabel.train.run import tables as train_tables

log = logging.getLogger(__name__)

StageName = Literal["ingest", "tags", "train", "embed", "reports", "label", "evaluate"]
ALL_STAGES: tuple[StageName, ...] = ("ingest", "tags", "train", "embed", "reports", "label", "evaluate")


# The defaults are the production preset, configs/pipeline.yaml (a test keeps the two equal), so that a
# run without a config file is a production run; configs/pipeline-demo.yaml holds laptop sizes.


def _tags() -> TagsConfig:
    return TagsConfig(constraints=ConstraintsConfig(n_constraints=20_000))


def _tag_ae() -> TrainConfig:
    return TrainConfig(
        model="tag_ae",
        tag_ae=TagAEConfig(hidden=[256, 128], bottleneck=32, activation="relu"),
        optim=OptimConfig(lr=0.001, batch_size=32, epochs=100, val_fraction=0.1, patience=5),
        scaling=ScalingOptions(use_gpu=False),
    )


def _paper_cae() -> CAEConfig:
    return CAEConfig(input_size=256, filters=[32, 32, 64, 64, 64], kernel_size=3, bottleneck=100)


def _image_models() -> list[TrainConfig]:
    return [
        TrainConfig(
            model="cae",
            cae=_paper_cae(),
            optim=OptimConfig(lr=0.001, batch_size=50, epochs=40, val_fraction=0.05, patience=5),
            scaling=ScalingOptions(use_gpu=True),
        ),
        TrainConfig(
            model="constrained_dec",
            cae=_paper_cae(),
            max_rows=100_000,
            dec=DECConfig(
                k=25,
                alpha=0.1,
                beta=1.0,
                gamma=2.0,
                margin=1.0,
                tol=0.001,
                kmeans_n_init=20,
                max_constraints=20_000,
                pretrained="cae",
            ),
            optim=OptimConfig(lr=0.001, batch_size=50, epochs=100),
            scaling=ScalingOptions(use_gpu=True),
        ),
    ]


def _embed() -> EmbedConfig:
    return EmbedConfig(batch_size=256, max_actors=8, use_gpu=True)


def _text() -> TextConfig:
    return TextConfig(
        embedder="pv_dbow",
        min_count=5,
        workers=8,
        doc2vec=Doc2VecConfig(vector_size=1000, window=5, epochs=50),
        infer=InferConfig(actors=16),
    )


@dataclass
class PipelineConfig:
    """Every stage's config in one place. ``image_models`` are trained in order (a DEC model after the
    CAE it starts from); the last one embeds the images."""

    input: str = ""
    run_root: str = ""
    reports: str = ""  # csv / parquet with accession_number, text; "" = no reports
    truth: str = ""  # evaluation only: parquet with sop_instance_uid, modality, anatomical_region
    stages: list[StageName] = field(default_factory=lambda: list(ALL_STAGES))
    mode: Literal["auto", "full", "relabel"] = "auto"  # auto: relabel once a labelling model exists
    ingest: IngestConfig = field(default_factory=IngestConfig)
    tags: TagsConfig = field(default_factory=_tags)
    tag_model: TrainConfig = field(default_factory=_tag_ae)
    image_models: list[TrainConfig] = field(default_factory=_image_models)
    embed: EmbedConfig = field(default_factory=_embed)
    text: TextConfig = field(default_factory=_text)
    label: LabelConfig = field(default_factory=LabelConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required")
        if "ingest" in self.stages and not self.input:
            raise ConfigError("input: required when the ingest stage runs")
        if self.tag_model.model != "tag_ae":
            raise ConfigError(f"tag_model.model: must be 'tag_ae', got {self.tag_model.model!r}")
        if not self.image_models:
            raise ConfigError("image_models: at least one image model (e.g. cae) is needed")
        if any(m.model == "tag_ae" for m in self.image_models):
            raise ConfigError("image_models: 'tag_ae' is a tag model; use tag_model for it")


def _with(cfg, **shared):
    """A copy of a stage config with the pipeline's shared keys set (only those the stage has)."""
    names = {f.name for f in dataclasses.fields(cfg)}
    return dataclasses.replace(cfg, **{k: v for k, v in shared.items() if k in names})


def build_stages(cfg: PipelineConfig) -> list[Stage]:
    """The ordered stages this config asks for, each bound to its resolved config; what a stage reads
    and writes comes from its ``tables`` declaration."""
    shared = {"run_root": cfg.run_root, "ray": cfg.ray}
    wanted = set(cfg.stages)
    stages: list[Stage] = []

    def add(kind: str, name: str, run, config, tables: Tables, extra_reads=(), always: bool = False) -> None:
        if kind not in wanted:
            return
        check = getattr(config, "validate", None)
        try:
            if check is not None:
                check()
        except ConfigError as exc:
            raise ConfigError(f"stage {name}: {exc}") from exc
        reads = list(dict.fromkeys([*tables.reads, *extra_reads]))
        stages.append(Stage(name, lambda: run(config), config, reads, tables.writes, always=always))

    ingest = _with(cfg.ingest, input=cfg.input, reports=cfg.reports, **shared)
    add("ingest", "ingest", run_ingest, ingest, ingest_tables(ingest), always=True)

    tags = _with(cfg.tags, **shared)
    add("tags", "tags", run_tags, tags, tags_tables(tags))

    tag_model = _with(cfg.tag_model, **shared)
    add("train", "train_tag_ae", run_train, tag_model, train_tables(tag_model))
    image_models = [_with(m, **shared) for m in cfg.image_models]
    previous: list[str] = []  # a model is retrained when any model trained before it changed
    for model in image_models:
        trained = train_tables(model)
        add("train", f"train_{model.model_name}", run_train, model, trained, extra_reads=previous)
        previous = [*previous, *trained.writes]

    embed_tags = _with(cfg.embed, source="tags", model=tag_model.model_name, **shared)
    embed_images = _with(cfg.embed, source="images", model=image_models[-1].model_name, **shared)
    add("embed", "embed_tags", run_embed, embed_tags, embed_tables(embed_tags))
    add("embed", "embed_images", run_embed, embed_images, embed_tables(embed_images))

    sources = ["images", "tags"]
    if cfg.reports:
        text = _with(cfg.text, **shared)
        if cfg.truth and not text.evaluate.truth_path:
            text = dataclasses.replace(
                text, evaluate=dataclasses.replace(text.evaluate, truth_path=cfg.truth)
            )
        add("reports", "reports", run_text, text, text_tables(text))
        sources.append("reports")

    label = _with(cfg.label, **shared)
    label = dataclasses.replace(label, sources=[s for s in label.sources if s in sources])
    labelled = label_tables(label)
    add("label", "label", run_label, label, labelled)
    evaluate = _with(cfg.evaluate, truth=cfg.truth or cfg.evaluate.truth, **shared)
    add("evaluate", "evaluate", run_evaluate, evaluate, evaluate_tables(evaluate), extra_reads=labelled.reads)
    return stages


def relabel_config(cfg: PipelineConfig) -> RelabelConfig:
    """The relabel job's config for this pipeline (same input, reports, ingest, assignment and drift)."""
    return RelabelConfig(
        input=cfg.input,
        run_root=cfg.run_root,
        reports=cfg.reports,
        ingest=cfg.ingest,
        cpus_per_actor=cfg.embed.cpus_per_actor,
        use_gpu=cfg.embed.use_gpu,
        join_partitions=cfg.label.assign.join_partitions,
        assign=cfg.label.assign,
        drift=cfg.label.drift,
        evaluate="evaluate" in cfg.stages,
        truth=cfg.truth,
        ray=cfg.ray,
    )


def run_pipeline(cfg: PipelineConfig) -> dict:
    """Run the configured stages in order, or relabel (see the module docstring); returns summaries."""
    run_root = RunRoot(cfg.run_root)
    if cfg.mode == "relabel" or (cfg.mode == "auto" and LabelModel.exists(run_root)):
        log.info("relabelling %s with the frozen models (mode=full retrains)", run_root.uri)
        summary = {"mode": "relabel", **run_relabel(relabel_config(cfg))}
    else:
        summary = {"mode": "full", **run_stages(run_root, build_stages(cfg))}
    outputs = {"run_root": run_root.uri, "report": run_root.uri_of(REPORT_HTML)}
    summary["outputs"] = {key: redacted(uri) for key, uri in outputs.items()}
    return summary
