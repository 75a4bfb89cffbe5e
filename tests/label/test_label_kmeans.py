"""FAISS k-means: honest device selection on CPU, k <= n/39 guard, centres recovered on blobs."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from pacslabel.label.kmeans import (
    DeviceUnavailableError,
    FaissKMeans,
    check_k,
    faiss_num_gpus,
    resolve_device,
)

no_faiss_gpu = faiss_num_gpus() == 0


def blobs(k=4, n_per=100, d=8, seed=0, spread=0.05):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)).astype(np.float32) * 3
    x = np.concatenate([c + spread * rng.normal(size=(n_per, d)) for c in centres]).astype(np.float32)
    y = np.repeat(np.arange(k), n_per)
    return x, y, centres


@pytest.mark.skipif(not no_faiss_gpu, reason="FAISS sees a GPU here")
def test_auto_is_cpu_and_gpu_fails_clearly_without_faiss_gpu():
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(DeviceUnavailableError, match=r"get_num_gpus\(\) is 0.*faiss-gpu"):
        resolve_device("gpu")
    x, _, _ = blobs()
    with pytest.raises(DeviceUnavailableError):
        FaissKMeans(4, device="gpu").fit(x)
    km = FaissKMeans(4, device="auto").fit(x)
    assert km.device_ == "cpu" and km.summary()["device"] == "cpu" and km.n_gpus_ == 0


def test_unknown_device_rejected():
    with pytest.raises(ValueError, match="device"):
        resolve_device("tpu")


def test_recovers_blob_centres_and_predicts():
    x, y, centres = blobs()
    km = FaissKMeans(4, niter=20, seed=3, device="cpu").fit(x)
    lab, dist = km.predict(x)
    # every blob maps to one cluster and the clusters differ
    mapping = {int(b): set(lab[y == b].tolist()) for b in range(4)}
    assert all(len(v) == 1 for v in mapping.values())
    assert len({next(iter(v)) for v in mapping.values()}) == 4
    # distances are Euclidean to the assigned centroid
    np.testing.assert_allclose(dist, np.linalg.norm(x - km.centroids_[lab], axis=1), rtol=1e-4, atol=1e-5)
    nearest_true = np.linalg.norm(km.centroids_[:, None, :] - centres[None], axis=2).min(axis=1)
    assert nearest_true.max() < 0.1
    assert km.inertia_ > 0 and 1 <= len(km.objective_) <= 20


def test_k_guard(caplog):
    with pytest.raises(ValueError, match="larger than"):
        check_k(11, 10)
    with caplog.at_level(logging.WARNING, logger="pacslabel.label.kmeans"):
        check_k(5, 100)
    assert "39 points per centroid" in caplog.text


@pytest.mark.gpu
@pytest.mark.skipif(no_faiss_gpu, reason="needs faiss-gpu and a CUDA GPU")
def test_gpu_training_reports_gpu():
    x, _, _ = blobs(n_per=1000, d=32)
    km = FaissKMeans(4, device="gpu").fit(x)
    assert km.device_ == "gpu" and km.n_gpus_ >= 1
    assert resolve_device("auto") == "gpu"
