"""The drawing of each region by name (:data:`DRAW`), and the whole body, whose sections are other
regions' drawings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pacslabel.synth.anatomy.abdomen import draw_abdomen, draw_gitract, draw_pelvis, draw_urinarytract
from pacslabel.synth.anatomy.chest import draw_breast, draw_chest, draw_heart
from pacslabel.synth.anatomy.head import draw_head, draw_neck, draw_sinus, draw_skull
from pacslabel.synth.anatomy.limbs import draw_elbow, draw_foot, draw_hand, draw_hip, draw_knee, draw_shoulder
from pacslabel.synth.anatomy.parts import factor, jitter
from pacslabel.synth.anatomy.spine import draw_cspine, draw_lspine, draw_tspine
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def draw_wholebody(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        region = "HEAD" if z < -0.5 else "CHEST" if z < 0.0 else "ABDOMEN" if z < 0.5 else "PELVIS"
        DRAW[region](c, rng, 0.0, view)
        return
    if view == "coronal":
        _wholebody_coronal(c, rng, z)
        return
    # anterior whole-body figure, about 4:1 tall; x spans +-aspect
    sx = c.aspect / 0.27
    y = lambda v: v  # noqa: E731
    c.ellipse(0, y(-0.86), 0.08 * sx, 0.1, "CORTEX", over="AIR")
    c.ellipse(0, y(-0.86), 0.065 * sx, 0.085, "BRAIN", over="CORTEX")
    c.polyline(np.array([[0, -0.75], [0, 0.0]]), 0.035 * sx, "BONE", over="AIR")
    for i in range(8):
        yy = -0.62 + i * 0.065
        c.arc(0, yy + 0.04, 0.14 * sx, 0.05, 180, 360, 0.012 * sx, "BONE", over="AIR")
    c.ellipse(0, 0.07, 0.14 * sx, 0.07, "BONE", over="AIR")
    c.ellipse(0, 0.08, 0.08 * sx, 0.04, "AIR", over="BONE")
    arm = rng.uniform(0.0, 0.03)
    for s in (-1, 1):
        c.polyline(np.array([[s * 0.03 * sx, -0.67], [s * 0.15 * sx, -0.66]]), 0.015 * sx, "BONE", over="AIR")
        c.polyline(
            np.array([[s * 0.17 * sx, -0.64], [s * (0.2 + arm) * sx, -0.3], [s * (0.22 + arm) * sx, 0.05]]),
            0.025 * sx,
            "BONE",
            over="AIR",
        )
        c.polyline(
            np.array([[s * 0.08 * sx, 0.1], [s * 0.09 * sx, 0.5], [s * 0.08 * sx, 0.95]]),
            0.035 * sx,
            "BONE",
            over="AIR",
        )
        c.ellipse(s * 0.05 * sx, -0.25, 0.03 * sx, 0.05, "KIDNEY", over="AIR")
    c.ellipse(0, 0.13, 0.04 * sx, 0.025, "FLUID", over="AIR")


def _wholebody_coronal(c: Canvas, rng: Rng, z: float) -> None:
    """Coronal section of the whole body (PET / CT), on a canvas about twice as tall as wide: head and
    brain, trunk with lungs, heart, liver, spleen and kidneys, pelvis and bladder, arms and legs;
    ``z`` moves the section from front (-1) to back (1)."""
    depth = 1.0 - 0.5 * abs(z)
    c.ellipse(0, -0.85, 0.11 * factor(rng), 0.12, "SOFT", over="AIR")
    c.ellipse(0, -0.855, 0.09 * factor(rng), 0.1, "BRAIN", over="SOFT")
    c.ellipse(0, -0.845, 0.06, 0.07, "WHITE", over="BRAIN")
    c.ellipse(0, -0.7, 0.055, 0.06, "SOFT", p=4, over="AIR")
    c.ellipse(0, -0.33, 0.23 * factor(rng) * depth, 0.36, "SOFT", p=4, over="AIR")
    c.ellipse(0, 0.12, 0.21 * depth, 0.13, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.polyline(
            np.array([[s * 0.24, -0.6], [s * (0.3 + jitter(rng, 0.01)), -0.2], [s * 0.31, 0.12]]),
            0.07,
            "SOFT",
        )
        c.polyline(np.array([[s * 0.09, 0.18], [s * 0.1, 0.58], [s * 0.1, 0.98]]), 0.13 * factor(rng), "SOFT")
        c.polyline(np.array([[s * 0.09, 0.2], [s * 0.1, 0.6]]), 0.04, "BONE", over="SOFT")
        c.ellipse(s * 0.1, -0.42, 0.08 * depth, 0.17, "LUNG", over="SOFT")
        c.ellipse(s * 0.08, -0.02, 0.035, 0.055, "KIDNEY", ang=s * 10, over="SOFT")
    c.ellipse(0.04, -0.3, 0.07 * factor(rng, 0.1), 0.06, "MYO", over="LUNG")
    c.ellipse(0.04, -0.3, 0.035, 0.03, "BLOOD", over="MYO")
    c.ellipse(-0.09, -0.14, 0.12 * depth, 0.07, "ORGAN", over="SOFT")
    c.ellipse(0.13 * depth, -0.15, 0.05, 0.05, "GLAND", over="SOFT")
    c.polyline(np.array([[0, -0.62], [0, 0.08]]), 0.03, "BONE", over="SOFT")
    c.ellipse(0, 0.16, 0.05 * factor(rng, 0.2), 0.035, "FLUID", over="SOFT")


DRAW: dict[str, Callable[[Canvas, Rng, float, str], None]] = {
    "HEAD": draw_head,
    "NECK": draw_neck,
    "CSPINE": draw_cspine,
    "TSPINE": draw_tspine,
    "LSPINE": draw_lspine,
    "CHEST": draw_chest,
    "ABDOMEN": draw_abdomen,
    "PELVIS": draw_pelvis,
    "SHOULDER": draw_shoulder,
    "ELBOW": draw_elbow,
    "HAND": draw_hand,
    "HIP": draw_hip,
    "KNEE": draw_knee,
    "FOOT": draw_foot,
    "HEART": draw_heart,
    "BREAST": draw_breast,
    "URINARYTRACT": draw_urinarytract,
    "GITRACT": draw_gitract,
    "SKULL": draw_skull,
    "SINUS": draw_sinus,
    "WHOLEBODY": draw_wholebody,
}
