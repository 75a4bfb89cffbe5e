"""In-process training on arrays held in memory (bounded samples only): the compare stage and tests.

Uses the same steps as the Ray Train loop (:mod:`pacslabel.train.engine`), so results carry over.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

from pacslabel.models.collapse import CollapseGuard
from pacslabel.models.dec import DECConfig
from pacslabel.train import engine

log = logging.getLogger(__name__)


def array_batches(x: np.ndarray, batch_size: int, rng: np.random.Generator | None = None) -> Iterator:
    """Torch tensors of ``batch_size`` rows of ``x`` (shuffled when ``rng`` is given)."""
    import torch

    order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
    for s in range(0, len(x), batch_size):
        yield torch.from_numpy(np.ascontiguousarray(x[order[s : s + batch_size]]))


def train_autoencoder(
    model, x: np.ndarray, prep, epochs: int, batch_size: int = 50, lr: float = 1e-3, seed: int = 0
) -> list[float]:
    """Reconstruction training; returns the mean training MSE of each epoch."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        st = engine.ae_train_epoch(model, opt, array_batches(x, batch_size, rng), prep)
        losses.append(st["loss_sum"] / max(st["n"], 1))
    return losses


def train_dec(
    model,
    x: np.ndarray,
    prep,
    cfg: DECConfig,
    epochs: int,
    batch_size: int = 50,
    lr: float = 1e-3,
    seed: int = 0,
    must: np.ndarray | None = None,
    cannot: np.ndarray | None = None,
) -> dict:
    """k-means initialisation then DEC / IDEC / constrained DEC epochs (pairs when must / cannot given,
    as row indices of ``x``). Returns ``{"history", "guard", "stopped_epoch"}``."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    z = engine.encode_batches(model, array_batches(x, 256), prep, cfg.kmeans_sample)
    centres = engine.kmeans_centres(z, cfg.k, cfg.kmeans_n_init, seed)
    with torch.no_grad():
        model.centres.copy_(torch.from_numpy(centres))
    frozen = engine.frozen_copy(model)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    pool = None
    if must is not None and cannot is not None and len(must) and len(cannot) and cfg.gamma > 0:
        must = np.asarray(must, np.int64).reshape(-1, 2)
        cannot = np.asarray(cannot, np.int64).reshape(-1, 2)
        ends = np.unique(np.concatenate([must.ravel(), cannot.ravel()]))
        pos = np.full(len(x), -1, np.int64)
        pos[ends] = np.arange(len(ends))
        pool = engine.ConstraintPool(
            x[ends], pos[must], pos[cannot], cfg.constraint_batch_size, cfg.pairs_per_batch, seed
        )
    guard = CollapseGuard(cfg.collapse_max_fraction)
    history: list[dict] = []
    f = None
    updates = 0
    stopped_epoch = None
    for epoch in range(epochs):
        if epoch % cfg.update_interval == 0 or f is None:
            st = engine.dec_full_pass(model, frozen, array_batches(x, 256), prep)
            f = st["f"]
            guard.check(st["sizes"], epoch)
            updates += 1
            if updates > 1 and st["changed_fraction"] < cfg.tol:
                stopped_epoch = epoch
                break
        tr = engine.dec_train_epoch(model, frozen, f, opt, array_batches(x, batch_size, rng), prep, cfg, pool)
        n = max(tr["n"], 1)
        history.append(
            {
                "epoch": epoch,
                **{k[:-4]: v / n for k, v in tr.items() if k.endswith("_sum")},
                "must_pairs": tr["must_pairs"],
                "cannot_pairs": tr["cannot_pairs"],
            }
        )
    return {"history": history, "guard": guard.history, "stopped_epoch": stopped_epoch}


def predict(model, x: np.ndarray, prep, batch_size: int = 256):
    """``(z, labels)`` for an autoencoder, or ``(z, q)`` for a DEC model (``q`` soft assignments)."""
    if hasattr(model, "centres"):
        return engine.encode_batches(model, array_batches(x, batch_size), prep, with_q=True)
    return engine.encode_batches(model, array_batches(x, batch_size), prep), None
