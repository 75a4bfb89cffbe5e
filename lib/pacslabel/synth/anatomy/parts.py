"""Pieces the region drawings share: random jitter and size factors, long bones, ribs, a vertebra
in axial section."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def jitter(rng: Rng, s: float = 0.03) -> float:
    """A small random offset: normal, of standard deviation ``s``."""
    return float(rng.normal(0.0, s))


def factor(rng: Rng, s: float = 0.06) -> float:
    """A random size factor near 1: log-normal, of log standard deviation ``s``."""
    return float(np.exp(rng.normal(0.0, s)))


def long_bone(c: Canvas, x0, y0, x1, y1, w, over="SOFT") -> None:
    """A long bone: cortex tube with marrow inside."""
    pts = np.array([[x0, y0], [x1, y1]])
    c.polyline(pts, w, "CORTEX", over=over)
    c.polyline(pts, w * 0.55, "BONE", over="CORTEX")


RIB = "RIB"
"""Ribs are thin: a tissue of their own, fainter than long bones in projections."""


def vertebra_axial(c: Canvas, rng: Rng, y: float, s: float) -> None:
    c.ellipse(0, y, 0.16 * s, 0.13 * s, "CORTEX", over="SOFT")
    c.ellipse(0, y, 0.13 * s, 0.1 * s, "BONE", over="CORTEX")
    c.ellipse(0, y + 0.19 * s, 0.07 * s, 0.06 * s, "FLUID", over="SOFT")
    c.arc(0, y + 0.19 * s, 0.11 * s, 0.1 * s, -10, 190, 0.035 * s, "CORTEX", over="SOFT")
    c.polyline(np.array([[0, y + 0.28 * s], [0, y + 0.42 * s]]), 0.05 * s, "CORTEX", over="SOFT")
    for side in (-1, 1):
        c.polyline(
            np.array([[side * 0.08 * s, y + 0.12 * s], [side * 0.3 * s, y + 0.15 * s]]),
            0.05 * s,
            "CORTEX",
            over="SOFT",
        )
