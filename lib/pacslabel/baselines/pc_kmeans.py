"""PC k-means (Basu, Banerjee & Mooney, SDM 2004): k-means with soft pairwise constraints.

Objective (Basu et al. eq. 2, with uniform weights w_ij = w for must-links and w̄_ij = w̄ for
cannot-links):

    sum_i ½‖x_i − μ_{l_i}‖² + w · #{must-links split} + w̄ · #{cannot-links inside one cluster}

over the constraint sets augmented as in the paper: must-links are closed transitively (every pair
inside a must-link component is a must-link) and a cannot-link between two components forbids every
pair across them. Paper 000 uses it as a semi-supervised baseline (Table 3, 2,000 constraints).

Algorithm (Basu et al. Fig. 2):
1. Neighbourhoods = must-link components with >= 2 rows, sorted by decreasing size (λ of them).
   λ >= k: centres = means of the k largest; else the λ means, then (if one exists) a point
   cannot-linked to every neighbourhood, then the remaining centres at random rows (``init=
   "neighbourhoods"``; ``"neighbourhoods++"`` draws the remaining ones by k-means++ D² sampling).
2. Repeat: assign each point to argmin_h of its cost given the current labels of the others
   (iterated conditional modes: constrained points one at a time in a seeded random order,
   unconstrained points all at once since their cost has no constraint term), then move each
   centre to the mean of its points; stop when no label changes or after ``max_iter`` passes.

The constraint terms come from per-component label counts: for row i in component A,
#split must-links = (|A| − 1) − #(other rows of A labelled h) and #violated cannot-links =
Σ_{B cannot-linked to A} #(rows of B labelled h); both counts are updated incrementally, so a pass
costs O(N·k·D) for the distances plus O(k + deg) per constrained row.
Cannot-links inside a must-link component add the same constant to every choice and are ignored.
"""

from __future__ import annotations

import logging

import numpy as np

from pacslabel.baselines.constraints import count_violations

from .constraints import ConstraintGraph, build_constraint_graph
from .kmeans import as_matrix, check_k, initial_centres, squared_distances, update_centres

log = logging.getLogger(__name__)


def _component_means(x: np.ndarray, graph: ConstraintGraph, comps: np.ndarray) -> np.ndarray:
    from scipy import sparse

    rows = np.flatnonzero(np.isin(graph.comp, comps))
    pos = np.full(graph.n_components, -1, dtype=np.int64)
    pos[comps] = np.arange(len(comps))
    ind = sparse.csr_matrix((np.ones(len(rows)), (pos[graph.comp[rows]], rows)), shape=(len(comps), len(x)))
    return np.asarray(ind @ x, dtype=np.float64) / graph.sizes[comps][:, None]


def neighbourhood_centres(
    x: np.ndarray, k: int, graph: ConstraintGraph, rng: np.random.Generator, fill: str = "random"
) -> np.ndarray:
    """Basu et al.'s initialisation from the λ must-link neighbourhoods (module docstring, step 1)."""
    multi = np.flatnonzero(graph.sizes >= 2)
    multi = multi[np.argsort(-graph.sizes[multi], kind="stable")]  # decreasing size, ties by first row
    chosen = multi[:k]
    centres = [*_component_means(x, graph, chosen)] if len(chosen) else []
    used_rows: list[int] = []
    if 0 < len(multi) < k:
        is_neighbourhood = np.zeros(graph.n_components, dtype=bool)
        is_neighbourhood[multi] = True
        src = np.repeat(np.arange(graph.n_components), graph.cannot_degree)
        hits = np.bincount(src[is_neighbourhood[graph.cl_indices]], minlength=graph.n_components)
        candidates = np.flatnonzero((hits == len(multi)) & (graph.sizes == 1))
        if len(candidates):
            row = int(np.flatnonzero(graph.comp == candidates[0])[0])
            centres.append(x[row].astype(np.float64))
            used_rows.append(row)
    missing = k - len(centres)
    if missing > 0:
        pool = np.setdiff1d(np.arange(len(x)), used_rows)
        if fill == "random":
            rows = rng.choice(pool, size=missing, replace=False)
            centres.extend(x[rows].astype(np.float64))
        elif fill == "kmeans++":
            if not centres:
                centres.append(x[int(rng.choice(pool))].astype(np.float64))
                missing -= 1
            d2 = squared_distances(x, np.stack(centres)).min(axis=1)
            for _ in range(missing):
                p = d2 / d2.sum() if d2.sum() > 0 else None
                row = int(rng.choice(len(x), p=p))
                centres.append(x[row].astype(np.float64))
                d2 = np.minimum(d2, squared_distances(x, centres[-1][None])[:, 0])
        else:
            raise ValueError(f"fill must be 'random' or 'kmeans++', got {fill!r}")
    return np.stack(centres)


