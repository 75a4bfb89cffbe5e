"""Union-find components, COP k-means (hard constraints) and PC k-means (soft constraints)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pacslabel.baselines import (
    InfeasibleConstraints,
    build_constraint_graph,
    connected_components,
    cop_kmeans,
    count_violations,
    inconsistent_cannot_links,
    kmeans_labels,
    pc_kmeans,
)
from pacslabel.baselines.kmeans import squared_distances
from pacslabel.baselines.pc_kmeans import neighbourhood_centres


def _blobs(n: int = 600, k: int = 4, d: int = 5, spread: float = 1.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=12.0, size=(k, d))
    y = rng.integers(0, k, size=n)
    return centres[y] + rng.normal(scale=spread, size=(n, d)), y


def _true_constraints(y: np.ndarray, m: int, seed: int):
    """m random pairs labelled by the ground truth: consistent by construction."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(y), size=(m, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    same = y[pairs[:, 0]] == y[pairs[:, 1]]
    return pairs[same], pairs[~same]


def _nmi(a, b) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    return normalized_mutual_info_score(a, b)


# ------------------------------------------------------------------------------------- union-find
def test_components_of_a_hand_made_graph():
    comp = connected_components(8, np.array([[5, 3], [3, 1], [6, 7], [1, 1]]))
    # {0}, {1, 3, 5}, {2}, {4}, {6, 7}; ids in order of smallest member
    np.testing.assert_array_equal(comp, [0, 1, 2, 1, 3, 1, 4, 4])
    np.testing.assert_array_equal(connected_components(3, np.zeros((0, 2), dtype=int)), [0, 1, 2])


@pytest.mark.parametrize("seed", range(5))
def test_components_match_scipy(seed):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as scipy_cc

    rng = np.random.default_rng(seed)
    n = 3000
    pairs = rng.integers(0, n, size=(int(rng.integers(500, 2500)), 2))
    # plus one long chain in reverse order, the worst case for naive hooking
    chain = np.stack([np.arange(2000, 1000, -1), np.arange(1999, 999, -1)], axis=1)
    pairs = np.concatenate([pairs, chain])
    ours = connected_components(n, pairs)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    n_ref, ref = scipy_cc(graph, directed=False)
    assert ours.max() + 1 == n_ref
    # same partition: the pair (ours, ref) is a bijection
    assert len(set(zip(ours.tolist(), ref.tolist(), strict=True))) == n_ref
    # canonical numbering: component ids appear in order of first row
    first = np.unique(ours, return_index=True)[1]
    assert np.all(np.diff(first) > 0)


def test_constraint_graph_lifts_cannot_links_to_components():
    g = build_constraint_graph(6, must=[[0, 1], [1, 2], [3, 4]], cannot=[[2, 4], [0, 3], [5, 0], [1, 2]])
    np.testing.assert_array_equal(g.comp, [0, 0, 0, 1, 1, 2])
    np.testing.assert_array_equal(g.sizes, [3, 2, 1])
    assert g.cannot_neighbours(0).tolist() == [1, 2]  # (2,4) and (0,3) collapse to one edge
    assert g.cannot_neighbours(1).tolist() == [0]
    assert g.cannot_neighbours(2).tolist() == [0]
    np.testing.assert_array_equal(g.self_cannot, [[1, 2]])
    np.testing.assert_array_equal(
        inconsistent_cannot_links(6, [[0, 1], [1, 2], [3, 4]], [[2, 4], [0, 2]]), [False, True]
    )


# ------------------------------------------------------------------------------------ COP k-means
@pytest.mark.parametrize("seed", range(8))
def test_cop_kmeans_never_violates_constraints(seed):
    x, y = _blobs(n=400, k=4, spread=4.0, seed=seed)  # overlapping blobs: constraints do the work
    must, cannot = _true_constraints(y, 150, seed)
    labels = cop_kmeans(x, 4, must, cannot, seed=seed)
    assert labels.dtype == np.int32 and labels.shape == (400,)
    assert count_violations(labels, must, cannot) == (0, 0)


@pytest.mark.parametrize("seed", range(6))
def test_cop_kmeans_with_random_constraints_is_exact_or_raises(seed):
    # random (not truth-derived) constraints: either every constraint holds or a documented failure
    rng = np.random.default_rng(100 + seed)
    x = rng.normal(size=(300, 3))
    must = rng.integers(0, 300, size=(60, 2))
    cannot = rng.integers(0, 300, size=(120, 2))
    cannot = cannot[~inconsistent_cannot_links(300, must, cannot)]
    try:
        labels = cop_kmeans(x, 6, must, cannot, seed=seed, order="degree")
    except InfeasibleConstraints as err:
        assert err.component is not None and err.iteration is not None
    else:
        assert count_violations(labels, must, cannot) == (0, 0)


