"""Raster helpers the renderers share: resizing, noise windows from a deterministic bank, the
circular field of view."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image
from scipy import ndimage


def resize(img: np.ndarray, rows: int, cols: int) -> np.ndarray:
    if img.shape == (rows, cols):
        return img.copy()
    return np.array(Image.fromarray(img, mode="F").resize((cols, rows), Image.BILINEAR), dtype=np.float32)


BANK_MARGIN = (97, 101)
"""Noise comes from a fixed per-shape bank at a random offset (drawing fresh normals is the slow part)."""


@lru_cache(maxsize=12)
def _bank(rows: int, cols: int, sigma: float) -> np.ndarray:
    """Unit-variance noise of shape (rows + 97, cols + 101), blurred by ``sigma`` pixels when > 0.

    Seeded by its shape only, so every process builds the same bank and output stays deterministic.
    """
    g = np.random.default_rng([rows, cols, int(sigma * 100)])
    n = g.standard_normal((rows + BANK_MARGIN[0], cols + BANK_MARGIN[1]), dtype=np.float32)
    if sigma > 0:
        n = ndimage.gaussian_filter(n, sigma)
        n /= n.std()
    n.flags.writeable = False
    return n


def noise_window(shape: tuple[int, int], rng: np.random.Generator, sigma: float = 0.0) -> np.ndarray:
    """A read-only (rows, cols) window of unit-variance noise at an offset drawn from ``rng``."""
    rows, cols = shape
    bank = _bank(rows, cols, sigma)
    r0 = int(rng.integers(BANK_MARGIN[0]))
    c0 = int(rng.integers(BANK_MARGIN[1]))
    win = bank[r0 : r0 + rows, c0 : c0 + cols]
    return win if rng.random() < 0.5 else win[::-1, ::-1]


def texture(shape: tuple[int, int], rng: np.random.Generator, sigma: float, amp: float) -> np.ndarray:
    """Smooth tissue texture of standard deviation ``amp``."""
    return noise_window(shape, rng, sigma) * amp


@lru_cache(maxsize=32)
def fov_mask(rows: int, cols: int, r: float) -> np.ndarray:
    """Pixels inside a centred circle of radius r (in half-heights); cached, read-only."""
    y = (np.arange(rows, dtype=np.float32) - (rows - 1) / 2)[:, None] / (rows / 2)
    x = (np.arange(cols, dtype=np.float32) - (cols - 1) / 2)[None, :] / (rows / 2)
    mask = (x * x + y * y) <= r * r
    mask.flags.writeable = False
    return mask
