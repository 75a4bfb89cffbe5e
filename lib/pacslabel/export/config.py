"""Configuration of the export job (``configs/export.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.runtime import RayConfig
from pacslabel.splits import check_fractions
from pacslabel.vocab import code_value


@dataclass
class ExportConfig:
    """Which labelled instances to export, as what, and how to split them."""

    run_root: str = ""
    out: str = ""  # "" = <run_root>/exports/default; else a local path or URI
    labels: list[int] = field(default_factory=list)  # [] = every label
    modalities: list[str] = field(default_factory=list)  # [] = every modality (DICOM Modality)
    regions: list[str] = field(default_factory=list)  # [] = every region (regions/), unknown included
    format: Literal["webdataset", "imagefolder"] = "webdataset"
    split: list[float] = field(default_factory=lambda: [0.8, 0.1, 0.1])  # train / validation / test
    split_seed: int = 0
    max_per_label: int = 0  # 0 = no cap; else at most this many instances per label, all exports together
    samples_per_shard: int = 2000  # rows per writer batch; its tar shards split it by split
    writers: int = 2  # writer actors (PNG encoding and shard writes), at most
    num_cpus: float = 1.0  # per writer actor
    join_partitions: int = 8
    overwrite: bool = False  # true: delete an existing export made with other settings or another model
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (a labelled run root)")
        try:
            check_fractions(self.split)
        except ValueError as e:
            raise ConfigError(str(e)) from None
        if self.max_per_label < 0:
            raise ConfigError(f"max_per_label: must be >= 0 (0 = no cap), got {self.max_per_label}")
        if min(self.samples_per_shard, self.join_partitions, self.writers) < 1 or self.num_cpus <= 0:
            raise ConfigError("samples_per_shard, join_partitions and writers must be >= 1, num_cpus > 0")
        self.modalities = [m for m in map(code_value, self.modalities) if m]
        self.regions = [r for r in map(code_value, self.regions) if r]

    def selection(self) -> dict:
        """The settings an incremental export must keep (what is selected, and how it is split)."""
        return {
            "labels": sorted(int(v) for v in self.labels),
            "modalities": sorted(self.modalities),
            "regions": sorted(self.regions),
            "format": self.format,
            "split": [float(v) for v in self.split],
            "split_seed": int(self.split_seed),
            "max_per_label": int(self.max_per_label),
        }
