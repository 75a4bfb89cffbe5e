"""Dense autoencoder for encoded DICOM tag vectors (paper 003; RadiologyNET-public ``AEModel``).

Encoder: per hidden width a Linear → activation (→ BatchNorm1d → Dropout when enabled), then a
Linear to the bottleneck (the latent). The decoder mirrors it; the output layer is linear or sigmoid
(inputs MinMax-scaled to [0, 1] suit sigmoid). Loss: MSE.

Shapes: input ``(B, n_features)``; embedding ``(B, bottleneck)``; reconstruction ``(B, n_features)``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError


@dataclass
class TagAEConfig:
    """Architecture of the tag AE; ``n_features`` 0 means: taken from the data at training time."""

    n_features: int = 0
    hidden: list[int] = field(default_factory=lambda: [256, 128])  # with the bottleneck: 3 dense layers
    bottleneck: int = 32  # paper 003 grid: 32, 50, 64, 75, 100
    activation: Literal["relu", "leaky_relu"] = "relu"
    batch_norm: bool = False  # reference code: LeakyReLU + BatchNorm1d
    dropout: float = 0.0
    output_activation: Literal["linear", "sigmoid"] = "linear"

    def validate(self) -> None:
        if self.n_features < 0:
            raise ConfigError("tag_ae.n_features: must be >= 0 (0 = from the data)")
        if self.bottleneck < 1 or any(h < 1 for h in self.hidden):
            raise ConfigError("tag_ae.hidden / tag_ae.bottleneck: widths must be >= 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError("tag_ae.dropout: must be in [0, 1)")


def build_tag_ae(cfg: TagAEConfig):
    """Return a :class:`TagAE` module; ``cfg.n_features`` must be set."""
    import torch
    from torch import nn

    if cfg.n_features < 1:
        raise ConfigError("tag_ae.n_features: unknown; set it or let training read it from the data")

    def block(cin: int, cout: int) -> list[nn.Module]:
        mods: list[nn.Module] = [nn.Linear(cin, cout)]
        mods.append(nn.LeakyReLU(0.01) if cfg.activation == "leaky_relu" else nn.ReLU())
        if cfg.batch_norm:
            mods.append(nn.BatchNorm1d(cout))
        if cfg.dropout > 0:
            mods.append(nn.Dropout(cfg.dropout))
        return mods

    class TagAE(nn.Module):
        """``encode(x) -> z``, ``decode(z) -> x_hat``, ``forward(x) -> (z, x_hat)``."""

        def __init__(self, cfg: TagAEConfig):
            super().__init__()
            self.cfg = cfg
            widths = [cfg.n_features, *cfg.hidden]
            enc: list[nn.Module] = []
            for a, b in itertools.pairwise(widths):
                enc += block(a, b)
            enc.append(nn.Linear(widths[-1], cfg.bottleneck))
            self.encoder = nn.Sequential(*enc)
            rev = [cfg.bottleneck, *reversed(cfg.hidden)]
            dec: list[nn.Module] = []
            for a, b in itertools.pairwise(rev):
                dec += block(a, b)
            dec.append(nn.Linear(rev[-1], cfg.n_features))
            if cfg.output_activation == "sigmoid":
                dec.append(nn.Sigmoid())
            self.decoder = nn.Sequential(*dec)

        @property
        def embedding_dim(self) -> int:
            return self.cfg.bottleneck

        def encode(self, x: torch.Tensor) -> torch.Tensor:
            return self.encoder(x)

        def decode(self, z: torch.Tensor) -> torch.Tensor:
            return self.decoder(z)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            z = self.encode(x)
            return z, self.decode(z)

    cfg.validate()
    return TagAE(cfg)
