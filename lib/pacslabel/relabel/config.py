"""Config dataclass of the relabel job (``configs/relabel.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pacslabel.config import ConfigError
from pacslabel.ingest import IngestConfig
from pacslabel.label import AssignConfig, DriftConfig
from pacslabel.runtime import RayConfig


@dataclass
class RelabelConfig:
    """``python -m jobs.relabel input=DIR run_root=DIR [reports=FILE]`` on a run root with a label model."""

    input: str = ""
    run_root: str = ""
    reports: str = ""  # the current reports file (csv / parquet); "" = no new reports
    ingest: IngestConfig = field(default_factory=IngestConfig)
    actors: int = 1  # inference actors per model
    cpus_per_actor: float = 0.5
    use_gpu: bool | None = None  # None: one GPU per inference actor when the cluster has GPUs
    batch_size: int = 256
    inline_max_rows: int = 20_000  # increments up to this size are encoded on the driver, larger on Ray Data
    driver_max_keys: int = 5_000_000  # key scans up to this many keys run on the driver, larger on Ray Data
    join_partitions: int = 8  # hash partitions of the key anti-joins (above driver_max_keys)
    assign: AssignConfig = field(default_factory=AssignConfig)
    drift: DriftConfig = field(default_factory=DriftConfig)
    evaluate: bool = True  # refresh metrics.json and report.html afterwards
    truth: str = ""  # evaluation only (synthetic archives)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required (a run root that a full pipeline run has labelled)")
        if not self.input:
            raise ConfigError("input: required (the PACS dump directory to look for new files in)")
        if self.actors < 1:
            raise ConfigError("actors: must be >= 1")
        if self.cpus_per_actor <= 0:
            raise ConfigError("cpus_per_actor: must be > 0")
        if self.inline_max_rows < 0 or self.driver_max_keys < 0:
            raise ConfigError("inline_max_rows, driver_max_keys: must be >= 0")
