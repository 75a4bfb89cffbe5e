"""Source and fusion ablation of the labelling model (paper 003, Table 7): every subset of the sources x
fusion method x partitioning, fitted on one sample's train split and scored on its test split.

- :func:`run_ablation` (job ``ablate``): writes :data:`ABLATION_JSON` and :data:`ABLATION_MD` at the run root.
"""

from pacslabel.ablation.config import AblateConfig
from pacslabel.ablation.run import run_ablation
from pacslabel.runroot import ABLATION_JSON, ABLATION_MD

__all__ = ["ABLATION_JSON", "ABLATION_MD", "AblateConfig", "run_ablation"]
