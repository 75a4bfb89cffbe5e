"""Configuration of the comparison job (see configs/compare.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pacslabel.config import ConfigError
from pacslabel.models.cae import CAEConfig
from pacslabel.models.dec import DECConfig
from pacslabel.runtime import RayConfig
from pacslabel.splits import check_fractions

DEEP = ("cae_kmeans", "cdec", "cidec", "constrained_dec")
DESCRIPTORS = ("hog_kmeans", "lbp_kmeans", "pca_kmeans")
METHODS = (*DEEP, *DESCRIPTORS, "cop_kmeans", "pc_kmeans")
FEATURES = ("cae", "hog", "lbp", "pca")


@dataclass
class CompareConfig:
    """Comparison job (see configs/compare.yaml)."""

    run_root: str = ""
    truth: str = ""  # truth.parquet: sop_instance_uid, modality, anatomical_region
    seeds: int = 5
    first_seed: int = 0
    max_images: int = 2000  # bounded sample held in memory
    split: list[float] = field(default_factory=lambda: [0.7, 0.15, 0.15])  # train / validation / test
    split_seed: int = 0  # the split is by patient (else study) key, hashed with this seed
    constrained_share: float = 0.5  # at most this share of the sample is drawn from constraint end points
    k: int = 25
    image_size: int = 64  # images are resized to this side for every method (CAE input and descriptors)
    cae: CAEConfig = field(default_factory=CAEConfig)  # cae.input_size is replaced by image_size
    cae_epochs: int = 20
    dec_epochs: int = 20
    batch_size: int = 50
    lr: float = 0.001
    dec: DECConfig = field(default_factory=DECConfig)  # dec.k is replaced by k
    methods: list[str] = field(default_factory=lambda: list(METHODS))
    constraint_features: list[str] = field(default_factory=lambda: ["cae"])  # cae | hog | lbp | pca
    pc_weight: float = 1.0
    pca_components: int = 50
    max_constraints: int = 20_000
    sweep_counts: list[int] = field(default_factory=lambda: [500, 1000, 2000, 5000, 10_000, 20_000])
    sweep_seeds: int = 1  # seeds per sweep point (0 = no sweep)
    silhouette_sample: int = 5000
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required")
        if not self.truth:
            raise ConfigError("truth: required (path of truth.parquet)")
        if self.seeds < 1 or self.max_images < self.k:
            raise ConfigError("seeds must be >= 1 and max_images >= k")
        try:
            check_fractions(self.split)
        except ValueError as e:
            raise ConfigError(str(e)) from None
        if self.split[2] <= 0:
            raise ConfigError(
                f"split: the test fraction must be > 0 (methods are scored on it), got {self.split}"
            )
        bad = [m for m in self.methods if m not in METHODS]
        if bad:
            raise ConfigError(f"methods: {bad[0]!r} is not valid; choose from {', '.join(sorted(METHODS))}")
        bad = [f for f in self.constraint_features if f not in FEATURES]
        if bad:
            raise ConfigError(
                f"constraint_features: {bad[0]!r} is not valid; choose from {', '.join(FEATURES)}"
            )
