"""Ultrasound renderer: speckle in a sector, colour Doppler in a colour box, stored as RGB."""

from __future__ import annotations

import numpy as np
from PIL import Image

from pacslabel.synth.render.palettes import PAL_US
from pacslabel.synth.render.raster import noise_window, resize
from pacslabel.synth.render.style import Pixels, Style


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
    colour = vessel | ((noise_window((rows, cols), rng, 1.0) > 2.2) & box)
    k = 2 * np.pi / rows * float(rng.uniform(1.0, 2.5))
    direction = np.sin(k * (y * float(rng.uniform(0.5, 1.0)) + x * float(rng.uniform(-0.5, 0.5)))) > 0
    return colour & direction, colour & ~direction, (r0, r1, c0, c1)


def render_us(style: Style, work, ctx, rng, z) -> Pixels:
    rows, cols = style.rows, style.cols
    hr, hc = rows // 2, cols // 2
    e = resize(work, hr, hc)
    speckle = 0.6 + 0.5 * np.abs(noise_window((hr, hc), rng, 1.0))  # grain of mean 1, sd 0.3
    g = np.clip(e * speckle * 1.3, 0, 1.2)
    y = np.arange(hr, dtype=np.float32)[:, None] / hr
    x = (np.arange(hc, dtype=np.float32)[None, :] - hc / 2) / hr
    ang = np.arctan2(x, y + 0.08)
    rad = np.sqrt(x * x + (y + 0.08) ** 2)
    half = np.radians(float(rng.uniform(30, 42)))
    fan = (np.abs(ang) <= half) & (rad >= 0.12) & (rad <= 0.98)
    g = g * (1.0 - 0.45 * y)  # depth attenuation
    g[~fan] = 0.0
    gray = np.clip(resize(g, rows, cols) * 220.0, 0, 255)
    rgb = np.repeat(gray[:, :, None], 3, axis=2)
    bar_rows = slice(rows // 4, rows // 4 + rows // 3)
    bar_cols = slice(cols - max(cols // 40, 2), cols)
    if style.look.mode == "DOPPLER":
        blood = np.isin(work, np.float32([PAL_US["BLOOD"], PAL_US["CONTRAST"]])).astype(np.float32)
        red, blue, (r0, r1, c0, c1) = _doppler(resize(blood, hr, hc) * fan, rng)
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
