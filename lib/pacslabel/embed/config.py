"""Configuration of the embed job (see configs/embed.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.runtime import RayConfig

DEFAULT_MODEL = {"images": "cae", "tags": "tag_ae"}


@dataclass
class EmbedConfig:
    """Which table to embed with which model under models/, and how many inference actors to run."""

    run_root: str = ""
    source: Literal["images", "tags"] = "images"
    model: str = ""  # models/<model>/; "" = cae for images, tag_ae for tags
    batch_size: int = 256
    min_actors: int = 1
    max_actors: int = 1
    cpus_per_actor: float = 1.0
    use_gpu: bool | None = None  # None = one GPU per actor when the Ray cluster has GPUs
    bf16: bool = True  # bf16 autocast on CUDA
    rows_per_file: int = 100_000  # hint for the output Parquet files
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required")
        if self.batch_size < 1:
            raise ConfigError("batch_size: must be >= 1 (GPU actors need an integer batch size)")
        if self.min_actors < 1 or self.max_actors < self.min_actors:
            raise ConfigError("min_actors / max_actors: need 1 <= min_actors <= max_actors")

    @property
    def model_name(self) -> str:
        return self.model or DEFAULT_MODEL[self.source]
