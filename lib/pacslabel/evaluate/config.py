"""Configuration of the evaluate job (metrics.json and report.html at the run root)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pacslabel.config import ConfigError
from pacslabel.runroot import COMPARE_JSON, COMPARE_MD, REGIONS, TAG_PROFILE


@dataclass
class ReportConfig:
    """What the browsable report shows and how large it gets."""

    thumbs_per_cluster: int = 8
    thumb_px: int = 96
    top_n: int = 4  # modality / region / study-description entries listed per cluster
    max_cards: int = 0  # 0 = a card for every cluster; else the largest max_cards clusters
    max_tag_profile_rows: int = 200
    tsne_sample: int = 2000
    tsne_perplexity: float = 30.0
    tsne_min_rows: int = 20  # below this many sampled rows the projection is PCA
    tsne_max_iter: int = 1000
    title: str = "pacslabel run report"

    def validate(self) -> None:
        if self.thumbs_per_cluster < 0:
            raise ConfigError("report.thumbs_per_cluster: must be >= 0")
        if not 16 <= self.thumb_px <= 256:
            raise ConfigError("report.thumb_px: must be between 16 and 256")
        if self.top_n < 1:
            raise ConfigError("report.top_n: must be >= 1")
        if self.max_cards < 0:
            raise ConfigError("report.max_cards: must be >= 0 (0 = all clusters)")
        if self.tsne_sample < 0:
            raise ConfigError("report.tsne_sample: must be >= 0 (0 = no projection)")
        if self.tsne_perplexity <= 0:
            raise ConfigError("report.tsne_perplexity: must be > 0")
        if self.tsne_max_iter < 250:
            raise ConfigError("report.tsne_max_iter: must be >= 250 (scikit-learn's minimum)")
        if self.tsne_min_rows < 4:
            raise ConfigError("report.tsne_min_rows: must be >= 4")


@dataclass
class EvaluateConfig:
    """Inputs are read from ``run_root``; ``truth`` is the synthetic generator's truth.parquet (optional)."""

    run_root: str = ""
    truth: str = ""
    # Embedding sources for the silhouette, in order of preference; each present one is scored, the
    # first present one is the headline ``silhouette`` and the t-SNE input.
    silhouette_sources: list[str] = field(default_factory=lambda: ["fused", "images"])
    silhouette_sample: int = 10_000
    # Sources whose intra-cluster mean cosine distance to the cluster mean is computed (exact, streamed).
    # "reports" vectors are keyed by accession_key and mapped to every instance of the study.
    cosine_sources: list[str] = field(default_factory=lambda: ["images", "reports"])
    # A label whose largest modality holds a smaller share of its rows than this counts as impure.
    purity_threshold: float = 0.95
    # Tables read by optional sections; relative paths are under the run root.
    regions_table: str = REGIONS
    compare_json: str = COMPARE_JSON
    compare_md: str = COMPARE_MD
    tag_profile: list[str] = field(default_factory=lambda: [TAG_PROFILE, "features/tag_profile.parquet"])
    batch_rows: int = 65_536
    seed: int = 0
    report: ReportConfig = field(default_factory=ReportConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: must be set (the directory or URI of the run root)")
        if self.silhouette_sample < 0:
            raise ConfigError("silhouette_sample: must be >= 0 (0 = no silhouette)")
        if not 0 < self.purity_threshold <= 1:
            raise ConfigError("purity_threshold: must be in (0, 1]")
        if self.batch_rows < 1:
            raise ConfigError("batch_rows: must be >= 1")
        uid_keyed = {"fused", "images", "tags"}
        for key, values, valid in (
            ("silhouette_sources", self.silhouette_sources, uid_keyed),
            ("cosine_sources", self.cosine_sources, uid_keyed | {"reports"}),
        ):
            for v in values:
                if v not in valid:
                    raise ConfigError(f"{key}: {v!r} is not valid; choose from {', '.join(sorted(valid))}")
