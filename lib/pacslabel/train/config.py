"""Configuration of the train job (one dataclass tree; see configs/train.yaml for every key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.models.cae import CAEConfig
from pacslabel.models.dec import DECConfig
from pacslabel.models.tag_ae import TagAEConfig
from pacslabel.runtime import RayConfig

ModelKind = Literal["cae", "tag_ae", "dec", "idec", "constrained_dec"]


@dataclass
class OptimConfig:
    lr: float = 0.001
    batch_size: int = 50  # per worker
    epochs: int = 20  # maximum number of epochs (DEC models may stop earlier on dec.tol)
    weight_decay: float = 0.0
    val_fraction: float = 0.0  # rows held out (by uid hash) for early stopping; 0 = no validation
    patience: int = 0  # epochs without validation improvement before stopping; 0 = off
    shuffle_buffer: int = 512  # rows in the local shuffle buffer of each worker; 0 = stream order
    prefetch_batches: int = 1
    # tag vectors: a worker whose shard is below this size keeps it in memory after the first pass and
    # shuffles it itself (re-streaming small vectors costs far more than the model); 0 = always stream
    in_memory_mb: int = 1024

    def validate(self) -> None:
        if self.lr <= 0 or self.batch_size < 1 or self.epochs < 1:
            raise ConfigError("optim: lr must be > 0, batch_size and epochs >= 1")
        if not 0.0 <= self.val_fraction < 1.0:
            raise ConfigError("optim.val_fraction: must be in [0, 1)")
        if self.patience < 0 or self.shuffle_buffer < 0 or self.prefetch_batches < 0 or self.in_memory_mb < 0:
            raise ConfigError(
                "optim.patience / shuffle_buffer / prefetch_batches / in_memory_mb: must be >= 0"
            )


@dataclass
class ScalingOptions:
    num_workers: int = 1
    use_gpu: bool | None = None  # None = use GPUs when the Ray cluster has any
    # Keep CPU below a whole core on small machines: a train bundle that takes every CPU starves Ray Data.
    resources_per_worker: dict[str, float] = field(default_factory=lambda: {"CPU": 0.5})
    bf16: bool = True  # bf16 autocast (CUDA only)
    channels_last: bool = True  # channels-last memory format for conv models (CUDA only)
    torch_threads: int = 0  # intra-op threads per worker; 0 = Ray default (OMP_NUM_THREADS from CPU share)
    max_failures: int = 0  # worker-group restarts from the last checkpoint
    checkpoint_every: int = 1  # epochs between checkpoints
    keep_checkpoints: int = 2

    def validate(self) -> None:
        if self.num_workers < 1:
            raise ConfigError("scaling.num_workers: must be >= 1")
        if self.checkpoint_every < 1 or self.keep_checkpoints < 1:
            raise ConfigError("scaling.checkpoint_every / keep_checkpoints: must be >= 1")


@dataclass
class TrainConfig:
    """Train one model on the run root's tables with Ray Train and store it under models/<name>/."""

    run_root: str = ""
    model: ModelKind = "cae"
    name: str = ""  # models/<name>/; "" = the model kind
    run_name: str = ""  # Ray Train run name; "" = "<name>-<UTC time>" (a fresh run). Reuse one to resume it.
    storage_path: str = (
        ""  # Ray Train storage; "" = <run_root>/_train (must be shared on a multi-node cluster)
    )
    max_rows: int = 0  # train on about this many rows, a uid-hash sample of the whole input table; 0 = all
    seed: int = 0
    cae: CAEConfig = field(default_factory=CAEConfig)
    tag_ae: TagAEConfig = field(default_factory=TagAEConfig)
    dec: DECConfig = field(default_factory=DECConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    scaling: ScalingOptions = field(default_factory=ScalingOptions)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required (the run root holding images/ or features/tags/)")
        if self.max_rows < 0:
            raise ConfigError("max_rows: must be >= 0")
        if self.name and ("/" in self.name or self.name.startswith(".")):
            raise ConfigError(f"name: {self.name!r} must be a plain directory name")

    @property
    def model_name(self) -> str:
        return self.name or self.model
