"""Contrast-filled vessel trees and the left ventricle, drawn on an angiography run's own layer."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.parts import factor, jitter
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def _vessel_tree(
    c: Canvas, rng: Rng, x: float, y: float, ang: float, length: float, width: float, depth: int
):
    """Random branching vessels (angles in degrees, 90 = down)."""
    if depth <= 0 or width < 0.004:
        return
    n = 5
    pts = [(x, y)]
    a = np.radians(ang)
    for _ in range(n):
        a += rng.normal(0.0, 0.25)
        x += length / n * np.cos(a)
        y += length / n * np.sin(a)
        pts.append((x, y))
    c.polyline(np.array(pts), width, "CONTRAST")
    for _ in range(2):
        _vessel_tree(c, rng, x, y, np.degrees(a) + rng.uniform(-50, 50), length * 0.7, width * 0.7, depth - 1)


VESSEL_ROOTS: dict[str, tuple[tuple[float, float, float, float, float], ...]] = {
    # region: (x, y, angle, length, width) starting points of the contrast-filled arteries
    "HEART": ((-0.1, -0.3, 120, 0.45, 0.05), (0.05, -0.3, 30, 0.4, 0.045)),
    "HEAD": ((0.0, 0.8, -90, 0.5, 0.05), (-0.1, 0.8, -110, 0.45, 0.04)),
    "NECK": ((-0.15, 1.0, -92, 0.9, 0.06), (0.15, 1.0, -88, 0.9, 0.06)),
    "ABDOMEN": ((0.0, -1.0, 90, 0.9, 0.09),),
    "PELVIS": ((0.0, -0.9, 60, 0.6, 0.07), (0.0, -0.9, 120, 0.6, 0.07)),
    "URINARYTRACT": ((0.0, -0.2, 10, 0.35, 0.05), (0.0, -0.2, 170, 0.35, 0.05)),
    "KNEE": ((0.05, -1.0, 90, 1.0, 0.05),),
}


def draw_vessels(c: Canvas, rng: Rng, region: str) -> None:
    for x, y, ang, length, width in VESSEL_ROOTS.get(region, VESSEL_ROOTS["HEART"]):
        _vessel_tree(c, rng, x + jitter(rng), y + jitter(rng), ang + rng.normal(0, 10), length, width, 4)


def draw_ventricle(c: Canvas, rng: Rng) -> None:
    """Left ventriculography: the contrast-filled left ventricle and aortic root (right anterior oblique)."""
    c.ellipse(
        0.0 + jitter(rng), 0.25, 0.36 * factor(rng), 0.22 * factor(rng), "CONTRAST", ang=-25 + jitter(rng, 5)
    )
    c.polyline(np.array([[-0.25, 0.12], [-0.3, -0.2], [-0.15, -0.5]]), 0.1, "CONTRAST")