def test_cop_kmeans_recovers_blobs_and_is_deterministic():
    x, y = _blobs(n=800, k=5, spread=1.0, seed=1)
    must, cannot = _true_constraints(y, 200, 1)
    a = cop_kmeans(x, 5, must, cannot, seed=3)
    b = cop_kmeans(x, 5, must, cannot, seed=3)
    np.testing.assert_array_equal(a, b)
    assert _nmi(y, a) > 0.99


def test_cop_kmeans_without_constraints_is_lloyd():
    x, _ = _blobs(n=500, k=3, spread=3.0, seed=2)
    from sklearn.cluster import KMeans

    init = x[[0, 1, 2]]
    ours, info = cop_kmeans(x, 3, None, None, init=init, return_info=True)
    ref = KMeans(3, init=init, n_init=1, algorithm="lloyd", tol=0).fit(x)
    np.testing.assert_array_equal(ours, ref.labels_)
    np.testing.assert_allclose(info["centres"], ref.cluster_centers_, rtol=1e-9, atol=1e-9)


def test_cop_kmeans_inertia_never_exceeds_pass_before():
    # with only must-links COP k-means is k-means on weighted component means: monotone objective
    x, y = _blobs(n=500, k=4, spread=3.0, seed=4)
    must, _ = _true_constraints(y, 200, 4)
    inertias = [
        cop_kmeans(x, 4, must, None, seed=0, max_iter=t, return_info=True)[1]["inertia"] for t in (1, 2, 3, 4)
    ]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(inertias))


def test_cop_kmeans_infeasible_cases_raise():
    x = np.arange(6, dtype=float).reshape(-1, 1)
    # three mutually cannot-linked points, two clusters: the third finds both clusters taken
    with pytest.raises(InfeasibleConstraints) as err:
        cop_kmeans(x, 2, None, [[0, 1], [1, 2], [0, 2]], seed=0)
    assert err.value.iteration == 0
    assert set(err.value.component.tolist()) <= {0, 1, 2}
    # a cannot-link inside a must-link chain contradicts itself: reported with the offending pair
    with pytest.raises(InfeasibleConstraints) as err:
        cop_kmeans(x, 2, [[0, 1], [1, 2]], [[2, 0]], seed=0)
    np.testing.assert_array_equal(err.value.pairs, [[2, 0]])
    # the same triangle is satisfiable with three clusters
    labels = cop_kmeans(x, 3, None, [[0, 1], [1, 2], [0, 2]], seed=0)
    assert len({int(labels[0]), int(labels[1]), int(labels[2])}) == 3


def test_cop_kmeans_keeps_must_linked_outlier_with_its_partner():
    x = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    labels = cop_kmeans(x, 2, [[0, 5]], None, init=np.array([[0.0], [10.0]]))
    assert labels[0] == labels[5]
    assert count_violations(labels, [[0, 5]], None) == (0, 0)


# ------------------------------------------------------------------------------------- PC k-means
def test_pc_kmeans_weight_zero_is_one_assignment_step_then_lloyd():
    x, y = _blobs(n=500, k=4, spread=3.0, seed=5)
    must, cannot = _true_constraints(y, 300, 5)
    init = x[[3, 10, 20, 30]]
    one = pc_kmeans(x, 4, must, cannot, weight=0.0, init=init, max_iter=1)
    np.testing.assert_array_equal(one, squared_distances(x, init).argmin(axis=1))
    from sklearn.cluster import KMeans

    full = pc_kmeans(x, 4, must, cannot, weight=0.0, init=init)
    ref = KMeans(4, init=init, n_init=1, algorithm="lloyd", tol=0).fit(x)
    np.testing.assert_array_equal(full, ref.labels_)


@pytest.mark.parametrize("seed", range(4))
def test_pc_kmeans_large_weight_satisfies_consistent_constraints(seed):
    x, y = _blobs(n=400, k=4, spread=4.0, seed=10 + seed)
    must, cannot = _true_constraints(y, 200, seed)
    labels, info = pc_kmeans(
        x, 4, must, cannot, weight=1e6, seed=seed, init="neighbourhoods++", return_info=True
    )
    assert count_violations(labels, must, cannot) == (0, 0)
    assert info["violations"] == {"must": 0, "cannot": 0}
    assert info["converged"]


