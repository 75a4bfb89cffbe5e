"""Labelling stage: fusion of source embeddings, FAISS k-means inside each modality (x region) partition
with K chosen per partition on a validation split, assignment, readable names, stable ids, drift.

Entry points for orchestration:

- :func:`run_label` (job ``label``): fit a model on a sample, label every instance (``labels/``);
- :func:`assign_new`: assign instances without a label to the saved centroids and append their rows;
- :func:`assign_increment`: the same on the driver for a few new instances (relabel);
- :func:`distance_drift` / :func:`drift_for_run`: compare distance distributions, recommend retraining;
- :func:`match_centroids`: stable label ids between an old and a new set of centroids.
"""

from pacslabel.label.config import AssignConfig, LabelConfig
from pacslabel.label.drift import DriftConfig, distance_drift
from pacslabel.label.fit import fit_model
from pacslabel.label.run import assign_increment, assign_new, drift_for_run, run_label
from pacslabel.label.stable_ids import match_centroids, match_labels

__all__ = [
    "AssignConfig",
    "DriftConfig",
    "LabelConfig",
    "assign_increment",
    "assign_new",
    "distance_drift",
    "drift_for_run",
    "fit_model",
    "match_centroids",
    "match_labels",
    "run_label",
]
