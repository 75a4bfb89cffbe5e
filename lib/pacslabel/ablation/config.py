"""Configuration of the ablation job (``configs/ablate.yaml``).

The fitting knobs are :class:`~pacslabel.label.config.FitConfig`'s, as in the label stage's config; every
variant's LabelConfig is built from them with its own sources, fusion and partitioning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.label.config import FitConfig, LabelConfig, Source
from pacslabel.runtime import RayConfig

Fusion = Literal["embeddings", "clusterdists", "clusterprobs"]
PartitionField = Literal["modality", "region"]


@dataclass
class AblateConfig(FitConfig):
    run_root: str = ""
    truth: str = ""  # truth.parquet (sop_instance_uid, modality, anatomical_region[, appearance]); "" = tags
    sources: list[Source] = field(default_factory=lambda: ["images", "tags", "reports"])
    fusions: list[Fusion] = field(default_factory=lambda: ["embeddings", "clusterdists", "clusterprobs"])
    partitionings: list[list[PartitionField]] = field(default_factory=lambda: [["modality", "region"], []])
    complete_rows: bool = False  # keep only sampled instances that have every available source
    min_rows_per_label: int = 20  # FitConfig's knobs, with a smaller sample and larger labels
    train_sample: int = 20_000
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        for key in ("sources", "fusions"):
            values = getattr(self, key)
            if not values or len(set(values)) != len(values):
                raise ConfigError(f"{key}: give distinct values, at least one, got {values}")
        if not self.partitionings:
            raise ConfigError("partitionings: give at least one, e.g. [[modality, region], []]")
        seen = set()
        for i, by in enumerate(self.partitionings):
            if len(set(by)) != len(by) or (by and by[0] != "modality"):
                raise ConfigError(
                    f"partitionings[{i}]: {by}; distinct fields with modality first, or [] (one partition)"
                )
            if tuple(by) in seen:
                raise ConfigError(f"partitionings[{i}]: {by} is listed twice")
            seen.add(tuple(by))
        unknown = sorted(set(self.weights) - set(self.sources))
        if unknown:
            raise ConfigError(f"weights: {unknown} are not among sources {self.sources}")
        label_config(self, list(self.sources), self.fusions[0], []).validate()


def label_config(cfg: AblateConfig, sources: list[str], fusion: str, partition_by: list[str]) -> LabelConfig:
    """The LabelConfig of one variant: the shared knobs of ``cfg`` with these sources, fusion, partitions."""
    shared = {f.name: getattr(cfg, f.name) for f in dataclasses.fields(FitConfig) if f.name != "weights"}
    return LabelConfig(
        **shared,
        run_root=cfg.run_root,
        sources=list(sources),
        fusion=fusion,
        partition_by=list(partition_by),
        weights={s: w for s, w in cfg.weights.items() if s in sources},
        pool="none",  # instance embeddings, as in the paper's table
        ray=cfg.ray,
    )
