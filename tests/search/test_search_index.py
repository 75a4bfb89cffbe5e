"""FAISS index functions against brute force: exact flat search, IVF with every list probed, HNSW recall,
list counts, serialisation."""

from __future__ import annotations

import numpy as np
import pytest

from pacslabel.search.index import (
    OnDevice,
    from_bytes,
    knn,
    new_index,
    nlist_for,
    set_search_params,
    to_bytes,
    train,
)


def _brute(x, q, k):
    d = np.sqrt(((q[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(d, order, 1), order


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (20, 16))
    x = (centres[rng.integers(0, 20, 2000)] + rng.normal(0, 1, (2000, 16))).astype(np.float32)
    return x, x[:50] + rng.normal(0, 0.1, (50, 16)).astype(np.float32)


def test_nlist_rule():
    assert nlist_for(1_000_000) == 4000 and nlist_for(10_000) == 256 and nlist_for(30) == 1
    assert nlist_for(100, nlist=500) == 100


def test_flat_and_full_probe_ivf_are_exact(data):
    x, q = data
    want_d, want_i = _brute(x, q, 10)
    for kind in ("flat", "ivf"):
        index = new_index(kind, 16, len(x))
        train(index, x)
        index.add(x)
        set_search_params(index, nprobe=index.nlist if kind == "ivf" else 1)
        d, i = knn(index, q, 10)
        np.testing.assert_allclose(d, want_d, rtol=1e-4, atol=1e-4)
        assert (i == want_i).mean() > 0.99  # ties aside


def test_hnsw_recall_and_round_trip(data):
    x, q = data
    index = new_index("hnsw", 16, len(x), hnsw_m=16)
    index.add(x)
    set_search_params(index, ef_search=64)
    _, want = _brute(x, q, 10)
    _, got = knn(index, q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want, strict=True)])
    assert recall >= 0.95
    again = from_bytes(to_bytes(index))
    set_search_params(again, ef_search=64)
    assert (knn(again, q, 10)[1] == got).all()
    assert OnDevice(again, "cpu").cpu() is again


def test_short_index_pads_with_inf():
    index = new_index("flat", 4, 3)
    index.add(np.eye(4, dtype=np.float32)[:3])
    d, i = knn(index, np.zeros((1, 4), np.float32), 5)
    assert list(i[0, 3:]) == [-1, -1] and np.isinf(d[0, 3:]).all() and np.allclose(d[0, :3], 1.0)
