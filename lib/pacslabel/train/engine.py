"""Training steps shared by the Ray Train loop and in-process training (the compare stage, tests).

Everything here takes ``batches``: an iterable over one epoch of raw tensors (uint8 ``(B, H, W)``
images or float32 ``(B, d)`` tag vectors), and a ``prep`` callable that turns a raw batch into model
input on the right device. ``reduce`` sums a tensor over DDP workers (identity in-process).
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from pacslabel.models.dec import DECConfig, clustering_loss, pairwise_loss, target_distribution
from pacslabel.models.sampler import ConstraintBatchSampler, pairs_in_batch

log = logging.getLogger(__name__)


def identity(t):
    return t


def unwrap(model):
    """The module inside a DDP wrapper (or the model itself)."""
    return getattr(model, "module", model)


def to_device(x, device):
    """``x`` as a tensor on ``device``: a read-only array (an Arrow buffer, which a tensor must not
    share) is copied there in one step; anything else is shared or moved."""
    import torch

    if isinstance(x, np.ndarray) and not x.flags.writeable:
        return torch.tensor(x, device=device)
    return torch.as_tensor(x).to(device, non_blocking=True)


def image_prep(size: int, device, channels_last: bool = False) -> Callable:
    """uint8 ``(B, H, W)`` → float ``(B, 1, size, size)`` in [0, 1] on ``device``."""
    import torch
    import torch.nn.functional as F

    def prep(x):
        x = to_device(x, device)
        x = x.unsqueeze(1).float().div_(255.0)
        if x.shape[-1] != size or x.shape[-2] != size:
            mode = "area" if x.shape[-1] > size else "bilinear"
            x = F.interpolate(
                x, size=(size, size), mode=mode, **({} if mode == "area" else {"align_corners": False})
            )
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    return prep


def vector_prep(device) -> Callable:
    """float ``(B, d)`` → float32 on ``device``."""

    def prep(x):
        return to_device(x, device).float()

    return prep


def autocast(device, bf16: bool):
    """bf16 autocast on CUDA when asked; a no-op context elsewhere."""
    import torch

    if bf16 and getattr(device, "type", str(device)) == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def ae_train_epoch(model, opt, batches: Iterable, prep: Callable, device=None, bf16: bool = False) -> dict:
    """One epoch of reconstruction training (MSE); returns ``{"loss_sum", "n"}`` on this worker."""
    import torch.nn.functional as F

    model.train()
    loss_sum, n = 0.0, 0
    for raw in batches:
        x = prep(raw)
        with autocast(device, bf16):
            _, x_hat = model(x)
        loss = F.mse_loss(x_hat.float(), x.float())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_sum += float(loss.detach()) * x.shape[0]
        n += x.shape[0]
    return {"loss_sum": loss_sum, "n": n}


def ae_eval(model, batches: Iterable, prep: Callable, device=None, bf16: bool = False) -> dict:
    """Reconstruction MSE summed over rows on this worker: ``{"loss_sum", "n"}``."""
    import torch
    import torch.nn.functional as F

    model.eval()
    loss_sum, n = 0.0, 0
    with torch.no_grad():
        for raw in batches:
            x = prep(raw)
            with autocast(device, bf16):
                _, x_hat = model(x)
            loss_sum += float(F.mse_loss(x_hat.float(), x.float(), reduction="mean")) * x.shape[0]
            n += x.shape[0]
    return {"loss_sum": loss_sum, "n": n}


def encode_batches(
    model,
    batches: Iterable,
    prep: Callable,
    limit: int | None = None,
    device=None,
    bf16: bool = False,
    with_q: bool = False,
    drain: bool = False,
):
    """Encoder outputs ``(N, d)`` float32 numpy (and soft assignments when ``with_q``), first ``limit`` rows.

    ``drain`` keeps consuming (without computing) after ``limit`` rows, for streamed shards that must be
    read to the end of the epoch.
    """
    import torch

    m = unwrap(model)
    m.eval()
    zs, qs, n = [], [], 0
    with torch.no_grad():
        for raw in batches:
            if limit is not None and n >= limit:
                if drain:
                    continue
                break
            x = prep(raw)
            with autocast(device, bf16):
                z = m.encode(x)
            z = z.float()
            zs.append(z.cpu().numpy())
            if with_q:
                qs.append(m.assign(z).cpu().numpy())
            n += z.shape[0]
    d = m.embedding_dim
    z = np.concatenate(zs)[:limit] if zs else np.zeros((0, d), np.float32)
    if with_q:
        k = m.centres.shape[0]
        q = np.concatenate(qs)[:limit] if qs else np.zeros((0, k), np.float32)
        return z, q
    return z


def kmeans_centres(z: np.ndarray, k: int, n_init: int, seed: int) -> np.ndarray:
    """k-means (k-means++, ``n_init`` restarts) centres of ``z``; shape ``(k, d)`` float32."""
    from sklearn.cluster import KMeans

    if len(z) < k:
        raise ValueError(f"k-means initialisation needs at least k={k} embeddings, got {len(z)}")
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z.astype(np.float64))
    return km.cluster_centers_.astype(np.float32)


def dec_full_pass(
    model,
    frozen,
    batches: Iterable,
    prep: Callable,
    reduce: Callable = identity,
    device=None,
    bf16: bool = False,
) -> dict:
    """Pass over the whole training set: cluster frequencies f_j = Σ_i q_ij (Eq. 12), hard-label
    sizes, and the number of rows whose label differs from the previous update's model ``frozen``.

    Afterwards ``frozen`` holds the current weights: it reproduces this update's Q for every row, so the
    target P of any later batch is ``target_distribution(q_frozen, f)`` without storing P per row.
    """
    import torch

    m = unwrap(model)
    m.eval()
    frozen.eval()
    k = m.centres.shape[0]
    f = torch.zeros(k, dtype=torch.float64, device=m.centres.device)
    sizes = torch.zeros(k, dtype=torch.float64, device=m.centres.device)
    changed = torch.zeros((), dtype=torch.float64, device=m.centres.device)
    n = torch.zeros((), dtype=torch.float64, device=m.centres.device)
    with torch.no_grad():
        for raw in batches:
            x = prep(raw)
            with autocast(device, bf16):
                z = m.encode(x)
                z_old = frozen.encode(x)
            q = m.assign(z.float())
            lab = q.argmax(1)
            lab_old = frozen.assign(z_old.float()).argmax(1)
            f += q.sum(0).double()
            sizes += torch.bincount(lab, minlength=k).double()
            changed += (lab != lab_old).sum().double()
            n += x.shape[0]
    stats = reduce(torch.cat([f, sizes, changed.view(1), n.view(1)]))
    f, sizes = stats[:k].float(), stats[k : 2 * k]
    total = max(float(stats[-1]), 1.0)
    frozen.load_state_dict(m.state_dict())
    return {
        "f": f,
        "sizes": sizes.cpu().numpy().astype(np.int64),
        "changed_fraction": float(stats[-2]) / total,
        "n": int(stats[-1]),
    }


class ConstraintPool:
    """Images that carry constraints (bounded: the end points of at most ``max_constraints`` pairs)
    with must / cannot pairs as pool indices; :meth:`batches` draws a sampler batch per step."""

    def __init__(
        self,
        images: np.ndarray,
        must: np.ndarray,
        cannot: np.ndarray,
        batch_size: int,
        pairs_per_batch: int,
        seed: int,
    ):
        self.images = images
        self.must = np.asarray(must, np.int64).reshape(-1, 2)
        self.cannot = np.asarray(cannot, np.int64).reshape(-1, 2)
        size = min(batch_size, len(images))  # a small pool: fewer images and seeded pairs per batch
        self.sampler = ConstraintBatchSampler(
            len(images),
            self.must,
            self.cannot,
            size,
            max(1, min(pairs_per_batch, size // 4)),
            num_batches=2**62,
            seed=seed,
        )

    def batches(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        n = len(self.images)
        for idx in self.sampler:
            yield self.images[idx], pairs_in_batch(idx, self.must, n), pairs_in_batch(idx, self.cannot, n)


def dec_train_epoch(
    model,
    frozen,
    f,
    opt,
    batches: Iterable,
    prep: Callable,
    cfg: DECConfig,
    pool: ConstraintPool | None = None,
    device=None,
    bf16: bool = False,
) -> dict:
    """One epoch of DEC / IDEC / constrained DEC (Eq. 15): α·KL(P‖Q) + β·MSE + γ·pairwise.

    P comes from the previous full pass (``frozen`` model and global frequencies ``f``). With a
    ``pool``, each streamed batch is extended by a constraint batch whose in-batch pairs feed the
    pairwise term. Returns sums of each term and the row count on this worker.
    """
    import torch
    import torch.nn.functional as F

    model.train()
    frozen.eval()
    decode = cfg.beta > 0
    use_pairs = pool is not None and cfg.gamma > 0
    pool_iter = pool.batches() if use_pairs else None
    sums = {"loss": 0.0, "kl": 0.0, "mse": 0.0, "pair": 0.0, "must": 0.0, "cannot": 0.0}
    n_batches = n = 0
    ml_pairs = cl_pairs = 0
    for raw in batches:
        raw = torch.as_tensor(raw)
        ml = cl = None
        if use_pairs:
            pimg, ml_np, cl_np = next(pool_iter)
            off = raw.shape[0]
            raw = torch.cat([raw, torch.as_tensor(pimg).to(raw.device)])
            ml = torch.as_tensor(ml_np + off)
            cl = torch.as_tensor(cl_np + off)
            ml_pairs += len(ml_np)
            cl_pairs += len(cl_np)
        x = prep(raw)
        with torch.no_grad():
            with autocast(device, bf16):
                z_old = frozen.encode(x)
            p = target_distribution(frozen.assign(z_old.float()), f)
        with autocast(device, bf16):
            _z, q, x_hat = model(x, decode=decode)
        kl = clustering_loss(p, q)
        loss = cfg.alpha * kl
        mse = F.mse_loss(x_hat.float(), x.float()) if decode else kl.new_zeros(())
        loss = loss + cfg.beta * mse
        pair = must = cannot = kl.new_zeros(())
        if use_pairs:
            ml, cl = ml.to(q.device), cl.to(q.device)
            pair, must, cannot = pairwise_loss(q, ml, cl, cfg.margin, cfg.pair_normalisation)
            loss = loss + cfg.gamma * pair
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        b = x.shape[0]
        for key, val in (
            ("loss", loss),
            ("kl", kl),
            ("mse", mse),
            ("pair", pair),
            ("must", must),
            ("cannot", cannot),
        ):
            sums[key] += float(val.detach()) * b
        n += b
        n_batches += 1
    return {
        **{f"{k}_sum": v for k, v in sums.items()},
        "n": n,
        "batches": n_batches,
        "must_pairs": ml_pairs,
        "cannot_pairs": cl_pairs,
    }


def frozen_copy(model):
    """A detached copy of the (unwrapped) model used to reproduce the last update's Q."""
    m = copy.deepcopy(unwrap(model))
    for prm in m.parameters():
        prm.requires_grad_(False)
    return m.eval()
