"""Projection renderers: radiographs, mammograms, and XA / RF fluoroscopy with contrast runs and
subtraction."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.vessels import draw_ventricle, draw_vessels
from pacslabel.synth.canvas import Canvas, Pose
from pacslabel.synth.render.raster import fov_mask, noise_window, resize, texture
from pacslabel.synth.render.style import Pixels, Style


def _collimate(img: np.ndarray, rng: np.random.Generator, value: float) -> None:
    r, c = img.shape
    t, b = int(r * rng.uniform(0, 0.08)), int(r * rng.uniform(0, 0.08))
    lft, rt = int(c * rng.uniform(0, 0.08)), int(c * rng.uniform(0, 0.08))
    if t:
        img[:t] = value
    if b:
        img[r - b :] = value
    if lft:
        img[:, :lft] = value
    if rt:
        img[:, c - rt :] = value


def render_radiograph(style: Style, work, ctx, rng, z) -> Pixels:
    p = resize(work, style.rows, style.cols)
    top = (1 << style.bits_stored) - 1
    gain = float(rng.uniform(0.75, 0.95))
    v = top * (0.06 + gain * (1.0 - np.exp(-0.9 * np.maximum(p, 0.0))))
    v += noise_window(v.shape, rng) * (top * 0.012 * style.noise)
    _collimate(v, rng, top * 0.97)
    # side marker in a corner
    mr, mc = max(style.rows // 40, 2), max(style.cols // 60, 2)
    r0 = int(rng.integers(mr, max(style.rows // 8, mr + 1)))
    c0 = int(rng.integers(mc, max(style.cols // 8, mc + 1)))
    v[r0 : r0 + 3 * mr, c0 : c0 + mc] = top
    v[r0 + 2 * mr : r0 + 3 * mr, c0 : c0 + 2 * mc] = top
    stored = np.clip(np.rint(v), 0, top).astype(np.uint16)
    lo, hi = np.percentile(stored[::8, ::8], (1, 99))
    if style.monochrome1:
        stored = (top - stored).astype(np.uint16)
        lo, hi = top - hi, top - lo
    return Pixels(
        stored,
        "MONOCHROME1" if style.monochrome1 else "MONOCHROME2",
        16,
        style.bits_stored,
        window=([round((lo + hi) / 2)], [max(round(hi - lo), 1)]),
    )


def render_mammo(style: Style, work, ctx, rng, z) -> Pixels:
    """Mammogram: strong fat / gland contrast, fine parenchymal texture, a sharp skin line on a dark
    background, no collimation; the laterality marker sits in the corner away from the chest wall."""
    rows, cols = style.rows, style.cols
    p = np.maximum(resize(work, rows, cols), 0.0)
    breast = p > 0.3
    p = p + breast * texture((rows, cols), rng, max(rows / 300.0, 0.8), 0.06)
    top = (1 << style.bits_stored) - 1
    v = top * (0.02 + float(rng.uniform(0.8, 0.95)) * (1.0 - np.exp(-1.3 * np.maximum(p, 0.0))))
    v += noise_window(v.shape, rng) * (top * 0.006 * style.noise)
    mr, mc = max(rows // 40, 2), max(cols // 50, 2)
    c0 = cols - 4 * mc if not style.pose.flip else 2 * mc  # the chest wall is on the left unless mirrored
    v[2 * mr : 4 * mr, c0 : c0 + 2 * mc] = top
    stored = np.clip(np.rint(v), 0, top).astype(np.uint16)
    lo, hi = np.percentile(stored[breast][::7], (2, 99.5)) if breast.any() else (0, top)
    if style.monochrome1:
        stored = (top - stored).astype(np.uint16)
        lo, hi = top - hi, top - lo
    centre, width = round((lo + hi) / 2), max(round(hi - lo), 1)
    return Pixels(
        stored,
        "MONOCHROME1" if style.monochrome1 else "MONOCHROME2",
        16,
        style.bits_stored,
        window=([centre, centre], [width, round(width * 0.7)]),
    )


def _xa_layer(style: Style, ctx: dict) -> np.ndarray | None:
    """Contrast (or catheter) layer of an angiography run at work resolution, None for RF."""
    mode = style.look.mode
    if style.modality != "XA":
        return None
    c: Canvas = ctx["canvas"]
    pose = c.pose
    if style.look.view == "RAO":
        pose = Pose(pose.rot, pose.scale, pose.dx, pose.dy, not pose.flip)
    vc = Canvas(c.h, c.w, {"CONTRAST": 1.0}, mode="add", pose=pose, background=0.0)
    if mode == "LV":
        draw_ventricle(vc, ctx["anat"])
    elif mode == "FLUORO":  # guide wire / catheter only
        vc.polyline(np.array([[0.3, 1.1], [0.15, 0.5], [0.0, 0.0], [-0.1, -0.3]]), 0.012, "CONTRAST")
    else:
        draw_vessels(vc, ctx["anat"], style.region)
    return vc.img


def render_fluoro(style: Style, work, ctx, rng, z) -> Pixels:
    """XA / RF: dense is dark, circular intensifier field; XA runs fill with contrast over the frames,
    DSA subtracts the anatomy; RF spot images are low-noise, fluoroscopy sequences noisy."""
    mode = style.look.mode
    top = (1 << style.bits_stored) - 1
    layer = _xa_layer(style, ctx)
    vessels = None if layer is None else resize(layer, style.rows, style.cols)
    anat = resize(work, style.rows, style.cols)
    mask = fov_mask(style.rows, style.cols, round(float(rng.uniform(0.92, 1.1)), 2))
    density = 1.0 - np.exp(-0.8 * np.maximum(anat, 0.0))
    if mode == "DSA":
        base = top * (0.6 - 0.03 * density)  # subtracted: residual anatomy from patient motion only
    else:
        base = top * (0.85 - (0.2 if mode == "SEQUENCE" else 0.28) * density)
    noise = {"FLUORO": 2.0, "SEQUENCE": 2.5, "SPOT": 0.7}.get(mode, 1.0) * 0.02 * style.noise
    frames = []
    for f in range(style.frames):
        img = base.copy() if mode != "SEQUENCE" else np.roll(base, 2 * f, axis=0)
        if vessels is not None:
            fill = np.sin(np.pi * (f + 1) / (style.frames + 1)) if mode != "FLUORO" else 1.0
            img -= top * 0.5 * fill * (1.0 - np.exp(-1.5 * vessels))
        img += noise_window(img.shape, rng) * (top * noise)
        img[~mask] = 0
        frames.append(np.clip(np.rint(img), 0, top))
    arr = np.stack(frames) if style.frames > 1 else frames[0]
    dtype = np.uint8 if style.bits_stored <= 8 else np.uint16
    return Pixels(
        arr.astype(dtype),
        "MONOCHROME2",
        8 if dtype == np.uint8 else 16,
        style.bits_stored,
        window=([top / 2], [top]),
    )
