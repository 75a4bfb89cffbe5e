"""DICOM-tag side: region reconstruction, tag profiling and selection, imputation and encoding,
Gower distance, pairwise constraints and tag K-medoids (papers 000, 003, 004)."""

from pacslabel.tags.gower import GowerEncoder, feature_ranges, gower_matrix, gower_pairs
from pacslabel.tags.job import TagsConfig, run_tags
from pacslabel.tags.preprocess import TagPreprocessor
from pacslabel.tags.regions import RegionRules, reconstruct_region, region_accuracy

__all__ = [
    "GowerEncoder",
    "RegionRules",
    "TagPreprocessor",
    "TagsConfig",
    "feature_ranges",
    "gower_matrix",
    "gower_pairs",
    "reconstruct_region",
    "region_accuracy",
    "run_tags",
]
