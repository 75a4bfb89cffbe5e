"""Configuration of the label stage (``configs/label.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.label.drift import DriftConfig
from pacslabel.label.partition import PARTITION_FIELDS
from pacslabel.runtime import RayConfig
from pacslabel.splits import check_fractions

Source = Literal["images", "tags", "reports"]


@dataclass
class AssignConfig:
    """Ray Data actor pool that assigns instances to centroids (each actor holds the model once)."""

    min_actors: int = 1
    max_actors: int = 2
    batch_size: int = 4096
    num_cpus: float = 0.5  # below 1, so the reads and joins feeding the pool still get whole CPUs
    join_partitions: int = 8  # hash partitions of the source joins (about 1 per 1-2 GB of embeddings)


@dataclass
class FitConfig:
    """How a labelling model is fused and fitted: the knobs the label stage and the ablation share."""

    weights: dict[str, float] = field(default_factory=dict)  # per-source weight, default 1 each
    center: bool = True
    missing: Literal["mean", "zeros"] = "mean"
    source_k: int = 20
    temperature: float = 0.1
    k: int | Literal["auto"] = "auto"  # per partition
    k_rule: Literal["silhouette", "elbow"] = "silhouette"
    k_min: int = 1
    k_max: int = 40
    min_rows_per_label: int = 5
    min_silhouette: float = 0.1
    silhouette_tolerance: float = 0.0  # > 0: the largest K within this of the best silhouette
    silhouette_sample: int = 2000
    split: list[float] = field(default_factory=lambda: [0.7, 0.15, 0.15])
    split_seed: int = 0
    train_sample: int = 200_000
    balance_modalities: bool = True
    seed: int = 0
    niter: int = 25
    nredo: int = 3
    spherical: bool = False
    init: Literal["random", "kmeans++", "afkmc2"] = "kmeans++"
    device: Literal["auto", "cpu", "gpu"] = "auto"
    max_points_per_centroid: int = 256


@dataclass
class LabelConfig(FitConfig):
    run_root: str = ""
    run_id: str = ""  # empty: a new id (UTC time + random suffix)
    sources: list[Source] = field(default_factory=lambda: ["images", "tags", "reports"])
    fusion: Literal["embeddings", "clusterdists", "clusterprobs"] = "embeddings"
    partition_by: list[str] = field(default_factory=lambda: ["modality", "region"])
    study_sources: list[Source] = field(default_factory=lambda: ["reports"])  # not where the region is known
    pool: Literal["series", "none"] = "series"  # each instance takes its series' mean embeddings
    min_series_per_label: int = 2  # a label groups images of at least this many training series
    stable_ids: bool = True
    store_all_distances: bool = False
    medoids: bool = False
    medoid_sample: int = 2000
    assign: AssignConfig = field(default_factory=AssignConfig)
    drift: DriftConfig = field(default_factory=DriftConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (the run root holding embeddings/)")
        if not self.sources:
            raise ConfigError("sources: give at least one of images, tags, reports")
        if len(set(self.sources)) != len(self.sources):
            raise ConfigError(f"sources: duplicates in {self.sources}")
        unknown = sorted(set(self.weights) - set(self.sources))
        if unknown:
            raise ConfigError(f"weights: {unknown} are not among sources {self.sources}")
        bad = [f for f in self.partition_by if f not in PARTITION_FIELDS]
        if bad or len(set(self.partition_by)) != len(self.partition_by):
            raise ConfigError(f"partition_by: {self.partition_by}; choose from {list(PARTITION_FIELDS)}")
        if self.partition_by and self.partition_by[0] != "modality":
            raise ConfigError("partition_by: modality comes first (labels never mix modalities)")
        if isinstance(self.k, int) and self.k < 1:
            raise ConfigError(f"k: must be >= 1 or 'auto', got {self.k}")
        if not 1 <= self.k_min <= self.k_max:
            raise ConfigError(f"k_min/k_max: need 1 <= k_min <= k_max, got {self.k_min}, {self.k_max}")
        if self.min_rows_per_label < 1 or self.min_series_per_label < 1 or self.source_k < 2:
            raise ConfigError("min_rows_per_label and min_series_per_label must be >= 1, source_k >= 2")
        if not 0 <= self.silhouette_tolerance < 1:
            raise ConfigError(f"silhouette_tolerance: must be in [0, 1), got {self.silhouette_tolerance}")
        if self.temperature <= 0:
            raise ConfigError(f"temperature: must be > 0, got {self.temperature}")
        if self.train_sample < 2:
            raise ConfigError("train_sample: must be >= 2")
        try:
            check_fractions(self.split)
        except ValueError as e:
            raise ConfigError(str(e)) from None
        if self.assign.min_actors < 1 or self.assign.max_actors < self.assign.min_actors:
            raise ConfigError("assign.min_actors/max_actors: need 1 <= min_actors <= max_actors")
