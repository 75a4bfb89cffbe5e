"""Neural models: image CAE, tag AE, DEC / IDEC / constrained DEC, constraint sampler, collapse guard.

torch is imported inside the builders, so importing this package is cheap.
"""

from pacslabel.models.cae import CAEConfig, build_cae
from pacslabel.models.collapse import CollapseGuard, cluster_health
from pacslabel.models.dec import DECConfig, build_dec_model
from pacslabel.models.sampler import ConstraintBatchSampler, pairs_in_batch
from pacslabel.models.tag_ae import TagAEConfig, build_tag_ae

__all__ = [
    "CAEConfig",
    "CollapseGuard",
    "ConstraintBatchSampler",
    "DECConfig",
    "TagAEConfig",
    "build_cae",
    "build_dec_model",
    "build_tag_ae",
    "cluster_health",
    "pairs_in_batch",
]
