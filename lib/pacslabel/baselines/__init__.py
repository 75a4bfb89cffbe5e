"""Classic baselines of papers 001 and 000: HOG / LBP / PCA descriptors + k-means, and the
semi-supervised COP k-means and PC k-means under must-link / cannot-link constraints."""

from .constraints import (
    ConstraintGraph,
    InfeasibleConstraints,
    build_constraint_graph,
    connected_components,
    count_violations,
    inconsistent_cannot_links,
)
from .cop_kmeans import cop_kmeans
from .features import (
    fit_pca,
    flatten_images,
    hog_features,
    hog_features_reference,
    hog_output_dim,
    lbp_codes,
    lbp_features,
    lbp_features_reference,
    lbp_output_dim,
    pca_features,
)
from .kmeans import kmeans_labels
from .pc_kmeans import pc_kmeans

__all__ = [
    "ConstraintGraph",
    "InfeasibleConstraints",
    "build_constraint_graph",
    "connected_components",
    "cop_kmeans",
    "count_violations",
    "fit_pca",
    "flatten_images",
    "hog_features",
    "hog_features_reference",
    "hog_output_dim",
    "inconsistent_cannot_links",
    "kmeans_labels",
    "lbp_codes",
    "lbp_features",
    "lbp_features_reference",
    "lbp_output_dim",
    "pc_kmeans",
    "pca_features",
]
