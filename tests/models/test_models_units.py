"""Unit tests of the neural models: shapes, DEC maths against hand values, pairwise loss, sampler."""

import numpy as np
import pytest
import torch

from pacslabel.config import ConfigError
from pacslabel.models import (
    CAEConfig,
    CollapseGuard,
    ConstraintBatchSampler,
    DECConfig,
    TagAEConfig,
    build_cae,
    build_dec_model,
    build_tag_ae,
    cluster_health,
    pairs_in_batch,
)
from pacslabel.models.dec import clustering_loss, pairwise_loss, soft_assignment, target_distribution
from pacslabel.train import engine
from pacslabel.train.inprocess import train_autoencoder, train_dec


def test_cae_paper_layout_shapes():
    model = build_cae(CAEConfig())
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [32, 32, 64, 64, 64]
    assert all(c.kernel_size == (3, 3) for c in convs)
    assert sum(isinstance(m, torch.nn.MaxPool2d) for m in model.features) == 5
    assert sum(isinstance(m, torch.nn.Upsample) for m in model.decoder) == 5
    assert isinstance(model.decoder[-1], torch.nn.Sigmoid)
    x = torch.rand(2, 1, 256, 256)
    z, x_hat = model(x)
    assert z.shape == (2, 100) and x_hat.shape == (2, 1, 256, 256)
    assert model.to_latent.in_features == 64 * 8 * 8
    x_hat = x_hat.detach()
    assert float(x_hat.min()) >= 0.0 and float(x_hat.max()) <= 1.0


def test_cae_small_input_and_validation():
    model = build_cae(CAEConfig(input_size=64, filters=[8, 8, 16], bottleneck=10))
    z, x_hat = model(torch.rand(3, 1, 64, 64))
    assert z.shape == (3, 10) and x_hat.shape == (3, 1, 64, 64)
    with pytest.raises(ConfigError, match="input_size"):
        CAEConfig(input_size=100).validate()


def test_tag_ae_shapes_and_batchnorm_variant():
    model = build_tag_ae(TagAEConfig(n_features=20, hidden=[16, 12], bottleneck=4))
    z, x_hat = model(torch.rand(5, 20))
    assert z.shape == (5, 4) and x_hat.shape == (5, 20)
    linears = [m for m in model.encoder if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(20, 16), (16, 12), (12, 4)]
    bn = build_tag_ae(
        TagAEConfig(
            n_features=20,
            hidden=[16],
            bottleneck=4,
            activation="leaky_relu",
            batch_norm=True,
            output_activation="sigmoid",
        )
    )
    assert any(isinstance(m, torch.nn.BatchNorm1d) for m in bn.encoder)
    assert isinstance(bn.decoder[-1], torch.nn.Sigmoid)
    with pytest.raises(ConfigError, match="n_features"):
        build_tag_ae(TagAEConfig())


def test_soft_assignment_hand_values_and_exponent_sign():
    z = torch.tensor([[0.0, 0.0]])
    mu = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    # nu = 1: kernels 1 and 1 / (1 + 1) = 0.5 -> q = (2/3, 1/3); the nearer centre gets more mass
    assert torch.allclose(soft_assignment(z, mu, 1.0), torch.tensor([[2 / 3, 1 / 3]]))
    # nu = 3: kernels 1 and (1 / (1 + 1/3)) ** 2 = 0.5625 -> q = (0.64, 0.36)
    assert torch.allclose(soft_assignment(z, mu, 3.0), torch.tensor([[0.64, 0.36]]))


def test_target_distribution_hand_values():
    q = torch.tensor([[0.6, 0.4], [0.2, 0.8]])
    p = target_distribution(q)
    # f = (0.8, 1.2); row 1: (0.36/0.8, 0.16/1.2) = (0.45, 0.1333) normalised
    expected = torch.tensor(
        [
            [0.45 / (0.45 + 0.16 / 1.2), (0.16 / 1.2) / (0.45 + 0.16 / 1.2)],
            [0.05 / (0.05 + 0.64 / 1.2), (0.64 / 1.2) / (0.05 + 0.64 / 1.2)],
        ]
    )
    assert torch.allclose(p, expected, atol=1e-6)
    assert torch.allclose(p.sum(1), torch.ones(2))
    # a global frequency vector overrides the batch one
    assert torch.allclose(target_distribution(q, torch.tensor([0.8, 1.2])), expected, atol=1e-6)
    assert float(clustering_loss(q, q)) == pytest.approx(0.0, abs=1e-7)
    assert float(clustering_loss(p, q)) > 0


