"""Config dataclasses of the text stage (``configs/reports.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.runtime import RayConfig

EMBEDDERS = ("bow", "tfidf", "pv_dm", "pv_dbow")


@dataclass
class CleanConfig:
    """How report text becomes tokens."""

    language: Literal["hr", "en", "de", "auto", "none"] = "hr"
    auto_scope: Literal["document", "token"] = "document"
    default_language: Literal["hr", "en", "de", "none"] = "hr"
    stop_words: bool = True
    extra_stop_words: list[str] = field(default_factory=list)
    min_chars: int = 20
    min_token_len: int = 2

    def validate(self) -> None:
        if self.min_chars < 0:
            raise ConfigError(f"clean.min_chars: must be >= 0, got {self.min_chars}")
        if self.min_token_len < 1:
            raise ConfigError(f"clean.min_token_len: must be >= 1, got {self.min_token_len}")


@dataclass
class Doc2VecConfig:
    """gensim Doc2Vec settings (paper 003 grid: vector_size 10-1000, window 5/7/10, epochs 25/50/100)."""

    vector_size: int = 100
    window: int = 5
    epochs: int = 25
    negative: int = 5
    sample: float = 0.001
    alpha: float = 0.025
    min_alpha: float = 0.0001
    dbow_words: int = 0
    infer_epochs: int = 0
    keep_doc_vectors: bool = False


@dataclass
class SparseConfig:
    """Bag of words / TF-IDF settings."""

    max_features: int = 2000
    svd_components: int = 0
    svd_max_rows: int = 50_000


@dataclass
class InferConfig:
    """Ray Data inference: actor pool size, CPUs per actor, rows per batch."""

    actors: int = 2
    cpus_per_actor: float = 1.0
    batch_size: int = 1024


@dataclass
class EvalConfig:
    """k-means evaluation of the embeddings on a bounded sample against modality and region."""

    enabled: bool = True
    truth_path: str = ""
    max_rows: int = 20_000
    k_select: Literal["fixed", "truth", "elbow"] = "truth"  # truth: max(#modalities, #regions)
    k: int = 10
    ks: list[int] = field(default_factory=lambda: [5, 10, 15, 20, 30, 40, 50])
    compare: list[str] = field(default_factory=list)


@dataclass
class TextConfig:
    run_root: str = ""
    embedder: Literal["bow", "tfidf", "pv_dm", "pv_dbow"] = "pv_dbow"
    min_count: int = 5
    seed: int = 0
    workers: int = 2
    train_fraction: float = 1.0
    clean_batch_size: int = 4096
    clean: CleanConfig = field(default_factory=CleanConfig)
    doc2vec: Doc2VecConfig = field(default_factory=Doc2VecConfig)
    sparse: SparseConfig = field(default_factory=SparseConfig)
    infer: InferConfig = field(default_factory=InferConfig)
    evaluate: EvalConfig = field(default_factory=EvalConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (the run root holding reports/)")
        if self.min_count < 1:
            raise ConfigError(f"min_count: must be >= 1, got {self.min_count}")
        if self.workers < 1:
            raise ConfigError(f"workers: must be >= 1, got {self.workers}")
        if not 0.0 < self.train_fraction <= 1.0:
            raise ConfigError(f"train_fraction: must be in (0, 1], got {self.train_fraction}")
        for name in self.evaluate.compare:
            if name not in EMBEDDERS:
                raise ConfigError(
                    f"evaluate.compare: {name!r} is not valid; choose from {', '.join(EMBEDDERS)}"
                )
