"""COP k-means (Wagstaff, Cardie, Rogers & Schroedl, ICML 2001): k-means under hard constraints.

Each pass assigns every point to the nearest centre that violates no must-link or cannot-link
given the assignments made so far in that pass, then moves the centres to the means; it stops when
the assignment no longer changes (or after ``max_iter`` passes). Paper 000 uses it as a
semi-supervised baseline (Table 3, 2,000 constraints) without saying how failures were handled.

Implementation: must-links are closed transitively (union-find), so each must-link component is
assigned as one unit, to the admissible centre with the smallest summed squared distance over its
rows (for a single point this is Wagstaff's rule; for a component it is the rule applied to all of
its rows at once, which makes the result independent of the order of the rows inside it).
Components without cannot-links are assigned in one vectorised step; components with cannot-links
are assigned greedily, in data order (by smallest row; ``order="degree"`` takes the most
constrained first, which fails less often), skipping every cluster already taken by a
cannot-linked component in the same pass.

Failure policy: a constraint is never violated. If the constraint set contradicts itself (a
cannot-link between two rows joined by must-links) or a component finds every cluster forbidden,
``InfeasibleConstraints`` is raised (Wagstaff's algorithm returns "fail" there). Use
``constraints.inconsistent_cannot_links`` to drop contradictory pairs beforehand, and retry with
another seed / ``order="degree"`` on a greedy failure.
"""

from __future__ import annotations

import logging
from typing import Literal

import numpy as np

from .constraints import InfeasibleConstraints, build_constraint_graph
from .kmeans import as_matrix, check_k, initial_centres, squared_distances, update_centres

log = logging.getLogger(__name__)


def cop_kmeans(
    x: np.ndarray,
    k: int,
    must,
    cannot,
    seed: int = 0,
    max_iter: int = 300,
    init="kmeans++",
    *,
    order: Literal["data", "degree"] = "data",
    return_info: bool = False,
):
    """COP k-means labels, int32 (N,), satisfying every must-link and cannot-link.

    x: (N, D) features; must / cannot: int (M, 2) row-index pairs (None for none); init: "kmeans++"
    (seeded), "random" or a (k, D) array. Deterministic for a given seed. Raises
    ``InfeasibleConstraints`` instead of violating a constraint (see the module docstring).
    With ``return_info`` returns (labels, info) where info has centres, n_iter, converged, inertia.
    """
    from scipy import sparse

    x = as_matrix(x)
    n = len(x)
    check_k(n, k)
    if order not in ("data", "degree"):
        raise ValueError(f"order must be 'data' or 'degree', got {order!r}")
    graph = build_constraint_graph(n, must, cannot)
    if len(graph.self_cannot):
        raise InfeasibleConstraints(
            f"{len(graph.self_cannot)} cannot-link(s) join rows that are must-linked (directly or through "
            "a chain); drop them with inconsistent_cannot_links() first",
            pairs=graph.self_cannot,
        )
    n_comp = graph.n_components
    indicator = sparse.csr_matrix((np.ones(n), (graph.comp, np.arange(n))), shape=(n_comp, n))

    constrained = np.flatnonzero(graph.cannot_degree > 0)
    if order == "degree":
        constrained = constrained[np.argsort(-graph.cannot_degree[constrained], kind="stable")]
    local = np.full(n_comp, -1, dtype=np.int64)
    local[constrained] = np.arange(len(constrained))
    neighbours = [local[graph.cannot_neighbours(c)].tolist() for c in constrained]
    if constrained.size:
        log.debug("COP k-means: %d of %d components carry cannot-links", len(constrained), n_comp)

    centres = initial_centres(x, k, init, seed)
    labels = np.full(n, -1, dtype=np.int32)
    converged = False
    n_iter = 0
    inertia = float("nan")
    for n_iter in range(1, max_iter + 1):
        dist = squared_distances(x, centres)
        cost = np.asarray(indicator @ dist)  # (C, k) summed squared distance of each component
        comp_label = cost.argmin(axis=1)
        if constrained.size:
            cost_c = cost[constrained]
            nearest = cost_c.argmin(axis=1).tolist()
            taken = [-1] * len(constrained)
            for q, best in enumerate(nearest):
                forbidden = {taken[m] for m in neighbours[q]}
                if best not in forbidden:
                    taken[q] = best
                    continue
                for j in np.argsort(cost_c[q], kind="stable").tolist():
                    if j not in forbidden:
                        taken[q] = j
                        break
                else:
                    comp = int(constrained[q])
                    raise InfeasibleConstraints(
                        f"COP k-means pass {n_iter - 1}: component of {int(graph.sizes[comp])} row(s) "
                        f"(first row {int(np.flatnonzero(graph.comp == comp)[0])}) is cannot-linked to all "
                        f"{k} clusters",
                        component=np.flatnonzero(graph.comp == comp),
                        iteration=n_iter - 1,
                    )
            comp_label[constrained] = taken
        new_labels = comp_label[graph.comp].astype(np.int32)
        inertia = float(dist[np.arange(n), new_labels].sum())
        if np.array_equal(new_labels, labels):
            converged = True
            break
        labels = new_labels
        centres = update_centres(x, labels, centres)
    log.info("COP k-means: %d passes, converged=%s, inertia=%.6g", n_iter, converged, inertia)
    if return_info:
        return labels, {"centres": centres, "n_iter": n_iter, "converged": converged, "inertia": inertia}
    return labels