def test_pairwise_loss_zero_and_positive_cases():
    same = torch.tensor([[0.7, 0.3], [0.7, 0.3]])
    far = torch.tensor([[0.999, 0.001], [0.001, 0.999]])
    pair = torch.tensor([[0, 1]])
    none = torch.zeros((0, 2), dtype=torch.long)
    loss, ml, cl = pairwise_loss(same, pair, none, margin=1.0)
    assert float(loss) == pytest.approx(0.0, abs=1e-6)  # must-link with equal distributions
    loss, ml, cl = pairwise_loss(same, none, pair, margin=1.0)
    assert float(loss) == pytest.approx(1.0, abs=1e-6)  # cannot-link with KL 0 pays the full margin
    loss, ml, cl = pairwise_loss(far, none, pair, margin=1.0)
    assert float(loss) == pytest.approx(0.0, abs=1e-6)  # KL ≈ 6.9 > margin
    loss, ml, cl = pairwise_loss(far, pair, none, margin=1.0)
    assert float(ml) > 5.0 and float(cl) == 0.0
    # batch normalisation: sums over both ordered directions divided by 2n
    loss_b, _, _ = pairwise_loss(same, none, pair, margin=1.0, normalisation="batch")
    assert float(loss_b) == pytest.approx(1.0 * 2 / (2 * 2))


def test_pairwise_gradient_pulls_must_links_together():
    z = torch.tensor([[0.0, 0.0], [3.0, 0.0]], requires_grad=True)
    mu = torch.tensor([[0.0, 0.0], [3.0, 0.0]])
    q = soft_assignment(z, mu)
    loss, _, _ = pairwise_loss(q, torch.tensor([[0, 1]]), None)
    loss.backward()
    assert z.grad[0, 0] < 0 and z.grad[1, 0] > 0  # z -= lr·grad pulls the two points together


def test_sampler_guarantees_pairs_in_every_batch():
    n = 200
    must = np.array([[0, 1], [2, 3]])
    cannot = np.array([[4, 150], [5, 151], [6, 152]])
    sampler = ConstraintBatchSampler(n, must, cannot, batch_size=20, pairs_per_batch=1, seed=3)
    batches = list(sampler)
    assert len(batches) == len(sampler) == 10
    for b in batches:
        assert len(b) == 20 and len(np.unique(b)) == 20 and b.min() >= 0 and b.max() < n
        assert len(pairs_in_batch(b, must, n)) >= 1
        assert len(pairs_in_batch(b, cannot, n)) >= 1
    assert sampler.stats["min_must"] >= 1 and sampler.stats["min_cannot"] >= 1
    two = ConstraintBatchSampler(n, must, cannot, batch_size=8, pairs_per_batch=2, num_batches=5, seed=0)
    for b in two:
        assert len(pairs_in_batch(b, must, n)) >= 2 and len(pairs_in_batch(b, cannot, n)) >= 2
    with pytest.raises(ValueError, match="must-link"):
        ConstraintBatchSampler(n, np.zeros((0, 2)), cannot, batch_size=20)
    with pytest.raises(ValueError, match="batch_size"):
        ConstraintBatchSampler(n, must, cannot, batch_size=3)


def test_constraint_pool_smaller_than_its_batch_draws_it_whole_with_fewer_seeded_pairs():
    images = np.arange(10 * 4, dtype=np.uint8).reshape(10, 2, 2)
    must, cannot = np.array([[0, 1], [2, 3], [4, 5]]), np.array([[0, 9], [1, 8], [6, 7]])
    pool = engine.ConstraintPool(images, must, cannot, batch_size=64, pairs_per_batch=16, seed=0)
    assert pool.sampler.batch_size == 10 and pool.sampler.pairs_per_batch == 2
    batch, ml, cl = next(pool.batches())
    assert batch.shape == (10, 2, 2) and len(ml) == 3 and len(cl) == 3  # every pair of the pool


