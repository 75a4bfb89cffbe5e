"""CT and MR renderers: HU with kernel sharpening, noise and windows; MR signal with intensity
shading and magnitude noise."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from pacslabel.synth.render.palettes import MR_NOISE
from pacslabel.synth.render.raster import fov_mask, noise_window, resize, texture
from pacslabel.synth.render.style import Pixels, Style

CT_KERNEL = {"SOFT": (0.0, 7.0, 1.0), "BONE": (1.5, 30.0, 0.0), "LUNG": (1.0, 22.0, 0.0)}
"""Per kernel class: edge enhancement (unsharp-mask amount), noise standard deviation (HU) and noise
correlation length (pixels): smooth kernels blur noise, sharp kernels show it grainy and strong."""


def render_ct(style: Style, work, ctx, rng, z) -> Pixels:
    kernel = style.look.kernel or "SOFT"
    sharpen, sd, corr = CT_KERNEL[kernel]
    work = work + texture(work.shape, rng, 1.5, 8.0)
    if sharpen:  # edge overshoot, applied at work resolution (filtering the full image is slow)
        work += sharpen * (work - ndimage.gaussian_filter(work, 1.0))
    hu = resize(work, style.rows, style.cols)
    hu += noise_window(hu.shape, rng, corr) * (sd * style.noise)
    hu[~fov_mask(style.rows, style.cols, 1.0)] = -1024.0
    stored = np.clip(np.rint(hu + 1024.0), 0, 4095).astype(np.uint16)
    window = _ct_window(style.region, kernel)
    if style.look.phase == "ARTERIAL":  # angiography window first
        window = ([200.0, *window[0][:1]], [700.0, *window[1][:1]])
    return Pixels(stored, "MONOCHROME2", 16, 12, rescale=(1.0, -1024.0), window=window)


def _ct_window(region: str, kernel: str) -> tuple[list[float], list[float]]:
    """Stored window suggestions: the kernel's window first, a second one for the other tissue."""
    if kernel == "LUNG":
        return [-600.0, 40.0], [1500.0, 400.0]
    if kernel == "BONE":
        return [500.0, 40.0], [2000.0, 400.0]
    if region in ("HEAD", "WHOLEBODY"):
        return [40.0, 600.0], [80.0, 2800.0]
    if region in ("CHEST", "HEART"):
        return [40.0, -600.0], [400.0, 1500.0]
    if region in ("SINUS", "SKULL", "CSPINE", "TSPINE", "LSPINE", "KNEE", "HIP", "FOOT", "SHOULDER"):
        return [50.0, 450.0], [350.0, 1500.0]
    return [40.0, 60.0], [400.0, 350.0]


def render_mr(style: Style, work, ctx, rng, z) -> Pixels:
    seq = style.look.sequence
    work = work * (1.0 + texture(work.shape, rng, 2.0, 0.08))
    work = np.maximum(work, 0)
    if seq == "DWI":  # echo-planar: coarse matrix, blurry
        work = resize(work, max(work.shape[0] // 2, 8), max(work.shape[1] // 2, 8))
    img = resize(work, style.rows, style.cols)
    ramp = np.linspace(0.8, 1.2, style.cols, dtype=np.float32)[None, :]
    if rng.random() < 0.5:
        ramp = np.linspace(0.85, 1.15, style.rows, dtype=np.float32)[:, None]
    img *= ramp
    s = 12.0 * style.noise * MR_NOISE.get(seq, 1.0)
    a = img + noise_window(img.shape, rng) * s
    b = noise_window(img.shape, rng) * s
    mag = np.sqrt(a * a + b * b)
    top = (1 << style.bits_stored) - 1
    stored = np.clip(np.rint(mag), 0, top).astype(np.uint16)
    hi = float(np.percentile(stored[::4, ::4], 99.5))
    return Pixels(stored, "MONOCHROME2", 16, style.bits_stored, window=([round(hi / 2)], [round(hi)]))
