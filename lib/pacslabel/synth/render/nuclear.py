"""Nuclear medicine renderers: NM planar, SPECT and dynamic counts; PET activity in Bq/ml."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from pacslabel.synth.render.drawing import palette_layer, tissue_map
from pacslabel.synth.render.raster import resize
from pacslabel.synth.render.style import Pixels, Style

PT_BQML_PER_SUV = 5000.0
"""Activity concentration (Bq/ml) of one SUV: about 350 MBq injected into 70 kg."""
PT_LESIONS = (0, 4)
"""Hot lesions per series (drawn anywhere in the body, a few slices deep)."""


def _nm_frame(act: np.ndarray, counts: float, rng: np.random.Generator) -> np.ndarray:
    peak = float(act.max()) or 1.0
    return rng.poisson(np.maximum(act, 0.0) / peak * counts + 0.3)


def render_nm(style: Style, work, ctx, rng, z) -> Pixels:
    """Planar: one static view; SPECT: reconstructed slices (smooth, low counts); dynamic: a time series
    in which the kidneys take up and wash out while the bladder fills."""
    mode = style.look.mode
    rows, cols = style.rows, style.cols
    sigma = max(rows / 96.0, 0.8) * (1.8 if mode == "SPECT" else 1.0)

    def blur(img: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(np.maximum(resize(img, rows, cols), 0.0), sigma)

    frames = []
    if mode == "SPECT":
        near, far = blur(work), blur(tissue_map(style, z + 0.5, rng)[0])
        counts = float(rng.uniform(20, 80))
        for f in range(style.frames):
            t = f / max(style.frames - 1, 1)
            frames.append(_nm_frame((1 - t) * near + t * far, counts, rng))
    elif mode == "DYNAMIC":
        kidney = blur(palette_layer(style, ctx, z, {"KIDNEY": 1.0}))
        bladder = blur(palette_layer(style, ctx, z, {"CONTRAST": 0.8, "FLUID": 1.0}))
        body = blur(work) * 0.15
        counts = float(rng.uniform(15, 50))
        for f in range(style.frames):
            t = (f + 1) / style.frames
            frames.append(_nm_frame(body + 2.5 * t * np.exp(1 - 2.5 * t) * kidney + t * bladder, counts, rng))
    else:
        frames.append(_nm_frame(blur(work), float(rng.uniform(40, 250)), rng))
    arr = np.stack(frames) if len(frames) > 1 else frames[0]
    return Pixels(np.clip(arr, 0, 65535).astype(np.uint16), "MONOCHROME2", 16, 16)


def _pt_lesions(style: Style, z: float, rows: int, cols: int) -> np.ndarray:
    """Hot spots of one series (SUV above the background), each a few slices deep; all of them in a
    projection."""
    g = np.random.default_rng([style.anat_seed, 0x1E5])
    out = np.zeros((rows, cols), dtype=np.float32)
    y = np.arange(rows, dtype=np.float32)[:, None]
    x = np.arange(cols, dtype=np.float32)[None, :]
    for _ in range(int(g.integers(PT_LESIONS[0], PT_LESIONS[1] + 1))):
        cy, cx, cz = g.uniform(0.2, 0.8) * rows, g.uniform(0.3, 0.7) * cols, g.uniform(-0.8, 0.8)
        if style.look.mode != "MIP" and abs(z - cz) > 0.15:
            continue
        r = max(rows, cols) * g.uniform(0.008, 0.02)
        out += g.uniform(4.0, 14.0) * np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r))
    return out


def render_pt(style: Style, work, ctx, rng, z) -> Pixels:
    """PET: tracer uptake (plus hot lesions) blurred to the scanner's resolution with counting noise,
    stored as Bq/ml through a per-image rescale slope. Without attenuation correction the centre of the
    body fades and the skin glows; the maximum intensity projection is shown black on white."""
    rows, cols = style.rows, style.cols
    act = np.maximum(resize(work, rows, cols), 0.0)
    body = ndimage.binary_fill_holes(act > 0.05)
    act = act + _pt_lesions(style, z, rows, cols) * body
    if style.look.mode == "NAC":
        depth = ndimage.distance_transform_edt(body)
        depth /= max(float(depth.max()), 1.0)
        act = act * np.exp(-2.5 * depth) + 0.8 * (body & (depth < 0.06))
    act = ndimage.gaussian_filter(act, max(rows / 90.0, 0.8))
    scale = float(rng.uniform(20, 50)) / style.noise  # counts per SUV
    act = rng.poisson(np.maximum(act, 0.0) * scale) / scale
    bq = act * PT_BQML_PER_SUV
    slope = round(max(float(bq.max()), 1.0) / 32000.0, 6)
    stored = np.clip(np.rint(bq / slope), 0, 65535).astype(np.uint16)
    return Pixels(
        stored,
        "MONOCHROME1" if style.look.mode == "MIP" else "MONOCHROME2",
        16,
        16,
        rescale=(slope, 0.0),
        window=([2.5 * PT_BQML_PER_SUV], [5.0 * PT_BQML_PER_SUV]),
    )
