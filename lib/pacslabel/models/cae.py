"""Convolutional autoencoder of papers 001 / 000 (section 3.1 of paper 000).

Encoder: ``len(filters)`` blocks of 3×3 conv (same padding) → ReLU → 2×2 max-pool, then a dense
bottleneck (100-d by default). Decoder: dense → reshape → the mirrored blocks of bilinear ×2
upsampling → 3×3 conv → ReLU, the last conv has one channel and a sigmoid. Loss: MSE.

Shapes: input ``(B, 1, S, S)`` float in [0, 1] with ``S`` divisible by ``2 ** len(filters)``;
embedding ``(B, bottleneck)``; reconstruction ``(B, 1, S, S)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError


@dataclass
class CAEConfig:
    """Architecture of the image CAE (paper defaults)."""

    input_size: int = 256  # side S of the square input; images of another size are resized to it
    filters: list[int] = field(default_factory=lambda: [32, 32, 64, 64, 64])
    kernel_size: int = 3
    bottleneck: int = 100
    bottleneck_activation: Literal["linear", "relu"] = "linear"  # reference code: linear dense layer

    def validate(self) -> None:
        if not self.filters:
            raise ConfigError("cae.filters: at least one conv layer is needed")
        factor = 2 ** len(self.filters)
        if self.input_size % factor:
            raise ConfigError(f"cae.input_size: {self.input_size} is not divisible by 2**{len(self.filters)}")
        if self.bottleneck < 1:
            raise ConfigError("cae.bottleneck: must be >= 1")
        if self.kernel_size % 2 == 0:
            raise ConfigError("cae.kernel_size: must be odd (same padding)")


def build_cae(cfg: CAEConfig):
    """Return a :class:`CAE` module for ``cfg`` (torch imported here)."""
    import torch
    from torch import nn

    class CAE(nn.Module):
        """Image CAE; ``encode(x) -> z``, ``decode(z) -> x_hat``, ``forward(x) -> (z, x_hat)``."""

        def __init__(self, cfg: CAEConfig):
            super().__init__()
            self.cfg = cfg
            k, pad = cfg.kernel_size, cfg.kernel_size // 2
            layers: list[nn.Module] = []
            in_ch = 1
            for ch in cfg.filters:
                layers += [nn.Conv2d(in_ch, ch, k, padding=pad), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
                in_ch = ch
            self.features = nn.Sequential(*layers)
            self.side = cfg.input_size // 2 ** len(cfg.filters)
            self.flat = in_ch * self.side * self.side
            self.to_latent = nn.Linear(self.flat, cfg.bottleneck)
            self.from_latent = nn.Linear(cfg.bottleneck, self.flat)
            dec: list[nn.Module] = []
            rev = list(reversed(cfg.filters))
            outs = [*rev[1:], 1]
            for i, (cin, cout) in enumerate(zip(rev, outs, strict=True)):
                dec += [nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)]
                dec += [nn.Conv2d(cin, cout, k, padding=pad)]
                dec += [nn.Sigmoid() if i == len(rev) - 1 else nn.ReLU(inplace=True)]
            self.decoder = nn.Sequential(*dec)
            self.last_channels = rev[0]

        @property
        def embedding_dim(self) -> int:
            return self.cfg.bottleneck

        def encode(self, x: torch.Tensor) -> torch.Tensor:
            h = self.features(x)
            z = self.to_latent(torch.flatten(h, 1))
            return torch.relu(z) if self.cfg.bottleneck_activation == "relu" else z

        def decode(self, z: torch.Tensor) -> torch.Tensor:
            h = torch.relu(self.from_latent(z))
            h = h.view(-1, self.last_channels, self.side, self.side)
            return self.decoder(h)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            z = self.encode(x)
            return z, self.decode(z)

    cfg.validate()
    return CAE(cfg)