def pc_kmeans(
    x: np.ndarray,
    k: int,
    must,
    cannot,
    weight: float = 1.0,
    seed: int = 0,
    max_iter: int = 100,
    *,
    cannot_weight: float | None = None,
    init="neighbourhoods",
    return_info: bool = False,
):
    """PC k-means labels, int32 (N,); constraints are soft, with cost ``weight`` per violation.

    x: (N, D); must / cannot: int (M, 2) row-index pairs (None for none); ``cannot_weight``
    defaults to ``weight``; init: "neighbourhoods" (paper), "neighbourhoods++", "kmeans++",
    "random" or a (k, D) array. weight = 0 gives Lloyd's k-means from the same centres; a large
    weight enforces every constraint of a consistent set the data does not contradict.
    Deterministic for a given seed. With ``return_info`` returns (labels, info) with centres,
    n_iter, converged, objective, violations (must, cannot: counts over the given pairs).
    """
    x = as_matrix(x)
    n = len(x)
    check_k(n, k)
    w_ml = float(weight)
    w_cl = float(weight if cannot_weight is None else cannot_weight)
    if w_ml < 0 or w_cl < 0:
        raise ValueError("constraint weights must be >= 0")
    graph = build_constraint_graph(n, must, cannot)
    if len(graph.self_cannot):
        log.warning(
            "PC k-means: %d cannot-link(s) inside must-link components are ignored", len(graph.self_cannot)
        )
    rng = np.random.default_rng(seed)
    if isinstance(init, str) and init in ("neighbourhoods", "neighbourhoods++"):
        fill = "random" if init == "neighbourhoods" else "kmeans++"
        centres = neighbourhood_centres(x, k, graph, rng, fill=fill)
    else:
        centres = initial_centres(x, k, init, seed)

    tied = (graph.sizes >= 2) | (graph.cannot_degree > 0)
    comps = np.flatnonzero(tied)
    local = np.full(graph.n_components, -1, dtype=np.int64)
    local[comps] = np.arange(len(comps))
    rows_c = np.flatnonzero(tied[graph.comp])  # rows whose cost has constraint terms
    free = np.flatnonzero(~tied[graph.comp])
    row_local = local[graph.comp[rows_c]]
    nbrs = [local[graph.cannot_neighbours(c)] for c in comps]
    # penalty[q, h] = -w_ml * #(rows of q labelled h) + w_cl * #(rows of components cannot-linked to q
    # labelled h): the label-dependent part of a row's constraint cost, kept up to date per move.
    penalty = np.zeros((len(comps), k), dtype=np.float64)
    has_nbrs = [len(a) > 0 for a in nbrs]

    labels = np.full(n, -1, dtype=np.int32)
    converged = False
    n_iter = 0
    dist = None
    for it in range(max_iter):
        n_iter = it + 1
        dist = squared_distances(x, centres)
        half = 0.5 * dist
        previous = labels.copy()
        if len(free):
            labels[free] = half[free].argmin(axis=1)
        perm = rng.permutation(len(rows_c))
        half_c = half[rows_c[perm]]
        current = labels[rows_c[perm]].tolist()
        for t, (i, q) in enumerate(zip(rows_c[perm].tolist(), row_local[perm].tolist(), strict=True)):
            old = current[t]
            cost = half_c[t] + penalty[q]
            if old >= 0:
                cost[old] += w_ml  # i itself is not one of the "other rows" of its component
            new = int(cost.argmin())
            if new == old:
                continue
            labels[i] = new
            penalty[q, new] -= w_ml
            if has_nbrs[q]:
                penalty[nbrs[q], new] += w_cl
            if old >= 0:
                penalty[q, old] += w_ml
                if has_nbrs[q]:
                    penalty[nbrs[q], old] -= w_cl
        if np.array_equal(labels, previous):
            converged = True
            break
        centres = update_centres(x, labels, centres)

    violations = count_violations(labels, must, cannot)
    objective = float(0.5 * dist[np.arange(n), labels].sum())
    # augmented-set penalty: split pairs inside components + same-label pairs across cannot-linked ones
    counts = np.zeros((len(comps), k), dtype=np.float64)
    np.add.at(counts, (row_local, labels[rows_c]), 1.0)
    split_pairs = float(
        (graph.sizes[comps] * (graph.sizes[comps] - 1) / 2).sum() - (counts * (counts - 1) / 2).sum()
    )
    cross = float(sum(counts[q] @ counts[nbrs[q]].sum(axis=0) for q in range(len(comps)) if has_nbrs[q])) / 2
    objective += w_ml * split_pairs + w_cl * cross
    log.info(
        "PC k-means: %d passes, converged=%s, violated must=%d cannot=%d", n_iter, converged, *violations
    )
    labels = labels.astype(np.int32)
    if return_info:
        return labels, {
            "centres": centres,
            "n_iter": n_iter,
            "converged": converged,
            "objective": objective,
            "violations": {"must": violations[0], "cannot": violations[1]},
        }
    return labels