def test_pairs_in_batch_maps_to_positions():
    got = pairs_in_batch(np.array([7, 3, 9]), np.array([[3, 9], [3, 4], [9, 7]]), 10)
    assert got.tolist() == [[1, 2], [2, 0]]


def test_collapse_guard_reports_sizes():
    healthy = cluster_health(np.array([10, 12, 8]))
    assert not healthy["collapsed"] and healthy["n_empty"] == 0 and 0.9 < healthy["entropy_ratio"] <= 1.0
    guard = CollapseGuard(max_fraction=0.9)
    rep = guard.check(np.array([95, 5, 0]), step=3)
    assert rep["collapsed"] and rep["n_empty"] == 1 and rep["sizes"] == [95, 5, 0] and guard.collapsed
    assert cluster_health(np.array([0, 30, 0]))["collapsed"]


def _blobs(n=48, size=32, seed=0):
    """Images of three kinds: bright square, dark background with a bar, a gradient."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, size, size), np.uint8)
    kind = np.arange(n) % 3
    for i in range(n):
        if kind[i] == 0:
            x[i, 8:24, 8:24] = 220
        elif kind[i] == 1:
            x[i, :, 12:20] = 180
        else:
            x[i] = np.linspace(0, 250, size, dtype=np.uint8)[None, :]
        x[i] = np.clip(x[i].astype(int) + rng.integers(0, 20, (size, size)), 0, 255)
    return x, kind


def test_autoencoder_loss_decreases_on_tiny_data():
    x, _ = _blobs()
    model = build_cae(CAEConfig(input_size=32, filters=[8, 8], bottleneck=8))
    losses = train_autoencoder(model, x, engine.image_prep(32, "cpu"), epochs=8, batch_size=16, lr=3e-3)
    assert losses[-1] < 0.7 * losses[0]


def test_constrained_dec_reduces_pairwise_loss():
    x, kind = _blobs()
    prep = engine.image_prep(32, "cpu")
    ae = build_cae(CAEConfig(input_size=32, filters=[8, 8], bottleneck=8))
    train_autoencoder(ae, x, prep, epochs=4, batch_size=16, lr=3e-3)
    model = build_dec_model(ae, k=3)
    idx = np.arange(len(x))
    must = np.array([(a, b) for a in idx for b in idx if a < b and kind[a] == kind[b]])[:40]
    cannot = np.array([(a, b) for a in idx for b in idx if a < b and kind[a] != kind[b]])[:40]
    cfg = DECConfig(k=3, update_interval=100, kmeans_n_init=3, constraint_batch_size=8, pairs_per_batch=2)
    out = train_dec(model, x, prep, cfg, epochs=6, batch_size=16, lr=1e-3, must=must, cannot=cannot)
    hist = out["history"]
    assert len(hist) == 6 and all(h["must_pairs"] > 0 and h["cannot_pairs"] > 0 for h in hist)
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert out["guard"][0]["sizes"] and sum(out["guard"][0]["sizes"]) == len(x)


def test_batches_in_read_only_arrow_buffers_become_tensors_without_sharing_them():
    import warnings

    import pyarrow as pa

    images = pa.array(np.arange(2 * 4 * 4, dtype=np.uint8)).to_numpy(zero_copy_only=True).reshape(2, 4, 4)
    vectors = pa.array([0.5, 1.5, 2.5, 3.5]).to_numpy(zero_copy_only=True).reshape(2, 2)
    assert not images.flags.writeable and not vectors.flags.writeable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = engine.image_prep(4, "cpu")(images)
        v = engine.vector_prep("cpu")(vectors)
    assert x.shape == (2, 1, 4, 4) and torch.allclose(x[:, 0], torch.from_numpy(images.copy()).float() / 255)
    assert v.dtype == torch.float32 and v.tolist() == [[0.5, 1.5], [2.5, 3.5]]
    writable = np.ones((2, 3), dtype=np.float32)
    assert engine.to_device(writable, "cpu").data_ptr() == writable.ctypes.data  # no copy when it can share
