"""Turn a region drawing into pixels the way each modality would: HU for CT, MR signal, radiograph
exposure, mammography, fluoroscopy, scintigraphy counts, PET activity, ultrasound speckle in RGB. The
series' appearance picks the drawing (plane, projection) and the rendering (MR sequence contrast, CT
kernel and phase, subtraction, Doppler, PET attenuation correction, ...).

``render_frames`` returns stored values (uint8 / uint16 arrays, frames first for multi-frame) plus the
pixel-description attributes that belong with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image
from scipy import ndimage

from pacslabel.synth import catalog as cat
from pacslabel.synth.anatomy import DRAW, draw_ventricle, draw_vessels
from pacslabel.synth.appearance import Appearance, default_appearance
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
    zip(TISSUES, (-1000, -850, -100, 40, 55, 8, 38, 28, 450, 1150, 45, -950, 45, 70, 60, 35, 50), strict=True)
)
CT_PHASE: dict[str, dict[str, float]] = {
    "NONCONTRAST": {},
    "ARTERIAL": {
        "BLOOD": 330.0,
        "CONTRAST": 330.0,
        "KIDNEY": 150.0,
        "ORGAN": 75.0,
        "MYO": 110.0,
        "GLAND": 130.0,
    },
    "PORTAL": {
        "BLOOD": 170.0,
        "CONTRAST": 170.0,
        "KIDNEY": 180.0,
        "ORGAN": 115.0,
        "MYO": 95.0,
        "GLAND": 110.0,
    },
    "DELAYED": {"BLOOD": 90.0, "CONTRAST": 900.0, "KIDNEY": 120.0, "ORGAN": 80.0, "MYO": 70.0, "GLAND": 80.0},
}
"""HU that change with the contrast phase (CONTRAST: cardiac blood pool, urine in the collecting system)."""

_MR = {
    # AIR LUNG FAT SOFT MUSCLE FLUID BRAIN WHITE BONE CORTEX CONTRAST GAS BLOOD GLAND ORGAN KIDNEY MYO
    "T1": (0, 15, 950, 380, 300, 120, 520, 650, 700, 25, 150, 0, 90, 420, 480, 380, 320),
    "T2": (0, 15, 700, 420, 200, 1500, 650, 450, 450, 20, 60, 0, 40, 600, 300, 700, 220),
    "PD": (0, 15, 180, 480, 320, 1150, 720, 600, 260, 20, 80, 0, 60, 520, 420, 620, 330),
    "FLAIR": (0, 10, 600, 380, 220, 60, 700, 480, 420, 20, 40, 0, 30, 520, 320, 520, 240),
    "DWI": (0, 5, 30, 150, 110, 70, 420, 330, 40, 5, 40, 0, 20, 260, 220, 380, 110),
    "STIR": (0, 10, 40, 340, 150, 1500, 560, 420, 90, 15, 60, 0, 30, 520, 300, 760, 190),
    "T1C": (0, 15, 260, 420, 320, 120, 540, 660, 300, 25, 650, 0, 900, 800, 820, 1000, 60),
    "SSFP": (0, 20, 900, 500, 260, 1300, 600, 500, 500, 20, 1250, 0, 1200, 500, 520, 600, 260),
}
PAL_MR: dict[str, dict[str, float]] = {k: dict(zip(TISSUES, v, strict=True)) for k, v in _MR.items()}
"""MR signal per sequence class: fluid bright on T2 / STIR / PD, dark on T1 / FLAIR; fat suppressed on
PD (fat-saturated), STIR, DWI and T1C; gadolinium in vessels and organs on T1C; bright blood on SSFP."""
MR_NOISE = {"DWI": 2.2, "STIR": 1.5}
"""Noise relative to the other sequences (low signal-to-noise acquisitions)."""

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
        (0.02, 0.8, 0.3, 0.45, 0.35, 0.03, 0.4, 0.42, 0.9, 1.0, 0.04, 0.9, 0.05, 0.65, 0.5, 0.35, 0.55),
        strict=True,
    )
)
"""Echogenicity; blood (0.05) and blood pool (CONTRAST, 0.04) are anechoic values of their own, where
colour Doppler paints flow."""
NM_UPTAKE: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"BONE": 0.5, "CORTEX": 0.3, "KIDNEY": 0.5, "FLUID": 1.0, "BRAIN": -0.4},
    "HEART": {"MYO": 1.0, "MUSCLE": 0.1, "BLOOD": 0.05, "CONTRAST": -0.95},
    "NECK": {"GLAND": 1.0},
    "CHEST": {"LUNG": 0.8},
    "URINARYTRACT": {"KIDNEY": 1.0, "CONTRAST": 0.8},
    "HEAD": {"BRAIN": 0.9, "WHITE": -0.5, "FLUID": -0.85},
}
NM_POSTERIOR = {"BONE": 1.5, "CORTEX": 1.5, "KIDNEY": 2.0, "FLUID": 0.5, "GLAND": 0.6}
"""Uptake factors of the posterior view (spine and kidneys lie close to the back, bladder and thyroid
to the front)."""

PAL_MG = {**PAL_XRAY, "FAT": -0.2, "GLAND": 0.35, "MUSCLE": 0.3, "SOFT": 0.1}
"""Mammography: at 25-34 kVp fat and fibroglandular tissue differ far more than in a radiograph."""

PT_UPTAKE = dict(
    zip(
        TISSUES,
        (0.0, 0.4, 0.3, 0.8, 0.9, 0.2, 7.0, 2.5, 1.2, 0.5, 1.6, 0.0, 1.6, 1.8, 2.4, 3.5, 2.5),
        strict=True,
    )
)
"""Standardised uptake value per tissue: grey matter, kidneys and liver bright, lungs and fat faint."""
PT_REGION_UPTAKE: dict[str, dict[str, float]] = {
    "WHOLEBODY": {"FLUID": 5.0, "CONTRAST": 5.0},  # tracer excreted into the bladder
    "HEART": {"MYO": 6.0, "BLOOD": 0.9, "CONTRAST": 0.9},  # perfusion tracers: myocardium only
}
PT_BQML_PER_SUV = 5000.0
"""Activity concentration (Bq/ml) of one SUV: about 350 MBq injected into 70 kg."""
PT_LESIONS = (0, 4)
"""Hot lesions per series (drawn anywhere in the body, a few slices deep)."""

CT_KERNEL = {"SOFT": (0.0, 7.0, 1.0), "BONE": (1.5, 30.0, 0.0), "LUNG": (1.0, 22.0, 0.0)}
"""Per kernel class: edge enhancement (unsharp-mask amount), noise standard deviation (HU) and noise
correlation length (pixels): smooth kernels blur noise, sharp kernels show it grainy and strong."""

OBLIQUE_SQUEEZE = 0.72
"""Horizontal foreshortening of an oblique radiograph."""


@dataclass
class Style:
    """Per-series acquisition choices that shape the pixels (``appearance`` None: the most frequent one)."""

    modality: str
    region: str
    rows: int
    cols: int
    frames: int = 1
    appearance: Appearance | None = None
    monochrome1: bool = False  # CR / DX
    bits_stored: int = 12
    noise: float = 1.0
    pose: Pose = field(default_factory=Pose)
    anat_seed: int = 0

    @property
    def look(self) -> Appearance:
        return self.appearance or default_appearance(self.modality, self.region)


@dataclass
class Pixels:
    """Stored values and their description."""

    array: np.ndarray  # (rows, cols) | (frames, rows, cols) | (rows, cols, 3)
    photometric: str
    bits_allocated: int
    bits_stored: int
    rescale: tuple[float, float] | None = None  # (slope, intercept)
    window: tuple[list[float], list[float]] | None = None  # (centres, widths) suggestion


PLANE_VIEW = {
    "AX": "axial",
    "COR": "coronal",
    "SAG": "sagittal",
    "SA": "short",
    "TRANS": "axial",
    "LONG": "sagittal",
}
PROJECTION_VIEW = {
    "PA": "frontal",
    "AP": "ap",
    "LAT": "lateral",
    "OBLIQUE": "frontal",
    "CC": "cc",
    "MLO": "frontal",
    "LAO": "lao",
    "RAO": "rao",
    "ANT": "frontal",
    "POST": "frontal",
}


def drawing_view(style: Style) -> str:
    """The anatomy drawing an appearance needs (see :mod:`pacslabel.synth.anatomy`)."""
    look = style.look
    if look.mode == "MIP":
        return "coronal"  # the projection of the whole-body coronal drawing
    if look.plane == "A4C":
        return "axial"  # the four-chamber view is the heart's axial drawing
    if look.plane is not None:
        return PLANE_VIEW[look.plane]
    if look.view is not None:
        return PROJECTION_VIEW[look.view]
    return "frontal"


def palette_for(style: Style, rng: np.random.Generator) -> tuple[dict[str, float], str]:
    m = style.modality
    look = style.look
    if m == "CT":
        pal = dict(PAL_CT)
        pal.update(CT_PHASE[look.phase or "NONCONTRAST"])
        return pal, "set"
    if m == "MR":
        gain = float(rng.uniform(0.7, 1.6))
        pal = {k: v * gain * float(rng.uniform(0.9, 1.1)) for k, v in PAL_MR[look.sequence].items()}
        return pal, "set"
    if m == "US":
        return dict(PAL_US), "set"
    if m == "PT":
        pal = {**PT_UPTAKE, **PT_REGION_UPTAKE.get(style.region, {})}
        return pal, "add" if look.mode == "MIP" else "set"
    if m == "MG":
        return dict(PAL_MG), "add"
    if m == "NM":
        pal = dict.fromkeys(TISSUES, 0.0)
        pal["SOFT"] = 0.04
        pal.update(NM_UPTAKE.get(style.region, {}))
        if look.view == "POST":
            pal.update({k: pal[k] * f for k, f in NM_POSTERIOR.items()})
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


def _squeeze(img: np.ndarray, f: float, background: float) -> np.ndarray:
    """Foreshorten ``img`` horizontally by ``f`` about its centre."""
    h, w = img.shape
    nw = max(round(w * f), 1)
    out = np.full_like(img, background)
    c0 = (w - nw) // 2
    out[:, c0 : c0 + nw] = _resize(img, h, nw)
    return out


def tissue_map(style: Style, z: float, rng_noise: np.random.Generator) -> tuple[np.ndarray, dict]:
    """The drawn region at work resolution (float32) with its palette; jitter from ``style.anat_seed``."""
    anat = np.random.default_rng(style.anat_seed)
    pal, mode = palette_for(style, anat)
    wr, wc = _work_shape(style.rows, style.cols)
    pose = style.pose
    if style.frames == 1 and style.modality not in cat.SLICED:
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
    if style.look.view == "POST":
        pose = Pose(pose.rot, pose.scale, pose.dx, pose.dy, not pose.flip)  # seen from behind
    view = drawing_view(style)
    c = Canvas(wr, wc, pal, mode=mode, pose=pose)
    DRAW[style.region](c, anat, z, view)
    img = c.img
    if style.look.view == "OBLIQUE":
        img = _squeeze(img, OBLIQUE_SQUEEZE, 0.0)
    return img, {"canvas": c, "anat": anat, "pal": pal, "view": view}


def _layer(style: Style, ctx: dict, z: float, palette: dict[str, float]) -> np.ndarray:
    """The same drawing as ``ctx`` (same anatomy, same pose) with another palette, added up."""
    c0: Canvas = ctx["canvas"]
    c = Canvas(c0.h, c0.w, palette, mode="add", pose=c0.pose, background=0.0)
    DRAW[style.region](c, np.random.default_rng(style.anat_seed), z, ctx["view"])
    return c.img


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
    work, ctx = tissue_map(style, z, rng)
    return _RENDER[style.modality](style, work, ctx, rng, z)


def _ct(style: Style, work, ctx, rng, z) -> Pixels:
    kernel = style.look.kernel or "SOFT"
    sharpen, sd, corr = CT_KERNEL[kernel]
    work = work + _texture(work.shape, rng, 1.5, 8.0)
    if sharpen:  # edge overshoot, applied at work resolution (filtering the full image is slow)
        work += sharpen * (work - ndimage.gaussian_filter(work, 1.0))
    hu = _resize(work, style.rows, style.cols)
    hu += _noise(hu.shape, rng, corr) * (sd * style.noise)
    hu[~_fov_mask(style.rows, style.cols, 1.0)] = -1024.0
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


def _mr(style: Style, work, ctx, rng, z) -> Pixels:
    seq = style.look.sequence
    work = work * (1.0 + _texture(work.shape, rng, 2.0, 0.08))
    work = np.maximum(work, 0)
    if seq == "DWI":  # echo-planar: coarse matrix, blurry
        work = _resize(work, max(work.shape[0] // 2, 8), max(work.shape[1] // 2, 8))
    img = _resize(work, style.rows, style.cols)
    ramp = np.linspace(0.8, 1.2, style.cols, dtype=np.float32)[None, :]
    if rng.random() < 0.5:
        ramp = np.linspace(0.85, 1.15, style.rows, dtype=np.float32)[:, None]
    img *= ramp
    s = 12.0 * style.noise * MR_NOISE.get(seq, 1.0)
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


def _mammo(style: Style, work, ctx, rng, z) -> Pixels:
    """Mammogram: strong fat / gland contrast, fine parenchymal texture, a sharp skin line on a dark
    background, no collimation; the laterality marker sits in the corner away from the chest wall."""
    rows, cols = style.rows, style.cols
    p = np.maximum(_resize(work, rows, cols), 0.0)
    breast = p > 0.3
    p = p + breast * _texture((rows, cols), rng, max(rows / 300.0, 0.8), 0.06)
    top = (1 << style.bits_stored) - 1
    v = top * (0.02 + float(rng.uniform(0.8, 0.95)) * (1.0 - np.exp(-1.3 * np.maximum(p, 0.0))))
    v += _noise(v.shape, rng) * (top * 0.006 * style.noise)
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


def _fluoro(style: Style, work, ctx, rng, z) -> Pixels:
    """XA / RF: dense is dark, circular intensifier field; XA runs fill with contrast over the frames,
    DSA subtracts the anatomy; RF spot images are low-noise, fluoroscopy sequences noisy."""
    mode = style.look.mode
    top = (1 << style.bits_stored) - 1
    layer = _xa_layer(style, ctx)
    vessels = None if layer is None else _resize(layer, style.rows, style.cols)
    anat = _resize(work, style.rows, style.cols)
    mask = _fov_mask(style.rows, style.cols, round(float(rng.uniform(0.92, 1.1)), 2))
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
        img += _noise(img.shape, rng) * (top * noise)
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


def _nm_frame(act: np.ndarray, counts: float, rng: np.random.Generator) -> np.ndarray:
    peak = float(act.max()) or 1.0
    return rng.poisson(np.maximum(act, 0.0) / peak * counts + 0.3)


def _nm(style: Style, work, ctx, rng, z) -> Pixels:
    """Planar: one static view; SPECT: reconstructed slices (smooth, low counts); dynamic: a time series
    in which the kidneys take up and wash out while the bladder fills."""
    mode = style.look.mode
    rows, cols = style.rows, style.cols
    sigma = max(rows / 96.0, 0.8) * (1.8 if mode == "SPECT" else 1.0)

    def blur(img: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(np.maximum(_resize(img, rows, cols), 0.0), sigma)

    frames = []
    if mode == "SPECT":
        near, far = blur(work), blur(tissue_map(style, z + 0.5, rng)[0])
        counts = float(rng.uniform(20, 80))
        for f in range(style.frames):
            t = f / max(style.frames - 1, 1)
            frames.append(_nm_frame((1 - t) * near + t * far, counts, rng))
    elif mode == "DYNAMIC":
        kidney = blur(_layer(style, ctx, z, {"KIDNEY": 1.0}))
        bladder = blur(_layer(style, ctx, z, {"CONTRAST": 0.8, "FLUID": 1.0}))
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


def _pt(style: Style, work, ctx, rng, z) -> Pixels:
    """PET: tracer uptake (plus hot lesions) blurred to the scanner's resolution with counting noise,
    stored as Bq/ml through a per-image rescale slope. Without attenuation correction the centre of the
    body fades and the skin glows; the maximum intensity projection is shown black on white."""
    rows, cols = style.rows, style.cols
    act = np.maximum(_resize(work, rows, cols), 0.0)
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


def _nearest(mask: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return np.asarray(Image.fromarray(mask.astype(np.uint8)).resize((cols, rows), Image.NEAREST)).astype(bool)


def _doppler(flow: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Colour flow in a colour box over ``flow`` (blood fraction per pixel): (red, blue, box), red
    towards the probe and blue away (by vessel), a little colour noise where nothing flows."""
    rows, cols = flow.shape
    r0, r1 = int(rows * rng.uniform(0.12, 0.25)), int(rows * rng.uniform(0.55, 0.75))
    c0, c1 = int(cols * rng.uniform(0.25, 0.4)), int(cols * rng.uniform(0.6, 0.75))
    box = np.zeros((rows, cols), dtype=bool)
    box[r0:r1, c0:c1] = True
    vessel = (flow > 0.5) & box
    y = np.arange(rows, dtype=np.float32)[:, None]
    x = np.arange(cols, dtype=np.float32)[None, :]
    if vessel.sum() < 0.01 * box.sum():  # nothing flows in the box: a vessel crossing it
        wave = np.sin(x / cols * float(rng.uniform(3, 8))) * rows * 0.04
        centre = (r0 + r1) / 2 + (x - cols / 2) * float(rng.uniform(-0.3, 0.3)) + wave
        vessel = (np.abs(y - centre) < max(rows // 70, 1)) & box
    colour = vessel | ((_noise((rows, cols), rng, 1.0) > 2.2) & box)
    k = 2 * np.pi / rows * float(rng.uniform(1.0, 2.5))
    direction = np.sin(k * (y * float(rng.uniform(0.5, 1.0)) + x * float(rng.uniform(-0.5, 0.5)))) > 0
    return colour & direction, colour & ~direction, (r0, r1, c0, c1)


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
    bar_rows = slice(rows // 4, rows // 4 + rows // 3)
    bar_cols = slice(cols - max(cols // 40, 2), cols)
    if style.look.mode == "DOPPLER":
        blood = np.isin(work, np.float32([PAL_US["BLOOD"], PAL_US["CONTRAST"]])).astype(np.float32)
        red, blue, (r0, r1, c0, c1) = _doppler(_resize(blood, hr, hc) * fan, rng)
        rgb[_nearest(red, rows, cols)] = (220, 40, 30)
        rgb[_nearest(blue, rows, cols)] = (30, 80, 230)
        for r in (2 * r0, 2 * r1 - 1):
            rgb[r, 2 * c0 : 2 * c1] = 160
        for c in (2 * c0, 2 * c1 - 1):
            rgb[2 * r0 : 2 * r1, c] = 160
        bar = np.linspace(-1, 1, rows // 3, dtype=np.float32)[:, None]
        rgb[bar_rows, bar_cols, 0] = np.clip(-bar, 0, 1) * 230
        rgb[bar_rows, bar_cols, 1] = 40
        rgb[bar_rows, bar_cols, 2] = np.clip(bar, 0, 1) * 230
    else:
        rgb[bar_rows, bar_cols, :] = np.linspace(255, 0, rows // 3, dtype=np.float32)[:, None, None]
    rgb[: max(rows // 30, 2), : cols // 3] = 180  # annotation bar
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
    "MG": _mammo,
    "PT": _pt,
}