def test_pc_kmeans_weight_trades_distance_for_constraints():
    # one must-link pulls a far point across: small weight ignores it, large weight obeys it
    x = np.array([[0.0], [0.2], [0.4], [10.0], [10.2], [10.4]])
    init = np.array([[0.2], [10.2]])
    low = pc_kmeans(x, 2, [[0, 3]], None, weight=1e-3, init=init)
    high = pc_kmeans(x, 2, [[0, 3]], None, weight=1e3, init=init)
    assert low[0] != low[3]
    assert high[0] == high[3]


def test_pc_kmeans_neighbourhood_init_uses_largest_components():
    x, y = _blobs(n=300, k=3, spread=0.5, seed=7)
    rows = [np.flatnonzero(y == c)[:6] for c in range(3)]
    must = np.concatenate([np.stack([r[:-1], r[1:]], axis=1) for r in rows])
    labels = pc_kmeans(x, 3, must, None, weight=1.0, seed=0, max_iter=1)
    # with lambda = k = 3 neighbourhoods, one pass from their means already separates the blobs
    assert _nmi(y, labels) > 0.99


def test_neighbourhood_centres_follow_basu_initialisation():
    x = np.arange(20, dtype=float)[:, None] ** 2
    rng = np.random.default_rng(0)
    # neighbourhoods {0,1,2} (size 3), {5,6} and {8,9} (size 2); row 12 is cannot-linked to all three
    must = [[0, 1], [1, 2], [5, 6], [8, 9]]
    cannot = [[12, 0], [12, 6], [9, 12], [15, 0]]
    g = build_constraint_graph(20, must, cannot)
    two = neighbourhood_centres(x, 2, g, rng)  # lambda >= k: the k largest, ties by first row
    np.testing.assert_allclose(two[:, 0], [x[:3, 0].mean(), x[5:7, 0].mean()])
    five = neighbourhood_centres(x, 5, g, rng)  # lambda < k: all three, then row 12, then one random row
    np.testing.assert_allclose(five[:4, 0], [x[:3, 0].mean(), x[5:7, 0].mean(), x[8:10, 0].mean(), 144.0])
    assert five[4, 0] in set(x[:, 0].tolist()) - {144.0}


def test_pc_kmeans_deterministic_and_recovers_blobs():
    x, y = _blobs(n=800, k=5, spread=1.0, seed=8)
    must, cannot = _true_constraints(y, 300, 8)
    a = pc_kmeans(x, 5, must, cannot, weight=5.0, seed=2, init="kmeans++")
    b = pc_kmeans(x, 5, must, cannot, weight=5.0, seed=2, init="kmeans++")
    np.testing.assert_array_equal(a, b)
    assert _nmi(y, a) > 0.99


def test_kmeans_labels_recovers_blobs():
    x, y = _blobs(n=400, k=3, spread=1.0, seed=9)
    labels, centres = kmeans_labels(x, 3, seed=0, n_init=3, return_centres=True)
    assert labels.dtype == np.int32 and centres.shape == (3, 5)
    assert _nmi(y, labels) > 0.99


def _augmented_objective(x, labels, centres, must, cannot, w_ml, w_cl):
    """Brute force: ½ sum of squared distances + penalties over every closed / lifted pair."""
    n = len(x)
    comp = connected_components(n, np.asarray(must))
    cl_comp = {(comp[a], comp[b]) for a, b in cannot} | {(comp[b], comp[a]) for a, b in cannot}
    total = 0.5 * float(((x - centres[labels]) ** 2).sum())
    for i in range(n):
        for j in range(i + 1, n):
            if comp[i] == comp[j] and labels[i] != labels[j]:
                total += w_ml
            if (comp[i], comp[j]) in cl_comp and comp[i] != comp[j] and labels[i] == labels[j]:
                total += w_cl
    return total


def test_pc_kmeans_objective_matches_brute_force_and_never_increases():
    x, y = _blobs(n=60, k=3, spread=6.0, seed=11)
    must, cannot = _true_constraints(y, 40, 11)
    cannot = np.concatenate([cannot, [[0, 1], [2, 3]]])  # a few that may contradict the data
    objectives = [
        pc_kmeans(x, 3, must, cannot, weight=2.0, cannot_weight=3.0, seed=1, max_iter=t, return_info=True)[1][
            "objective"
        ]
        for t in range(1, 6)
    ]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(objectives))
    labels, info = pc_kmeans(x, 3, must, cannot, weight=2.0, cannot_weight=3.0, seed=1, return_info=True)
    assert info["converged"]  # at convergence the returned centres are the ones the labels were chosen for
    expected = _augmented_objective(x, labels, info["centres"], must, cannot, 2.0, 3.0)
    assert info["objective"] == pytest.approx(expected, rel=1e-9)
