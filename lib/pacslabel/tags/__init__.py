"""DICOM-tag side: region reconstruction, tag profiling and selection, imputation and encoding,
Gower distance, pairwise constraints and tag K-medoids (papers 000, 003, 004).

Modules: ``config`` (config dataclasses), ``run`` (the runner), ``batches`` (the ``map_batches``
callables), ``region_stage`` (the regions step), ``regions`` (rules), ``learned_region`` (the learned
fallback), ``profile`` (profiling and selection), ``preprocess`` (imputation and encoding), ``gower``,
``constraints``, ``clustering`` (K-medoids), ``schema`` and ``bodypart_terms`` (tag vocabularies).
"""

from pacslabel.tags.config import TagsConfig
from pacslabel.tags.gower import GowerEncoder, feature_ranges, gower_matrix, gower_pairs
from pacslabel.tags.preprocess import TagPreprocessor
from pacslabel.tags.regions import RegionRules, reconstruct_region, region_accuracy
from pacslabel.tags.run import run_tags

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
