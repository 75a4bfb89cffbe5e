"""Configuration of the search job (``configs/search.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.runtime import RayConfig


@dataclass
class IndexConfig:
    """The FAISS index over the fused embeddings (Euclidean distance, the label stage's space)."""

    kind: Literal["ivf", "hnsw", "flat"] = "ivf"
    nlist: int = 0  # IVF lists; 0 = about 4 * sqrt(n) at build time (at least 1, at most n / 39)
    nprobe: int = 128  # IVF lists searched per query (recall@10 >= 0.95 up to 1 M rows: README)
    hnsw_m: int = 32  # HNSW links per node
    ef_construction: int = 80
    ef_search: int = 128  # HNSW candidates per query
    train_sample: int = 100_000  # vectors the IVF coarse quantiser is trained on
    device: Literal["auto", "cpu", "gpu"] = "auto"  # IVF search on a GPU when faiss has one
    batch_size: int = 8192  # rows per fusion batch (Ray Data)
    join_partitions: int = 8

    def validate(self) -> None:
        if self.nlist < 0 or min(self.nprobe, self.hnsw_m, self.ef_construction, self.ef_search) < 1:
            raise ConfigError("index: nlist >= 0; nprobe, hnsw_m, ef_construction, ef_search >= 1")
        if self.train_sample < 1 or self.batch_size < 1 or self.join_partitions < 1:
            raise ConfigError("index: train_sample, batch_size and join_partitions must be >= 1")


@dataclass
class SearchConfig:
    """Build or update the index; with ``query``, also answer it."""

    run_root: str = ""
    query: str = ""  # a sop_instance_uid of the archive or a DICOM file path; "" = only build / update
    k: int = 10
    out: str = ""  # "" = <run_root>/search/<query name>/ for results.json and results.html
    rebuild: bool = False  # true: a new index from scratch instead of adding what is new
    thumbnail_px: int = 96
    index: IndexConfig = field(default_factory=IndexConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (a labelled run root)")
        if self.k < 1 or self.thumbnail_px < 8:
            raise ConfigError("k must be >= 1 and thumbnail_px >= 8")
