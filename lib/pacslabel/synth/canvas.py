"""Vectorised drawing of tissue maps: superellipses and thick polylines in normalised coordinates.

Coordinates: y runs from -1 (top) to 1 (bottom) over the rows, x from -aspect to aspect over the columns
(aspect = columns / rows), so one unit is the same number of pixels in both directions. A global pose
(rotation, scale, shift) is applied to every shape, which is how two images of one region differ.

Two modes:
- ``"set"`` (cross-sections, ultrasound): a shape paints its tissue value (painter's order).
- ``"add"`` (projections: radiographs, fluoroscopy, scintigraphy): a shape adds its value times a
  rounded thickness profile ``sqrt(1 - r)``, so overlapping structures sum as in an X-ray.
  ``over=`` names the tissue a shape replaces, so a lung inside the chest adds ``lung - soft``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pose:
    rot: float = 0.0  # radians
    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0
    flip: bool = False  # mirror left-right (laterality)


class Canvas:
    """A float32 image of shape (h, w) plus a palette {tissue: value} and a pose."""

    def __init__(
        self,
        h: int,
        w: int,
        palette: dict[str, float],
        mode: str = "set",
        pose: Pose | None = None,
        background: float | None = None,
    ):
        self.h, self.w = h, w
        self.palette = palette
        self.mode = mode
        self.pose = pose or Pose()
        if background is None:
            background = 0.0 if mode == "add" else palette.get("AIR", 0.0)
        bg = background
        self.img = np.full((h, w), bg, dtype=np.float32)
        self.unit = (h - 1) / 2.0  # pixels per unit
        self.aspect = w / h
        self._c = math.cos(self.pose.rot)
        self._s = math.sin(self.pose.rot)

    # -- geometry -------------------------------------------------------------------------------
    def _xf(self, x: float, y: float) -> tuple[float, float]:
        p = self.pose
        if p.flip:
            x = -x
        xr = (x * self._c - y * self._s) * p.scale + p.dx
        yr = (x * self._s + y * self._c) * p.scale + p.dy
        return xr, yr

    def _to_px(self, x: float, y: float) -> tuple[float, float]:
        return (x + self.aspect) * self.unit, (y + 1.0) * self.unit

    def _value(self, tissue: str | float, over: str | None) -> float:
        if isinstance(tissue, float | int):
            v = tissue
        elif tissue == "RIB":
            v = self.palette.get("RIB", self.palette.get("BONE", 0.0))
        else:
            v = self.palette.get(tissue, 0.0)
        if self.mode == "add" and over is not None:
            v -= self.palette.get(over, 0.0)
        return float(v)

    def _window(self, px: float, py: float, r: float):
        r0 = max(int(py - r) - 1, 0)
        r1 = min(int(py + r) + 2, self.h)
        c0 = max(int(px - r) - 1, 0)
        c1 = min(int(px + r) + 2, self.w)
        if r0 >= r1 or c0 >= c1:
            return None
        ys = (np.arange(r0, r1, dtype=np.float32) - py)[:, None]
        xs = (np.arange(c0, c1, dtype=np.float32) - px)[None, :]
        return (slice(r0, r1), slice(c0, c1)), xs, ys

    def _paint(self, sl, inside: np.ndarray, r: np.ndarray, value: float) -> None:
        if self.mode == "set":
            self.img[sl][inside] = value
        else:
            prof = np.sqrt(np.clip(1.0 - r, 0.0, 1.0))
            self.img[sl] += value * prof

    # -- shapes ---------------------------------------------------------------------------------
    def ellipse(
        self,
        cx: float,
        cy: float,
        a: float,
        b: float,
        tissue: str | float,
        ang: float = 0.0,
        p: float = 2.0,
        over: str | None = None,
    ) -> None:
        """Superellipse |u/a|^p + |v/b|^p <= 1 (p=2 ellipse, p=4 rounded box); ang in degrees."""
        x, y = self._xf(cx, cy)
        px, py = self._to_px(x, y)
        s = self.pose.scale * self.unit
        ap, bp = max(a * s, 0.5), max(b * s, 0.5)
        win = self._window(px, py, max(ap, bp) * (1.42 if p > 2 else 1.0))
        if win is None:
            return
        sl, xs, ys = win
        t = (-math.radians(ang) if self.pose.flip else math.radians(ang)) + self.pose.rot
        c, sn = math.cos(t), math.sin(t)
        u = (xs * c + ys * sn) / ap
        v = (-xs * sn + ys * c) / bp
        u2, v2 = u * u, v * v
        if p == 2.0:
            r = u2 + v2
        elif p == 4.0:
            r = u2 * u2 + v2 * v2
        elif p == 3.0:
            r = np.abs(u) * u2 + np.abs(v) * v2
        else:
            r = np.abs(u) ** p + np.abs(v) ** p
        inside = r <= 1.0
        self._paint(sl, inside, r, self._value(tissue, over))

    def polyline(
        self,
        points: np.ndarray,
        width: float,
        tissue: str | float,
        over: str | None = None,
    ) -> None:
        """Thick polyline through points (n, 2) in normalised coordinates, width in units."""
        pts = np.array([self._to_px(*self._xf(float(x), float(y))) for x, y in points], dtype=np.float32)
        half = max(width * self.pose.scale * self.unit / 2.0, 0.6)
        lo = pts.min(axis=0) - half - 1
        hi = pts.max(axis=0) + half + 2
        r0, r1 = max(int(lo[1]), 0), min(int(hi[1]), self.h)
        c0, c1 = max(int(lo[0]), 0), min(int(hi[0]), self.w)
        if r0 >= r1 or c0 >= c1:
            return
        ys = np.arange(r0, r1, dtype=np.float32)[:, None]
        xs = np.arange(c0, c1, dtype=np.float32)[None, :]
        d2 = np.full((r1 - r0, c1 - c0), np.inf, dtype=np.float32)
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            ex, ey = x1 - x0, y1 - y0
            ll = ex * ex + ey * ey
            t = np.zeros_like(d2) if ll < 1e-06 else np.clip(((xs - x0) * ex + (ys - y0) * ey) / ll, 0.0, 1.0)
            dx = xs - (x0 + t * ex)
            dy = ys - (y0 + t * ey)
            np.minimum(d2, dx * dx + dy * dy, out=d2)
        r = d2 / (half * half)
        self._paint((slice(r0, r1), slice(c0, c1)), r <= 1.0, r, self._value(tissue, over))

    def arc(
        self,
        cx: float,
        cy: float,
        a: float,
        b: float,
        t0: float,
        t1: float,
        width: float,
        tissue: str | float,
        n: int = 10,
        over: str | None = None,
    ) -> None:
        """Thick elliptical arc from angle t0 to t1 (degrees, 0 = +x, 90 = +y/down)."""
        t = np.radians(np.linspace(t0, t1, n))
        pts = np.stack([cx + a * np.cos(t), cy + b * np.sin(t)], axis=1)
        self.polyline(pts, width, tissue, over=over)
