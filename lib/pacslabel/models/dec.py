"""DEC / IDEC (papers 001, 000 Eq. 9-13) and the constrained DEC loss (paper 000 Eq. 14-15).

Total loss (paper 000 Eq. 15, paper 001 Eq. 5)::

    L = alpha · KL(P ‖ Q) + beta · MSE(x, x_hat) + gamma · L_pairwise

``alpha`` weighs the clustering term (0.1), ``beta`` the reconstruction (1; 0 gives DEC), ``gamma``
the pairwise term. Paper 000 uses gamma = 10 on Eq. 14's sums over a batch's pairs divided by n; here
must- and cannot-link terms are averaged separately over 16 seeded pairs of each kind per step, a
differently scaled term, whose measured best weight is 2 (see configs/train.yaml). The Student-t degree
of freedom is a different quantity, called ``nu`` here.

Functions take torch tensors: ``z (B, d)``, centres ``mu (K, d)``, ``q, p (B, K)``; pair index
tensors ``(M, 2)`` hold row positions inside the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pacslabel.config import ConfigError

EPS = 1e-10


@dataclass
class DECConfig:
    """Hyper-parameters of DEC, IDEC and constrained DEC (paper 000 defaults)."""

    k: int = 25
    alpha: float = 0.1  # weight of KL(P‖Q)
    beta: float = 1.0  # weight of the reconstruction MSE; 0 → DEC (the decoder is not used)
    gamma: float = 2.0  # weight of the pairwise loss (constrained DEC only)
    margin: float = 1.0  # hinge margin on KL for cannot-link pairs
    nu: float = 1.0  # Student-t degrees of freedom of the soft assignment
    update_interval: int = 1  # recompute P over the whole training set every this many epochs
    tol: float = 0.001  # stop when fewer than this fraction of hard labels changed since the last update
    kmeans_sample: int = 20_000  # embeddings used for the k-means initialisation of the centres
    kmeans_n_init: int = 20
    pair_normalisation: Literal["per_type", "batch"] = "per_type"  # mean per pair type, or sum / batch size
    pairs_per_batch: int = 16  # must-link and cannot-link pairs seeded into each constraint batch
    constraint_batch_size: int = 64  # images drawn from the constrained pool per step (added to each batch)
    max_constraints: int = 20_000  # constraints read from constraints/ (a random subset when more)
    collapse_max_fraction: float = 0.9  # guard: a cluster holding more than this fraction = collapse
    pretrained: str = "cae"  # name of the CAE under models/ whose encoder / decoder are fine-tuned

    def validate(self) -> None:
        if self.k < 2:
            raise ConfigError("dec.k: must be >= 2")
        for key in ("alpha", "beta", "gamma", "margin"):
            if getattr(self, key) < 0:
                raise ConfigError(f"dec.{key}: must be >= 0")
        if self.nu <= 0:
            raise ConfigError("dec.nu: must be > 0")
        if self.update_interval < 1:
            raise ConfigError("dec.update_interval: must be >= 1 (epochs)")
        if self.constraint_batch_size < 4 * self.pairs_per_batch:
            raise ConfigError("dec.constraint_batch_size: must be >= 4 × dec.pairs_per_batch")


def soft_assignment(z, mu, nu: float = 1.0):
    """Student-t soft assignment (Eq. 10): q_ij ∝ (1 + ‖z_i − μ_j‖² / ν) ** (−(ν + 1) / 2).

    The kernel is computed as the reciprocal raised to the positive power (ν + 1) / 2, which carries
    the minus sign of the exponent. Returns ``(B, K)`` rows summing to 1.
    """
    import torch

    d2 = torch.cdist(z.float(), mu.float()).pow(2)
    kernel = (1.0 / (1.0 + d2 / nu)).pow((nu + 1.0) / 2.0)
    return kernel / kernel.sum(dim=1, keepdim=True)


def target_distribution(q, f=None):
    """Auxiliary target (Eq. 12): p_ij ∝ q_ij² / f_j, f_j = Σ_i q_ij (or the given global ``f``)."""
    if f is None:
        f = q.sum(dim=0)
    w = q.pow(2) / f.clamp_min(EPS)
    return w / w.sum(dim=1, keepdim=True)


def kl_rows(p, q):
    """KL(p_i ‖ q_i) for each row: Σ_j p_ij log(p_ij / q_ij); shape ``(B,)``."""
    p = p.clamp_min(EPS)
    return (p * (p.log() - q.clamp_min(EPS).log())).sum(dim=1)


def clustering_loss(p, q):
    """KL(P ‖ Q) averaged over the rows of the batch (Eq. 9 divided by the batch size)."""
    return kl_rows(p, q).mean()


def pairwise_loss(q, must, cannot, margin: float = 1.0, normalisation: str = "per_type"):
    """Pairwise loss of Eq. 14 on in-batch pairs; returns ``(loss, must_term, cannot_term)``.

    Must-link pairs pay KL(q_j ‖ q_i); cannot-link pairs pay max(0, margin − KL(q_j ‖ q_i)). Both
    ordered directions of each pair are used (the sums of Eq. 14 run over i and j of a symmetric
    relation). ``per_type`` averages must- and cannot-link terms separately so that the numerous
    cannot-link pairs do not drown must-links; ``batch`` divides the sums by the batch size (Eq. 14).
    """
    import torch

    zero = q.new_zeros(())

    def both(pairs):
        i, j = pairs[:, 0], pairs[:, 1]
        return torch.cat([kl_rows(q[j], q[i]), kl_rows(q[i], q[j])])

    ml_terms = both(must) if must is not None and len(must) else None
    cl_terms = torch.relu(margin - both(cannot)) if cannot is not None and len(cannot) else None
    if normalisation == "per_type":
        ml = ml_terms.mean() if ml_terms is not None else zero
        cl = cl_terms.mean() if cl_terms is not None else zero
    else:
        n = q.shape[0]
        ml = ml_terms.sum() / (2 * n) if ml_terms is not None else zero
        cl = cl_terms.sum() / (2 * n) if cl_terms is not None else zero
    return ml + cl, ml, cl


def build_dec_model(autoencoder, k: int, nu: float = 1.0):
    """Wrap a pretrained autoencoder with a clustering layer of ``k`` centres.

    ``forward(x, decode=True) -> (z, q, x_hat | None)``.
    """
    import torch
    from torch import nn

    class DECModel(nn.Module):
        def __init__(self, ae, k: int, nu: float):
            super().__init__()
            self.ae = ae
            self.nu = nu
            self.centres = nn.Parameter(torch.zeros(k, ae.embedding_dim))

        @property
        def embedding_dim(self) -> int:
            return self.ae.embedding_dim

        def encode(self, x):
            return self.ae.encode(x)

        def assign(self, z):
            return soft_assignment(z, self.centres, self.nu)

        def forward(self, x, decode: bool = True):
            z = self.ae.encode(x)
            q = soft_assignment(z, self.centres, self.nu)
            x_hat = self.ae.decode(z) if decode else None
            return z, q, x_hat

    return DECModel(autoencoder, k, nu)
