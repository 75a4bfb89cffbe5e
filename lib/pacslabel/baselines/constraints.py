"""Pairwise-constraint bookkeeping shared by COP k-means and PC k-means.

Constraints are int arrays (M, 2) of row indices. Must-links are closed transitively by
union-find: each connected component of the must-link graph is one "neighbourhood" whose
points share a cluster. Cannot-links are lifted to pairs of components (a cannot-link between
a and b forbids every point of comp(a) from sharing a cluster with every point of comp(b)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class InfeasibleConstraints(ValueError):
    """The constraints cannot all be satisfied (COP k-means' failure case).

    ``pairs`` holds the offending cannot-link row pairs when the constraint set contradicts itself
    (a cannot-link inside a must-link component); ``component`` the component (as row indices) that
    found no admissible cluster during a greedy assignment, with ``iteration`` the pass (0-based).
    """

    def __init__(self, message: str, *, pairs=None, component=None, iteration: int | None = None):
        super().__init__(message)
        self.pairs = pairs
        self.component = component
        self.iteration = iteration


def as_pairs(pairs, n: int, name: str) -> np.ndarray:
    """Validate constraints: int64 (M, 2) row indices in [0, n); None or empty -> (0, 2)."""
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    arr = np.asarray(pairs)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an integer array of shape (M, 2), got {arr.dtype} {arr.shape}")
    arr = arr.astype(np.int64)
    if arr.min() < 0 or arr.max() >= n:
        raise ValueError(f"{name} holds row indices outside [0, {n})")
    return arr


def connected_components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component id of each of ``n`` nodes of the graph with edges ``pairs`` (M, 2).

    Vectorised union-find: every round hooks each edge's larger root under the smaller root
    (``np.minimum.at``), then compresses paths by pointer jumping until each node points at its
    root; no recursion, O(M) work per round and a few rounds in practice. Ids are renumbered
    0..C-1 in order of each component's smallest node, so the result is canonical.
    """
    parent = np.arange(n, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    u, v = pairs[:, 0], pairs[:, 1]
    while len(u):
        ru, rv = parent[u], parent[v]
        lo, hi = np.minimum(ru, rv), np.maximum(ru, rv)
        live = lo != hi
        if not live.any():
            break
        u, v, lo, hi = u[live], v[live], lo[live], hi[live]  # settled edges never wake up again
        np.minimum.at(parent, hi, lo)
        while True:  # pointer jumping: parent[x] <= x always, so this ends at the roots
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    _, comp = np.unique(parent, return_inverse=True)  # roots are the smallest node of each component
    return comp.astype(np.int64)


@dataclass(frozen=True)
class ConstraintGraph:
    """Must-link components and the cannot-link graph between them.

    comp: (N,) component id of every row (singletons included); sizes: (C,) rows per component;
    cl_indptr / cl_indices: CSR adjacency of the symmetric, de-duplicated component cannot-link
    graph; self_cannot: (S, 2) cannot-link row pairs that fall inside one must-link component.
    """

    comp: np.ndarray
    sizes: np.ndarray
    cl_indptr: np.ndarray
    cl_indices: np.ndarray
    self_cannot: np.ndarray

    @property
    def n_components(self) -> int:
        return len(self.sizes)

    def cannot_neighbours(self, c: int) -> np.ndarray:
        return self.cl_indices[self.cl_indptr[c] : self.cl_indptr[c + 1]]

    @property
    def cannot_degree(self) -> np.ndarray:
        return np.diff(self.cl_indptr)

    def members(self) -> list[np.ndarray]:
        """Row indices of every component (a list of C arrays, in component order)."""
        order = np.argsort(self.comp, kind="stable")
        return np.split(order, np.cumsum(self.sizes)[:-1])


def build_constraint_graph(n: int, must, cannot) -> ConstraintGraph:
    """Union-find over must-links, then the cannot-links lifted to (de-duplicated) component pairs."""
    must = as_pairs(must, n, "must")
    cannot = as_pairs(cannot, n, "cannot")
    comp = connected_components(n, must)
    n_comp = int(comp.max()) + 1 if n else 0
    sizes = np.bincount(comp, minlength=n_comp)
    a, b = comp[cannot[:, 0]], comp[cannot[:, 1]]
    inside = a == b
    self_cannot = cannot[inside]
    a, b = a[~inside], b[~inside]
    both = np.unique(np.concatenate([a * n_comp + b, b * n_comp + a]))  # symmetric, sorted, unique
    src, dst = both // max(n_comp, 1), both % max(n_comp, 1)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_comp))]).astype(np.int64)
    return ConstraintGraph(
        comp=comp, sizes=sizes, cl_indptr=indptr, cl_indices=dst.astype(np.int64), self_cannot=self_cannot
    )


def inconsistent_cannot_links(n: int, must, cannot) -> np.ndarray:
    """Boolean mask over ``cannot``: True where the pair is already joined by a chain of must-links.

    Such a constraint set is contradictory (no clustering satisfies it); callers that build
    constraints from thresholds can drop these pairs before running COP k-means.
    """
    cannot = as_pairs(cannot, n, "cannot")
    comp = connected_components(n, as_pairs(must, n, "must"))
    return comp[cannot[:, 0]] == comp[cannot[:, 1]]


def count_violations(labels: np.ndarray, must, cannot) -> tuple[int, int]:
    """(# must-links split across clusters, # cannot-links inside one cluster)."""
    labels = np.asarray(labels)
    must = as_pairs(must, len(labels), "must")
    cannot = as_pairs(cannot, len(labels), "cannot")
    ml = int(np.sum(labels[must[:, 0]] != labels[must[:, 1]]))
    cl = int(np.sum(labels[cannot[:, 0]] == labels[cannot[:, 1]]))
    return ml, cl
