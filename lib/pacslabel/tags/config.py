"""Config dataclasses of the tags stage (``configs/tags.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.runtime import RayConfig
from pacslabel.tags.schema import PAPER_CATEGORICAL, PAPER_NUMERIC, PAPER_WEIGHTS


@dataclass
class SelectionConfig:
    """Which profiled columns become features."""

    min_fill_rate: float = 0.2
    fill_rate_within: Literal["archive", "modality"] = "modality"
    min_modality_rows: int = 50  # a modality's own fill rate counts from this many rows
    min_distinct: int = 2
    absent_is_value: bool = True  # absence counts as a value (distinct rule) and becomes a feature
    max_categorical_cardinality: int = 50
    numeric_fraction: float = 0.95
    other_tags: bool = True
    max_array_values: int = 8
    sketch_size: int = 1024
    top_values: int = 10
    replace_body_part_with_region: bool = True
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    def validate(self) -> None:
        if not 0.0 <= self.min_fill_rate <= 1.0:
            raise ConfigError(f"selection.min_fill_rate: {self.min_fill_rate} is not in [0, 1]")
        if not 0.0 < self.numeric_fraction <= 1.0:
            raise ConfigError(f"selection.numeric_fraction: {self.numeric_fraction} is not in (0, 1]")
        for key in (
            "min_distinct",
            "min_modality_rows",
            "max_categorical_cardinality",
            "max_array_values",
            "sketch_size",
        ):
            if getattr(self, key) < 1:
                raise ConfigError(f"selection.{key}: must be >= 1, got {getattr(self, key)}")


@dataclass
class LearnedRegionConfig:
    """The learned fallback of the region rules (``regions.learned`` in configs/tags.yaml)."""

    enabled: bool = True
    rule_labels: bool = True  # also learn from rows the rules label where BodyPartExamined names no region
    abbreviations: bool = True  # consonant-skeleton prefixes of the words as features (abbreviation_keys)
    sample_rows: int = 200_000  # labelled (study, text) rows the model is fitted on, at most
    min_labelled: int = 30  # fewer labelled (study, text) rows: no model
    min_calibration: int = 200  # fewer out-of-fold rows left open by the rules: threshold on all of them
    calibration_folds: int = 4  # study-disjoint folds whose out-of-fold scores choose the threshold
    precision: float = 0.95  # the threshold gives the largest coverage at this precision on them
    min_probability: float = 0.5  # the threshold never goes below this
    min_known_ngrams: float = 0.5  # share of a description's n-grams seen in training, else open
    ngram_min: int = 2
    ngram_max: int = 5
    max_features: int = 262_144
    c: float = 10.0  # inverse regularisation strength of the logistic regression
    # a rule reading (modality, rule, matched term) that BodyPartExamined contradicts in most of its
    # rows and in at least this many studies is overruled for the archive (0: never)
    override_min_studies: int = 3

    def validate(self) -> None:
        for key in ("precision", "min_probability", "min_known_ngrams"):
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"regions.learned.{key}: {value} is not in [0, 1]")
        if self.calibration_folds < 2:
            raise ConfigError("regions.learned.calibration_folds: must be >= 2")
        if not 1 <= self.ngram_min <= self.ngram_max:
            raise ConfigError("regions.learned.ngram_min / ngram_max: need 1 <= ngram_min <= ngram_max")
        if self.override_min_studies < 0:
            raise ConfigError(f"regions.learned.override_min_studies: {self.override_min_studies} is < 0")
        if self.sample_rows < 2 or self.min_labelled < 2 or self.max_features < 1 or self.c <= 0:
            raise ConfigError("regions.learned: sample_rows, min_labelled >= 2, max_features >= 1, c > 0")


@dataclass
class RegionsConfig:
    rules: str = ""
    truth: str = ""
    learned: LearnedRegionConfig = field(default_factory=LearnedRegionConfig)
    study_consistency: bool = True
    measure_fraction: float = 0.1

    def validate(self) -> None:
        if not 0.0 <= self.measure_fraction < 1.0:
            raise ConfigError(f"regions.measure_fraction: {self.measure_fraction} is not in [0, 1)")
        self.learned.validate()


@dataclass
class FeaturesConfig:
    enabled: bool = True
    imputer: Literal["forest", "simple"] = "forest"
    estimator: Literal["extratrees", "randomforest"] = "extratrees"
    n_estimators: int = 16
    max_depth: int = 10
    max_iter: int = 5
    fit_sample_rows: int = 20000
    clip: bool = True


@dataclass
class ConstraintsConfig:
    enabled: bool = True
    categorical: list[str] = field(default_factory=lambda: list(PAPER_CATEGORICAL))
    numeric: list[str] = field(default_factory=lambda: list(PAPER_NUMERIC))
    weights: dict[str, float] = field(default_factory=lambda: dict(PAPER_WEIGHTS))
    labelled_fraction: float = 0.1
    max_labelled_rows: int = 2_000_000
    n_constraints: int = 2000
    must_fraction: float = 0.5
    epsilon: float = 0.1
    phi: float = 0.5
    block_on: list[str] = field(default_factory=lambda: ["modality", "body_part_examined"])
    batch_pairs: int = 65536
    exhaustive_pairs: int = 2_000_000


@dataclass
class KMedoidsConfig:
    enabled: bool = False
    sample_rows: int = 2000
    ks: list[int] = field(default_factory=lambda: [5, 10, 15, 20])
    k: int = 0
    visual_check: bool = True
    visual_samples: int = 10
    visual_sample_rows: int = 300
    pca_components: int = 32


@dataclass
class TagsConfig:
    run_root: str = ""
    seed: int = 1
    batch_size: int = 4096
    workers: int = 2
    regions: RegionsConfig = field(default_factory=RegionsConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    features: FeaturesConfig = field(default_factory=FeaturesConfig)
    constraints: ConstraintsConfig = field(default_factory=ConstraintsConfig)
    kmedoids: KMedoidsConfig = field(default_factory=KMedoidsConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (the run root holding tags/)")
        if self.batch_size < 1 or self.workers < 1:
            raise ConfigError("batch_size and workers: must be >= 1")
        c = self.constraints
        if not 0.0 < c.labelled_fraction <= 1.0:
            raise ConfigError(f"constraints.labelled_fraction: {c.labelled_fraction} is not in (0, 1]")
        if not 0.0 <= c.must_fraction <= 1.0:
            raise ConfigError(f"constraints.must_fraction: {c.must_fraction} is not in [0, 1]")
        if not 0.0 <= c.epsilon <= c.phi <= 1.0:
            raise ConfigError(
                f"constraints.epsilon / phi: need 0 <= epsilon <= phi <= 1, got {c.epsilon}, {c.phi}"
            )
        if c.n_constraints < 0:
            raise ConfigError("constraints.n_constraints: must be >= 0")
        if any(w < 0 for w in c.weights.values()):
            raise ConfigError("constraints.weights: weights must be >= 0")
        f = self.features
        if f.n_estimators < 1 or f.max_iter < 1 or f.fit_sample_rows < 2:
            raise ConfigError("features: n_estimators, max_iter >= 1 and fit_sample_rows >= 2 required")
        k = self.kmedoids
        if k.enabled and (k.sample_rows < 3 or not k.ks or min(k.ks) < 2):
            raise ConfigError("kmedoids: sample_rows >= 3 and ks (each >= 2) required")
        self.selection.validate()
        self.regions.validate()
