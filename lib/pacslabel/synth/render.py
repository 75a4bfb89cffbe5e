"""Turn a region drawing into pixels the way each modality would: HU for CT, MR signal, radiograph
exposure, fluoroscopy, scintigraphy counts, ultrasound speckle in RGB.

``render_frames`` returns stored values (uint8 / uint16 arrays, frames first for multi-frame) plus the
pixel-description attributes that belong with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image
from scipy import ndimage

from pacslabel.synth.anatomy import AXIAL_REGIONS, DRAW, draw_vessels
from pacslabel.synth.canvas import Canvas, Pose

WORK_SIZE = 256
"""Long side of the tissue map before it is resized to the image size (drawing is the slow part)."""

TISSUES = (
    "AIR",
    "LUNG",
    "FAT",
    "SOFT",
    "MUSCLE",
    "FLUID",
    "BRAIN",
    "WHITE",
    "BONE",
    "CORTEX",
    "CONTRAST",
    "GAS",
    "BLOOD",
    "GLAND",
    "ORGAN",
    "KIDNEY",
    "MYO",
)

PAL_CT = dict(
    zip(
        TISSUES, (-1000, -850, -100, 40, 55, 8, 38, 28, 450, 1150, 280, -950, 45, 70, 60, 35, 50), strict=True
    )
)
PAL_MR_T1 = dict(
    zip(TISSUES, (0, 15, 950, 380, 300, 120, 520, 650, 700, 25, 1100, 0, 90, 420, 480, 380, 320), strict=True)
)
PAL_MR_T2 = dict(
    zip(TISSUES, (0, 15, 700, 420, 200, 1500, 650, 450, 450, 20, 800, 0, 40, 600, 300, 700, 220), strict=True)
)
# projection: attenuation relative to soft tissue (the body outline is SOFT over AIR = +1)
PAL_XRAY = dict(
    zip(
        TISSUES,
        (-1.0, -0.9, -0.15, 0.0, 0.05, 0.0, 0.0, 0.0, 0.9, 1.6, 2.5, -0.8, 0.05, 0.1, 0.08, 0.05, 0.05),
        strict=True,
    )
)
PAL_US = dict(
    zip(
        TISSUES,
        (0.02, 0.8, 0.3, 0.45, 0.35, 0.03, 0.4, 0.42, 0.9, 1.0, 0.03, 0.9, 0.05, 0.65, 0.5, 0.35, 0.55),
        strict=True,
    )
)
NM_UPTAKE: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"BONE": 0.5, "CORTEX": 0.3, "KIDNEY": 0.5, "FLUID": 1.0, "BRAIN": -0.4},
    "HEART": {"MYO": 1.0, "MUSCLE": 0.1, "BLOOD": 0.05, "CONTRAST": -0.95},
    "NECK": {"GLAND": 1.0},
    "CHEST": {"LUNG": 0.8},
    "URINARYTRACT": {"KIDNEY": 1.0, "CONTRAST": 0.8},
    "HEAD": {"BRAIN": 0.9, "WHITE": -0.5, "FLUID": -0.85},
}


@dataclass
class Style:
    """Per-series acquisition choices that shape the pixels."""

    modality: str
    region: str
    rows: int
    cols: int
    frames: int = 1
    weighting: str = "T1"  # MR
    contrast: bool = False  # CT / MR with contrast agent
    monochrome1: bool = False  # CR / DX
    bits_stored: int = 12
    noise: float = 1.0
    pose: Pose = field(default_factory=Pose)
    anat_seed: int = 0
    doppler: bool = False  # US


@dataclass
class Pixels:
    """Stored values and their description."""

    array: np.ndarray  # (rows, cols) | (frames, rows, cols) | (rows, cols, 3)
    photometric: str
    bits_allocated: int
    bits_stored: int
    rescale: tuple[float, float] | None = None  # (slope, intercept)
    window: tuple[list[float], list[float]] | None = None  # (centres, widths) suggestion


def view_for(modality: str, region: str) -> str:
    if modality == "CT":
        return "axial" if region in AXIAL_REGIONS else "frontal"
    if modality == "MR":
        if region in ("CSPINE", "TSPINE", "LSPINE"):
            return "sagittal"
        if region == "HEART":
            return "short"
        return "axial" if region in AXIAL_REGIONS else "frontal"
    if modality == "NM":
        return "short" if region == "HEART" else "frontal"
    if modality == "US":
        return "axial" if region in AXIAL_REGIONS else "frontal"
    return "frontal"


def palette_for(style: Style, rng: np.random.Generator) -> tuple[dict[str, float], str]:
    m = style.modality
    if m == "CT":
        pal = dict(PAL_CT)
        if style.contrast:
            pal.update(BLOOD=220.0, KIDNEY=170.0, ORGAN=110.0, MYO=90.0)
        return pal, "set"
    if m == "MR":
        base = PAL_MR_T1 if style.weighting == "T1" else PAL_MR_T2
        gain = float(rng.uniform(0.7, 1.6))
        pal = {k: v * gain * float(rng.uniform(0.9, 1.1)) for k, v in base.items()}
        if style.contrast:
            pal["BLOOD"] = pal["CONTRAST"]
        return pal, "set"
    if m == "US":
        return dict(PAL_US), "set"
    if m == "NM":
        pal = dict.fromkeys(TISSUES, 0.0)
        pal["SOFT"] = 0.04
        pal.update(NM_UPTAKE.get(style.region, {}))
        return pal, "add"
    pal = dict(PAL_XRAY)
    pal["RIB"] = 0.35
    if m == "XA":
        pal["CONTRAST"] = 0.0  # vessels are drawn on their own layer
    return pal, "add"


def _resize(img: np.ndarray, rows: int, cols: int) -> np.ndarray:
    if img.shape == (rows, cols):
        return img.copy()
    return np.array(Image.fromarray(img, mode="F").resize((cols, rows), Image.BILINEAR), dtype=np.float32)


def _work_shape(rows: int, cols: int) -> tuple[int, int]:
    s = min(1.0, WORK_SIZE / max(rows, cols))
    return max(round(rows * s), 8), max(round(cols * s), 8)


def tissue_map(style: Style, z: float, rng_noise: np.random.Generator, view: str) -> tuple[np.ndarray, dict]:
    """The drawn region at work resolution (float32) with its palette; jitter from ``style.anat_seed``."""
    anat = np.random.default_rng(style.anat_seed)
    pal, mode = palette_for(style, anat)
    wr, wc = _work_shape(style.rows, style.cols)
    pose = style.pose
    if style.frames == 1 and style.modality not in ("CT", "MR"):
        pose = Pose(
            pose.rot + float(rng_noise.normal(0, 0.03)),
            pose.scale * float(rng_noise.uniform(0.97, 1.03)),
            pose.dx + float(rng_noise.normal(0, 0.02)),
            pose.dy + float(rng_noise.normal(0, 0.02)),
            pose.flip,
        )
    if style.modality == "US":
        # a probe sees a part of the region: zoom in around a shifted centre
        pose = Pose(pose.rot, pose.scale * 1.8, pose.dx * 3.0, pose.dy * 3.0 + 0.3, pose.flip)
    c = Canvas(wr, wc, pal, mode=mode, pose=pose)
    DRAW[style.region](c, anat, z, view)
    return c.img, {"canvas": c, "anat": anat, "pal": pal}


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


def _noise(shape: tuple[int, int], rng: np.random.Generator, sigma: float = 0.0) -> np.ndarray:
    """A read-only (rows, cols) window of unit-variance noise at an offset drawn from ``rng``."""
    rows, cols = shape
    bank = _bank(rows, cols, sigma)
    r0 = int(rng.integers(BANK_MARGIN[0]))
    c0 = int(rng.integers(BANK_MARGIN[1]))
    win = bank[r0 : r0 + rows, c0 : c0 + cols]
    return win if rng.random() < 0.5 else win[::-1, ::-1]


def _texture(shape: tuple[int, int], rng: np.random.Generator, sigma: float, amp: float) -> np.ndarray:
    """Smooth tissue texture of standard deviation ``amp``."""
    return _noise(shape, rng, sigma) * amp


@lru_cache(maxsize=32)
def _fov_mask(rows: int, cols: int, r: float) -> np.ndarray:
    """Pixels inside a centred circle of radius r (in half-heights); cached, read-only."""
    y = (np.arange(rows, dtype=np.float32) - (rows - 1) / 2)[:, None] / (rows / 2)
    x = (np.arange(cols, dtype=np.float32) - (cols - 1) / 2)[None, :] / (rows / 2)
    mask = (x * x + y * y) <= r * r
    mask.flags.writeable = False
    return mask


def render_frames(style: Style, z: float, rng: np.random.Generator) -> Pixels:
    m = style.modality
    view = view_for(m, style.region)
    work, ctx = tissue_map(style, z, rng, view)
    fn = _RENDER[m]
    return fn(style, work, ctx, rng, z)


def _ct(style: Style, work, ctx, rng, z) -> Pixels:
    work = work + _texture(work.shape, rng, 1.5, 8.0)
    hu = _resize(work, style.rows, style.cols)
    hu += _noise(hu.shape, rng) * (8.0 * style.noise)
    hu[~_fov_mask(style.rows, style.cols, 1.0)] = -1024.0
    stored = np.clip(np.rint(hu + 1024.0), 0, 4095).astype(np.uint16)
    return Pixels(stored, "MONOCHROME2", 16, 12, rescale=(1.0, -1024.0), window=_ct_window(style.region))


def _ct_window(region: str) -> tuple[list[float], list[float]]:
    if region in ("HEAD", "WHOLEBODY"):
        return [40.0, 600.0], [80.0, 2800.0]
    if region in ("CHEST", "HEART"):
        return [40.0, -600.0], [400.0, 1500.0]
    if region in ("SINUS", "SKULL", "CSPINE", "TSPINE", "LSPINE", "KNEE", "HIP", "FOOT", "SHOULDER"):
        return [450.0, 40.0], [1500.0, 400.0]
    return [40.0, 60.0], [400.0, 350.0]


def _mr(style: Style, work, ctx, rng, z) -> Pixels:
    work = work * (1.0 + _texture(work.shape, rng, 2.0, 0.08))
    img = _resize(np.maximum(work, 0), style.rows, style.cols)
    ramp = np.linspace(0.8, 1.2, style.cols, dtype=np.float32)[None, :]
    if rng.random() < 0.5:
        ramp = np.linspace(0.85, 1.15, style.rows, dtype=np.float32)[:, None]
    img *= ramp
    s = 12.0 * style.noise
    a = img + _noise(img.shape, rng) * s
    b = _noise(img.shape, rng) * s
    mag = np.sqrt(a * a + b * b)
    top = (1 << style.bits_stored) - 1
    stored = np.clip(np.rint(mag), 0, top).astype(np.uint16)
    hi = float(np.percentile(stored[::4, ::4], 99.5))
    return Pixels(stored, "MONOCHROME2", 16, style.bits_stored, window=([round(hi / 2)], [round(hi)]))


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


def _radiograph(style: Style, work, ctx, rng, z) -> Pixels:
    p = _resize(work, style.rows, style.cols)
    top = (1 << style.bits_stored) - 1
    gain = float(rng.uniform(0.75, 0.95))
    v = top * (0.06 + gain * (1.0 - np.exp(-0.9 * np.maximum(p, 0.0))))
    v += _noise(v.shape, rng) * (top * 0.012 * style.noise)
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


def _fluoro(style: Style, work, ctx, rng, z) -> Pixels:
    """XA / RF: dense is dark, circular intensifier field, frames with a contrast bolus (XA)."""
    c: Canvas = ctx["canvas"]
    top = (1 << style.bits_stored) - 1
    vessels = None
    if style.modality == "XA":
        vc = Canvas(c.h, c.w, {"CONTRAST": 1.0}, mode="add", pose=c.pose, background=0.0)
        draw_vessels(vc, ctx["anat"], style.region)
        vessels = _resize(vc.img, style.rows, style.cols)
    anat = _resize(work, style.rows, style.cols)
    mask = _fov_mask(style.rows, style.cols, round(float(rng.uniform(0.92, 1.1)), 2))
    base = top * (0.85 - 0.28 * (1.0 - np.exp(-0.8 * np.maximum(anat, 0.0))))
    frames = []
    for f in range(style.frames):
        img = base.copy()
        if vessels is not None:
            fill = np.sin(np.pi * (f + 1) / (style.frames + 1)) if style.frames > 1 else 1.0
            img -= top * 0.55 * fill * (1.0 - np.exp(-1.5 * vessels))
        img += _noise(img.shape, rng) * (top * 0.02 * style.noise)
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


def _nm(style: Style, work, ctx, rng, z) -> Pixels:
    act = np.maximum(_resize(work, style.rows, style.cols), 0.0)
    act = ndimage.gaussian_filter(act, max(style.rows / 96.0, 0.8))
    peak = float(act.max()) or 1.0
    counts = float(rng.uniform(40, 250))
    frames = []
    for f in range(style.frames):
        lam = act / peak * counts
        if style.frames > 1:
            lam = ndimage.shift(lam, (0.0, 1.5 * np.sin(2 * np.pi * f / style.frames)), order=1)
        frames.append(rng.poisson(lam + 0.3))
    arr = np.stack(frames) if style.frames > 1 else frames[0]
    return Pixels(np.clip(arr, 0, 65535).astype(np.uint16), "MONOCHROME2", 16, 16)


def _us(style: Style, work, ctx, rng, z) -> Pixels:
    rows, cols = style.rows, style.cols
    hr, hc = rows // 2, cols // 2
    e = _resize(work, hr, hc)
    speckle = 0.6 + 0.5 * np.abs(_noise((hr, hc), rng, 1.0))  # grain of mean 1, sd 0.3
    g = np.clip(e * speckle * 1.3, 0, 1.2)
    y = np.arange(hr, dtype=np.float32)[:, None] / hr
    x = (np.arange(hc, dtype=np.float32)[None, :] - hc / 2) / hr
    ang = np.arctan2(x, y + 0.08)
    rad = np.sqrt(x * x + (y + 0.08) ** 2)
    half = np.radians(float(rng.uniform(30, 42)))
    fan = (np.abs(ang) <= half) & (rad >= 0.12) & (rad <= 0.98)
    g = g * (1.0 - 0.45 * y)  # depth attenuation
    g[~fan] = 0.0
    gray = np.clip(_resize(g, rows, cols) * 220.0, 0, 255)
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    if style.doppler:
        cy, cx = int(rows * rng.uniform(0.35, 0.6)), int(cols * rng.uniform(0.4, 0.6))
        rr, cc = max(rows // 14, 2), max(cols // 20, 2)
        blob = rgb[cy - rr : cy + rr, cx - cc : cx + cc]
        blob[..., 0] = 200
        blob[..., 1] *= 0.3
        blob[:rr, :, 2] = 220
    # annotation bars and a grey scale bar
    rgb[: max(rows // 30, 2), : cols // 3] = 180
    bar = np.linspace(255, 0, rows // 3, dtype=np.float32)[:, None]
    rgb[rows // 4 : rows // 4 + rows // 3, cols - max(cols // 40, 2) :, :] = bar[:, :, None]
    return Pixels(rgb.astype(np.uint8), "RGB", 8, 8)


_RENDER = {
    "CT": _ct,
    "MR": _mr,
    "CR": _radiograph,
    "DX": _radiograph,
    "XA": _fluoro,
    "RF": _fluoro,
    "NM": _nm,
    "US": _us,
}
