"""Labelling stage: fusion of source embeddings, choosing K, FAISS k-means, assignment, stable ids, drift.

Entry points for orchestration:

- :func:`run_label` (job ``label``): fit a model on a sample, label every instance (``labels/``);
- :func:`assign_new`: assign instances without a label to the saved centroids and append their rows;
- :func:`distance_drift` / :func:`drift_for_run`: compare distance distributions, recommend retraining;
- :func:`match_centroids`: stable label ids between an old and a new set of centroids.
"""

from pacslabel.label.drift import DriftConfig, distance_drift
from pacslabel.label.stable_ids import match_centroids, match_labels
from pacslabel.label.stage import AssignConfig, LabelConfig, assign_new, drift_for_run, fit_model, run_label

__all__ = [
    "AssignConfig",
    "DriftConfig",
    "LabelConfig",
    "assign_new",
    "distance_drift",
    "drift_for_run",
    "fit_model",
    "match_centroids",
    "match_labels",
    "run_label",
]
