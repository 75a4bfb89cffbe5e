"""Procedural anatomy: one drawing per region, as tissue shapes on a :class:`Canvas`.

Each ``draw_<region>(c, rng, z, view)`` paints tissues named by the palette keys (AIR, LUNG, FAT, SOFT,
MUSCLE, FLUID, BRAIN, WHITE, BONE, CORTEX, CONTRAST, GAS, BLOOD, GLAND, ORGAN, KIDNEY, MYO).
``view`` is "axial", "coronal", "sagittal" or "short" (cardiac short axis) for cross-sections at
position ``z`` in [-1, 1], and "frontal", "ap", "lateral", "cc", "lao" or "rao" for projections; a
drawing without a picture of its own for a view draws its default one. Every call jitters sizes and
positions, so no two images are identical, while the layout that identifies a region (round skull,
lungs and ribs, vertebra column, fingers...) stays.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def _j(rng: Rng, s: float = 0.03) -> float:
    return float(rng.normal(0.0, s))


def _k(rng: Rng, s: float = 0.06) -> float:
    return float(np.exp(rng.normal(0.0, s)))


def _bone(c: Canvas, x0, y0, x1, y1, w, over="SOFT") -> None:
    """A long bone: cortex tube with marrow inside."""
    pts = np.array([[x0, y0], [x1, y1]])
    c.polyline(pts, w, "CORTEX", over=over)
    c.polyline(pts, w * 0.55, "BONE", over="CORTEX")


def _limb(c: Canvas, x0, y0, x1, y1, w) -> None:
    c.polyline(np.array([[x0, y0], [x1, y1]]), w, "SOFT", over="AIR")


# ---- head and neck ---------------------------------------------------------------------------------


def draw_head(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "sagittal":
        _head_sagittal(c, rng, z)
        return
    if view == "coronal":
        _head_coronal(c, rng, z)
        return
    if view == "lateral":
        _skull_lateral(c, rng)
        return
    k = float(np.sqrt(max(1.0 - (0.75 * z) ** 2, 0.15))) * _k(rng)
    a, b = 0.62 * k * _k(rng, 0.04), 0.78 * k * _k(rng, 0.04)
    c.ellipse(0, 0, a, b, "SOFT", over="AIR")
    c.ellipse(0, 0, a * 0.94, b * 0.95, "CORTEX", over="SOFT")
    c.ellipse(0, 0, a * 0.86, b * 0.89, "BRAIN", over="CORTEX")
    c.ellipse(0, 0.02, a * 0.62, b * 0.68, "WHITE", over="BRAIN")
    if z > -0.5:
        for s in (-1, 1):
            c.ellipse(
                s * 0.07 * k,
                -0.06 + _j(rng, 0.02),
                0.045 * k,
                0.2 * k,
                "FLUID",
                ang=s * 12 + _j(rng, 4),
                over="WHITE",
            )
            c.ellipse(s * 0.22 * k, -0.02, 0.02, 0.02, "BLOOD", over="WHITE")  # middle cerebral arteries
        c.polyline(np.array([[0, -b * 0.85], [0, -0.3 * b]]), 0.012, "FLUID", over="BRAIN")
        c.ellipse(0, b * 0.86, 0.035, 0.025, "BLOOD", over="BRAIN")  # superior sagittal sinus
        for t in rng.uniform(0, 2 * np.pi, 10):  # cortical vessels
            c.ellipse(0.8 * a * np.cos(t), 0.82 * b * np.sin(t), 0.012, 0.012, "BLOOD", over="BRAIN")
    else:
        for s in (-1, 1):
            c.ellipse(s * 0.25 * k, -0.62 * b, 0.12 * k, 0.1 * k, "FAT", over="BRAIN")
        c.ellipse(0, 0.45 * b, 0.25 * k, 0.2 * k, "BONE", over="BRAIN")
        c.ellipse(0, 0.1 * b, 0.03, 0.03, "BLOOD", over="BRAIN")  # basilar artery


def _head_sagittal(c: Canvas, rng: Rng, z: float) -> None:
    """Midline-ish sagittal section: anterior to the left, posterior to the right."""
    k = float(np.sqrt(max(1.0 - (0.5 * z) ** 2, 0.3)))
    a, b, cy = 0.76 * _k(rng, 0.04), 0.62 * _k(rng, 0.04), -0.22 + _j(rng, 0.02)
    c.polyline(np.array([[0.18, 0.45], [0.24, 1.2]]), 0.5, "SOFT", over="AIR")  # neck
    c.ellipse(-0.48, 0.3, 0.3, 0.34, "SOFT", over="AIR")  # face
    c.ellipse(0.05, cy, a, b, "SOFT", over="AIR")
    c.ellipse(0.05, cy, a * 0.94, b * 0.93, "CORTEX", over="SOFT")
    c.ellipse(0.05, cy, a * 0.87, b * 0.85, "BRAIN", over="CORTEX")
    c.ellipse(0.0, cy - 0.04, a * 0.62 * k, b * 0.5 * k, "WHITE", over="BRAIN")
    if abs(z) < 0.5:
        c.arc(0.0, cy + 0.06, 0.3, 0.16, 190, 350, 0.045, "WHITE", over="BRAIN")  # corpus callosum
        c.ellipse(0.0, cy + 0.05, 0.2, 0.05, "FLUID", over="WHITE")  # lateral ventricle
        c.polyline(np.array([[0.12, cy + 0.25], [0.2, cy + 0.6], [0.22, 0.9]]), 0.11, "WHITE", over="SOFT")
        c.ellipse(0.3, cy + 0.46, 0.035, 0.07, "FLUID", over="WHITE")  # fourth ventricle
    c.ellipse(0.45, cy + b * 0.62, 0.24, 0.14, "BRAIN", over="SOFT")  # cerebellum
    c.ellipse(0.45, cy + b * 0.62, 0.13, 0.06, "WHITE", over="BRAIN")
    c.arc(0.05, cy, a * 0.9, b * 0.88, 200, 340, 0.025, "BLOOD", over="BRAIN")  # sagittal sinus
    c.ellipse(-0.6, 0.08, 0.1, 0.08, "FAT", over="SOFT")  # orbit
    c.ellipse(-0.45, 0.33, 0.13, 0.1, "GAS", over="SOFT")  # nasal cavity
    c.ellipse(-0.3, 0.58, 0.22, 0.1, "MUSCLE", over="SOFT")  # tongue
    for i in range(4):
        c.ellipse(0.28, 0.62 + i * 0.14, 0.07, 0.05, "BONE", p=4, over="SOFT")  # upper cervical spine


def _head_coronal(c: Canvas, rng: Rng, z: float) -> None:
    k = float(np.sqrt(max(1.0 - (0.6 * z) ** 2, 0.3)))
    a, b, cy = 0.7 * _k(rng, 0.04), 0.66 * _k(rng, 0.04), -0.18
    c.polyline(np.array([[0.0, 0.4], [0.0, 1.2]]), 0.55, "SOFT", over="AIR")  # neck
    c.ellipse(0, cy, a, b, "SOFT", over="AIR")
    c.ellipse(0, cy, a * 0.94, b * 0.93, "CORTEX", over="SOFT")
    c.ellipse(0, cy, a * 0.87, b * 0.86, "BRAIN", over="CORTEX")
    c.ellipse(0, cy - 0.08, a * 0.6 * k, b * 0.45 * k, "WHITE", over="BRAIN")
    for s in (-1, 1):
        c.ellipse(
            s * 0.1, cy - 0.02, 0.035, 0.14 * k, "FLUID", ang=-s * 18, over="WHITE"
        )  # lateral ventricles
        c.ellipse(s * 0.42, cy + 0.4, 0.18, 0.17, "BRAIN", over="SOFT")  # temporal lobes
        c.polyline(np.array([[s * 0.18, cy + 0.18], [s * 0.5, cy + 0.12]]), 0.015, "FLUID", over="BRAIN")
    c.ellipse(0, cy + 0.12, 0.02, 0.06, "FLUID", over="WHITE")  # third ventricle
    c.polyline(np.array([[0.0, cy + 0.25], [0.0, 0.75]]), 0.14, "WHITE", over="SOFT")  # brainstem
    c.ellipse(0, cy - b * 0.88, 0.04, 0.03, "BLOOD", over="BRAIN")  # superior sagittal sinus
    c.polyline(np.array([[-0.45, cy + 0.62], [0.45, cy + 0.62]]), 0.05, "CORTEX", over="SOFT")  # skull base


def draw_skull(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_head(c, rng, 0.7 * abs(z) + 0.1, view)
        c.polyline(np.array([[0.3, -0.5], [0.45 + _j(rng), -0.2]]), 0.01, "SOFT", over="CORTEX")
        return
    if view in ("lateral", "sagittal"):
        _skull_lateral(c, rng)
        return
    # PA skull radiograph: round vault, orbits, petrous ridges, nasal cavity, maxillary sinuses, mandible
    a, b = 0.68 * _k(rng), 0.7 * _k(rng)
    c.ellipse(0, -0.2, a + 0.05, b + 0.05, "SOFT", over="AIR")
    c.ellipse(0, 0.45, 0.45, 0.4, "SOFT", over="AIR")
    c.ellipse(0, -0.2, a, b, "CORTEX", over="SOFT")
    c.ellipse(0, -0.2, a * 0.9, b * 0.9, "BRAIN", over="CORTEX")
    for s in (-1, 1):
        c.ellipse(s * 0.24, 0.1 + _j(rng, 0.02), 0.15, 0.13, "FAT", over="BRAIN")
        c.arc(s * 0.24, 0.1, 0.16, 0.14, 0, 360, 0.025, "CORTEX", n=16, over="BRAIN")
        c.polyline(
            np.array([[s * 0.1, 0.02], [s * 0.55, -0.04 + _j(rng, 0.02)]]), 0.05, "CORTEX", over="BRAIN"
        )
        c.ellipse(s * 0.22, 0.4, 0.12, 0.1, "GAS", over="SOFT")
    c.ellipse(0, 0.35, 0.06, 0.13, "GAS", over="SOFT")
    c.arc(0, 0.3, 0.45, 0.42, 15, 165, 0.07, "CORTEX", over="SOFT")


def _skull_lateral(c: Canvas, rng: Rng) -> None:
    """Lateral skull radiograph / sagittal section: vault, face, mandible, sella, sinuses."""
    a, b = 0.78 * _k(rng), 0.62 * _k(rng)
    cy = -0.12 + _j(rng)
    c.ellipse(0.05, cy, a + 0.05, b + 0.05, "SOFT", over="AIR")
    c.ellipse(0.05, cy, a, b, "CORTEX", over="SOFT")
    c.ellipse(0.05, cy, a * 0.9, b * 0.88, "BRAIN", over="CORTEX")
    c.ellipse(-0.55, 0.38, 0.3, 0.32, "BONE", p=3, over="SOFT")  # face
    c.ellipse(-0.6, 0.12, 0.13, 0.12, "FAT", over="BONE")  # orbit
    c.ellipse(-0.52, 0.38, 0.14, 0.11, "GAS", over="BONE")  # maxillary sinus
    c.ellipse(-0.66, -0.12, 0.07, 0.06, "GAS", over="CORTEX")  # frontal sinus
    c.arc(-0.2, 0.45, 0.45, 0.35, 30, 150, 0.08, "CORTEX", over="SOFT")  # mandible
    c.ellipse(0.05, 0.1, 0.07, 0.05, "FLUID", over="BRAIN")  # sella
    c.ellipse(0.45, 0.25, 0.12, 0.1, "CORTEX", over="BRAIN")  # petrous


def draw_sinus(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view in ("lateral", "sagittal"):
        _skull_lateral(c, rng)
        return
    if view == "axial":
        a, b = 0.62 * _k(rng), 0.78 * _k(rng)
        c.ellipse(0, 0, a, b, "SOFT", over="AIR")
        c.ellipse(0, 0.1, a * 0.9, b * 0.82, "BONE", over="SOFT")
        for s in (-1, 1):
            c.ellipse(s * 0.25 * _k(rng), -0.28, 0.17 * _k(rng), 0.22 * _k(rng), "GAS", over="BONE")
        c.ellipse(0, -0.45, 0.1, 0.28, "GAS", over="BONE")
        c.polyline(np.array([[0, -0.72], [0, -0.2]]), 0.02, "BONE", over="GAS")
        c.ellipse(0, 0.45, 0.42, 0.3, "BRAIN", over="BONE")
        return
    # occipitomental radiograph: orbits, maxillary sinuses, septum, teeth
    c.ellipse(0, -0.05, 0.78 * _k(rng), 0.92, "SOFT", over="AIR")
    c.ellipse(0, -0.05, 0.72, 0.86, "BONE", over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.3, -0.28 + _j(rng), 0.17, 0.16, "SOFT", over="BONE")
        c.ellipse(s * 0.3, -0.28, 0.19, 0.18, "CORTEX", over="BONE")
        c.ellipse(s * 0.3, -0.28, 0.16, 0.15, "SOFT", over="CORTEX")
        c.ellipse(s * 0.27, 0.18 + _j(rng), 0.15 * _k(rng), 0.19 * _k(rng), "GAS", p=2.6, over="BONE")
    c.ellipse(0, -0.6, 0.16, 0.08, "GAS", over="BONE")
    c.polyline(np.array([[0, -0.15], [0, 0.35]]), 0.03, "CORTEX", over="BONE")
    for i in range(8):
        c.ellipse(-0.35 + i * 0.1, 0.58, 0.04, 0.07, "CORTEX", p=3, over="BONE")


def _vertebra_axial(c: Canvas, rng: Rng, y: float, s: float) -> None:
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


def draw_neck(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        c.ellipse(0, 0, 0.72 * _k(rng), 0.58 * _k(rng), "FAT", over="AIR")
        c.ellipse(0, 0, 0.66, 0.52, "MUSCLE", over="FAT")
        c.ellipse(0, -0.26, 0.1, 0.09, "GAS", over="MUSCLE")
        for s in (-1, 1):
            c.ellipse(s * 0.16, -0.24, 0.08, 0.12, "GLAND", over="MUSCLE")
            c.ellipse(s * 0.3, -0.1, 0.045, 0.045, "BLOOD", over="MUSCLE")
            c.ellipse(s * 0.38, -0.08, 0.06, 0.05, "BLOOD", over="MUSCLE")
        _vertebra_axial(c, rng, 0.12, 0.9)
        return
    # frontal: neck column, cervical vertebrae, trachea, thyroid lobes, mandible, clavicles
    c.ellipse(0, 0.05, 0.42 * _k(rng), 1.2, "SOFT", p=4, over="AIR")
    for i in range(7):
        y = -0.55 + i * 0.17
        c.ellipse(0, y, 0.13, 0.065, "BONE", p=4, over="SOFT")
    c.polyline(np.array([[_j(rng, 0.02), -0.6], [0, 0.9]]), 0.09, "GAS", over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.12, 0.35 + _j(rng), 0.07, 0.17, "GLAND", over="SOFT")
        c.polyline(np.array([[s * 0.1, 0.85], [s * 0.9, 0.75]]), 0.06, "CORTEX", over="SOFT")
    c.arc(0, -0.75, 0.55, 0.3, 10, 170, 0.07, "CORTEX", over="SOFT")


# ---- spine -----------------------------------------------------------------------------------------

_SPINE = {  # level: (count, half width, half height, y0, y1)
    "C": (7, 0.13, 0.055, -0.6, 0.75),
    "T": (10, 0.17, 0.07, -0.85, 0.85),
    "L": (5, 0.26, 0.11, -0.7, 0.55),
}


def _spine(c: Canvas, rng: Rng, z: float, view: str, level: str) -> None:
    if view == "axial":
        s = {"C": 0.75, "T": 0.95, "L": 1.25}[level]
        c.ellipse(0, 0.0, 0.8 if level != "C" else 0.62, 0.6 if level != "C" else 0.5, "FAT", over="AIR")
        c.ellipse(0, 0.0, 0.74 if level != "C" else 0.56, 0.54 if level != "C" else 0.45, "SOFT", over="FAT")
        if level == "T":
            for sd in (-1, 1):
                c.ellipse(sd * 0.4, -0.1, 0.26, 0.32, "LUNG", over="SOFT")
        if level == "L":
            for sd in (-1, 1):
                c.ellipse(sd * 0.2, 0.05, 0.09, 0.12, "MUSCLE", over="SOFT")
        _vertebra_axial(c, rng, -0.05 + _j(rng, 0.02), s)
        return
    n, hw, hh, y0, y1 = _SPINE[level]
    hw *= _k(rng, 0.05)
    bend = _j(rng, 0.06)
    ys = np.linspace(y0, y1, n) + _j(rng, 0.03)
    sag = view in ("sagittal", "lateral")
    xs = bend * (ys**2 - 0.3) + (0.25 if sag and level == "L" else 0.0) * (ys - y0) * 0.2
    if sag:
        c.ellipse(0.05, 0.0, 0.75, 1.2, "SOFT", p=4, over="AIR")
        c.ellipse(-0.55, 0.0, 0.25, 1.2, "FAT", p=4, over="SOFT")
        c.polyline(np.stack([xs + hw + 0.09, np.linspace(-1.1, 1.1, n)], 1), 0.09, "FLUID", over="SOFT")
        c.polyline(np.stack([xs + hw + 0.09, np.linspace(-1.1, 0.4, n)], 1), 0.035, "BRAIN", over="FLUID")
        for x, y in zip(xs, ys, strict=True):
            c.ellipse(x, y, hw, hh, "CORTEX", p=4, over="SOFT")
            c.ellipse(x, y, hw * 0.85, hh * 0.8, "BONE", p=4, over="CORTEX")
            c.ellipse(x + hw + 0.22, y + 0.02, 0.07, hh * 0.7, "BONE", over="SOFT")
        for x, y in zip(xs[:-1], ys[:-1] + np.diff(ys) / 2, strict=True):
            c.ellipse(x, y, hw * 0.95, (ys[1] - ys[0]) / 2 - hh * 0.9 + 0.006, "FLUID", p=4, over="SOFT")
        if level == "C":
            c.ellipse(0.1, -1.05, 0.6, 0.35, "BRAIN", over="SOFT")
        return
    # frontal radiograph / coronal
    c.ellipse(0, 0.0, 0.85, 1.25, "SOFT", p=4, over="AIR")
    if level == "T":
        for s in (-1, 1):
            c.ellipse(s * 0.45, -0.05, 0.32, 0.75, "LUNG", over="SOFT")
        for i in range(9):
            y = -0.75 + i * 0.17
            c.arc(0, y + 0.2, 0.75, 0.24, -85, 5, 0.03, RIB, over="SOFT")
            c.arc(0, y + 0.2, 0.75, 0.24, 175, 265, 0.03, RIB, over="SOFT")
    elif level == "C":
        c.ellipse(0, -1.0, 0.6, 0.35, "CORTEX", over="SOFT")
        c.arc(0, -0.6, 0.5, 0.25, 10, 170, 0.06, "CORTEX", over="SOFT")
        for s in (-1, 1):
            c.polyline(np.array([[s * 0.12, 0.9], [s * 0.85, 0.78]]), 0.06, "CORTEX", over="SOFT")
    else:
        for s in (-1, 1):
            c.ellipse(s * 0.55, 0.95, 0.35, 0.35, "BONE", over="SOFT")
        c.ellipse(0, 0.92, 0.22, 0.25, "BONE", p=3, over="SOFT")
    for x, y in zip(xs, ys, strict=True):
        c.ellipse(x, y, hw, hh, "CORTEX", p=4, over="SOFT")
        c.ellipse(x, y, hw * 0.82, hh * 0.78, "BONE", p=4, over="CORTEX")
        c.ellipse(x, y, hw * 0.18, hh * 0.3, "CORTEX", over="BONE")
        for s in (-1, 1):
            c.polyline(
                np.array([[x + s * hw * 0.9, y], [x + s * hw * 1.6, y + 0.01]]), hh * 0.4, "BONE", over="SOFT"
            )


def draw_cspine(c, rng, z, view):
    _spine(c, rng, z, view, "C")


def draw_tspine(c, rng, z, view):
    _spine(c, rng, z, view, "T")


def draw_lspine(c, rng, z, view):
    _spine(c, rng, z, view, "L")


# ---- trunk -----------------------------------------------------------------------------------------


RIB = "RIB"
"""Ribs are thin: a tissue of their own, fainter than long bones in projections."""


def _ribs_frontal(c: Canvas, rng: Rng, top: float = -0.6, n: int = 9) -> None:
    for i in range(n):
        y = top + i * 0.13 + _j(rng, 0.01)
        c.arc(0.03, y + 0.22, 0.72, 0.26, -88, 8, 0.032, RIB, over="SOFT")
        c.arc(-0.03, y + 0.22, 0.72, 0.26, 172, 268, 0.032, RIB, over="SOFT")


def draw_chest(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.88 * _k(rng), 0.62 * _k(rng)
        c.ellipse(0, 0, a, b, "FAT", over="AIR")
        c.ellipse(0, 0, a * 0.92, b * 0.9, "MUSCLE", over="FAT")
        k = float(np.sqrt(max(1 - (0.6 * z) ** 2, 0.3)))
        for s in (-1, 1):
            c.ellipse(s * 0.4, -0.03, 0.32 * k, 0.43 * k, "LUNG", over="MUSCLE")
        if z > -0.4:
            c.ellipse(0.1, 0.02, 0.26 * (1 - 0.3 * z), 0.2, "MYO", over="LUNG")
            c.ellipse(0.1, 0.02, 0.14, 0.1, "BLOOD", over="MYO")
        c.ellipse(-0.05, 0.26, 0.07, 0.07, "BLOOD", over="MUSCLE")
        c.ellipse(0, -0.53, 0.07, 0.035, "BONE", over="MUSCLE")
        _vertebra_axial(c, rng, 0.36, 0.9)
        for t in np.radians(np.linspace(200, 340, 6)):
            for s in (-1, 1):
                c.ellipse(s * 0.8 * a * np.cos(t), -0.8 * b * np.sin(t), 0.03, 0.025, "BONE", over="MUSCLE")
        for _ in range(14):
            s = rng.choice([-1, 1])
            c.ellipse(s * (0.4 + _j(rng, 0.12)), _j(rng, 0.2), 0.015, 0.015, "BLOOD", over="LUNG")
        return
    if view == "lateral":
        _chest_lateral(c, rng)
        return
    if view == "coronal":
        _chest_coronal(c, rng, z)
        return
    # PA radiograph (AP: supine bedside, shallower inspiration, magnified heart, scapulae over the lungs)
    ap = view == "ap"
    lung_h = 0.54 if ap else 0.62
    c.ellipse(0, 0.1, 0.92 * _k(rng), 0.95, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.ellipse(
            s * 0.37 + _j(rng, 0.02),
            -0.05 + (0.06 if ap else 0.0),
            0.3 * _k(rng),
            lung_h * _k(rng),
            "LUNG",
            over="SOFT",
        )
    heart = 1.3 if ap else 1.0
    c.ellipse(0.14 + _j(rng), 0.32, 0.3 * heart * _k(rng, 0.1), 0.25 * heart, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.8], [0, 0.7]]), 0.22 if ap else 0.16, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.9], [0, 1.0]]), 0.1, "BONE", over="SOFT")
    _ribs_frontal(c, rng)
    for s in (-1, 1):
        end = -0.66 if ap else -0.72
        c.polyline(np.array([[s * 0.08, -0.6], [s * 0.55, end + _j(rng, 0.02)]]), 0.05, "CORTEX", over="SOFT")
        c.ellipse(s * 0.9, -0.62, 0.12, 0.12, "BONE", over="SOFT")
        if ap:
            c.ellipse(s * 0.68, -0.3, 0.16, 0.34, "BONE", ang=s * 10, over="SOFT")  # scapula
    c.ellipse(0, 0.9 if not ap else 0.8, 0.9, 0.25, "ORGAN", over="SOFT")


def _chest_lateral(c: Canvas, rng: Rng) -> None:
    """Lateral chest radiograph: anterior to the left, spine to the right, overlapping lungs."""
    c.ellipse(0.0, 0.1, 0.7 * _k(rng), 0.98, "SOFT", p=3, over="AIR")
    c.ellipse(0.02 + _j(rng, 0.02), -0.08, 0.5 * _k(rng), 0.68 * _k(rng), "LUNG", over="SOFT")
    c.ellipse(-0.22 + _j(rng), 0.3, 0.3 * _k(rng, 0.1), 0.27, "SOFT", over="LUNG")  # heart
    c.polyline(np.array([[0.05, -1.0], [0.1, -0.3]]), 0.07, "GAS", over="SOFT")  # trachea
    c.polyline(np.array([[-0.56, -0.55], [-0.5, 0.4]]), 0.06, "CORTEX", over="SOFT")  # sternum
    for i in range(10):
        y = -0.8 + i * 0.17
        c.ellipse(0.52, y, 0.1, 0.065, "BONE", p=4, over="SOFT")
        c.arc(0.3, y + 0.1, 0.3, 0.1, -40, 60, 0.03, RIB, over="SOFT")
    c.ellipse(0.0, 0.88, 0.68, 0.22, "ORGAN", over="SOFT")  # diaphragm domes


def _chest_coronal(c: Canvas, rng: Rng, z: float) -> None:
    """Coronal section of the thorax (CT / MR): lungs, heart, aorta, trachea, liver under the diaphragm."""
    c.ellipse(0, 0.1, 0.92 * _k(rng), 0.98, "FAT", p=3, over="AIR")
    c.ellipse(0, 0.1, 0.86, 0.92, "MUSCLE", p=3, over="FAT")
    for s in (-1, 1):
        c.ellipse(s * 0.42 + _j(rng, 0.02), -0.08, 0.3 * _k(rng), 0.6 * _k(rng), "LUNG", over="MUSCLE")
        for i in range(6):
            c.ellipse(s * 0.82, -0.6 + i * 0.24, 0.04, 0.03, "BONE", over="MUSCLE")  # rib sections
        for _ in range(8):
            c.ellipse(s * (0.42 + _j(rng, 0.1)), _j(rng, 0.3) - 0.1, 0.014, 0.014, "BLOOD", over="LUNG")
    c.ellipse(-0.4, 0.82, 0.42, 0.22, "ORGAN", over="MUSCLE")  # liver
    c.ellipse(0.12, 0.38, 0.3, 0.24, "MYO", over="LUNG")
    c.ellipse(0.14, 0.38, 0.16, 0.13, "BLOOD", over="MYO")
    c.polyline(np.array([[0.0, -0.4], [0.1, -0.5], [0.16, 0.1]]), 0.08, "BLOOD", over="MUSCLE")  # aortic arch
    if z < 0.3:
        c.polyline(np.array([[0.0, -0.95], [0.0, -0.35]]), 0.06, "GAS", over="MUSCLE")  # trachea
        for s in (-1, 1):
            c.polyline(np.array([[0.0, -0.35], [s * 0.18, -0.2]]), 0.04, "GAS", over="MUSCLE")
    else:
        for i in range(9):
            c.ellipse(0.0, -0.85 + i * 0.2, 0.09, 0.07, "BONE", p=4, over="MUSCLE")


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
        _vessel_tree(c, rng, x + _j(rng), y + _j(rng), ang + rng.normal(0, 10), length, width, 4)


def draw_heart(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.88 * _k(rng), 0.62 * _k(rng)
        c.ellipse(0, 0, a, b, "FAT", over="AIR")
        c.ellipse(0, 0, a * 0.92, b * 0.9, "MUSCLE", over="FAT")
        for s in (-1, 1):
            c.ellipse(s * 0.5, -0.05, 0.22, 0.38, "LUNG", over="MUSCLE")
        c.ellipse(0.08, -0.02, 0.36 * _k(rng), 0.3 * _k(rng), "MYO", ang=-30 + _j(rng, 8), over="LUNG")
        c.ellipse(0.16, 0.02, 0.15, 0.13, "CONTRAST", over="MYO")
        c.ellipse(-0.04, -0.08, 0.12, 0.1, "CONTRAST", over="MYO")
        c.ellipse(-0.1, 0.15, 0.11, 0.09, "BLOOD", over="MYO")
        _vertebra_axial(c, rng, 0.38, 0.85)
        return
    if view == "short":
        # cardiac short axis (MR cine / NM perfusion): myocardial ring around a blood pool
        c.ellipse(0, 0, 0.95, 0.8, "MUSCLE", over="AIR")
        c.ellipse(-0.1, 0.0, 0.6, 0.55, "BLOOD", over="MUSCLE")
        r = 0.38 * _k(rng, 0.1)
        c.ellipse(0.05, 0.0, r, r * 0.95, "MYO", over="BLOOD")
        c.ellipse(0.05, 0.0, r * 0.62, r * 0.58, "CONTRAST", over="MYO")
        c.ellipse(-0.42, 0.05, 0.2, 0.26, "CONTRAST", over="BLOOD")
        return
    # frontal or oblique (angiography) projection: faint chest, heart shadow; the oblique projections
    # move the spine to one side of the heart (left anterior oblique: image left, right anterior: right)
    spine = {"lao": -0.5, "rao": 0.5}.get(view, 0.0)
    c.ellipse(0, 0.1, 0.95, 1.0, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.ellipse(s * 0.45, -0.1, 0.3, 0.6, "LUNG", over="SOFT")
    c.ellipse(0.1 - 0.3 * spine, 0.2, 0.42 if spine == 0 else 0.36, 0.36, "MYO", over="LUNG")
    c.polyline(np.array([[spine, -1.0], [spine, 1.0]]), 0.12, "BONE", over="SOFT")


def draw_ventricle(c: Canvas, rng: Rng) -> None:
    """Left ventriculography: the contrast-filled left ventricle and aortic root (right anterior oblique)."""
    c.ellipse(0.0 + _j(rng), 0.25, 0.36 * _k(rng), 0.22 * _k(rng), "CONTRAST", ang=-25 + _j(rng, 5))
    c.polyline(np.array([[-0.25, 0.12], [-0.3, -0.2], [-0.15, -0.5]]), 0.1, "CONTRAST")


def draw_abdomen(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.9 * _k(rng), 0.66 * _k(rng)
        c.ellipse(0, 0, a, b, "FAT", over="AIR")
        c.ellipse(0, 0.02, a * 0.88, b * 0.86, "SOFT", over="FAT")
        up = max(0.0, 0.5 - 0.5 * z)
        c.ellipse(-0.35, -0.08, 0.2 + 0.25 * up, 0.18 + 0.22 * up, "ORGAN", over="SOFT")
        c.ellipse(0.5, 0.05, 0.1 + 0.08 * up, 0.18 * up + 0.02, "ORGAN", over="SOFT")
        if -0.6 < z < 0.6:
            for s in (-1, 1):
                c.ellipse(s * 0.3, 0.27, 0.09, 0.13, "KIDNEY", ang=s * 20, over="SOFT")
        c.ellipse(0.06, 0.2, 0.05, 0.05, "BLOOD", over="SOFT")
        c.ellipse(-0.05, 0.22, 0.05, 0.045, "BLOOD", over="SOFT")
        _vertebra_axial(c, rng, 0.33, 1.0)
        for _ in range(int(rng.integers(4, 10))):
            c.ellipse(
                _j(rng, 0.3) + 0.1, -0.2 + _j(rng, 0.15), 0.04 + abs(_j(rng, 0.03)), 0.035, "GAS", over="SOFT"
            )
        return
    if view in ("sagittal", "lateral"):
        _trunk_sagittal(c, rng, "ABDOMEN")
        return
    if view == "coronal":
        _abdomen_coronal(c, rng, z)
        return
    # AP abdomen radiograph: spine, liver shadow, gas pattern, iliac wings
    c.ellipse(0, 0.05, 0.9 * _k(rng), 1.15, "SOFT", p=4, over="AIR")
    c.ellipse(-0.45, -0.65, 0.45, 0.35, "ORGAN", over="SOFT")
    for i in range(6):
        y = -0.85 + i * 0.26
        c.ellipse(0, y, 0.18, 0.09, "BONE", p=4, over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.55, 0.95, 0.38, 0.32, "BONE", over="SOFT")
        c.polyline(np.array([[s * 0.12, -0.5], [s * 0.42, 0.7]]), 0.02, "FAT", over="SOFT")
    for _ in range(int(rng.integers(8, 22))):
        c.ellipse(
            _j(rng, 0.35),
            _j(rng, 0.3) + 0.1,
            0.05 + abs(_j(rng, 0.04)),
            0.05 + abs(_j(rng, 0.03)),
            "GAS",
            over="SOFT",
        )


def _abdomen_coronal(c: Canvas, rng: Rng, z: float) -> None:
    """Coronal section of the abdomen (CT / MR): liver, spleen, kidneys, psoas, spine, aorta, bowel."""
    c.ellipse(0, 0.05, 0.9 * _k(rng), 1.15, "FAT", p=4, over="AIR")
    c.ellipse(0, 0.05, 0.84, 1.08, "SOFT", p=4, over="FAT")
    for s in (-1, 1):
        c.ellipse(s * 0.42, -1.0, 0.3, 0.16, "LUNG", over="SOFT")  # lung bases
        c.ellipse(s * 0.55, 0.98, 0.34, 0.2, "BONE", over="SOFT")  # iliac wings
        c.polyline(np.array([[s * 0.12, -0.15], [s * 0.3, 0.85]]), 0.12, "MUSCLE", over="SOFT")  # psoas
    c.ellipse(-0.42 + _j(rng), -0.5, 0.42 * _k(rng), 0.34 * _k(rng), "ORGAN", over="SOFT")  # liver
    c.ellipse(0.56, -0.55, 0.15, 0.22 * _k(rng), "ORGAN", over="SOFT")  # spleen
    if z > -0.3:
        for s in (-1, 1):
            c.ellipse(s * 0.32, -0.05 + _j(rng), 0.1, 0.2, "KIDNEY", ang=s * 12, over="SOFT")
            c.ellipse(s * 0.29, -0.05, 0.03, 0.06, "CONTRAST", over="KIDNEY")
        for i in range(5):
            c.ellipse(0, -0.3 + i * 0.22, 0.13, 0.08, "BONE", p=4, over="SOFT")
    else:
        c.polyline(np.array([[0.05, -0.9], [0.05, 0.45], [-0.2, 0.9]]), 0.06, "BLOOD", over="SOFT")
        c.polyline(np.array([[0.05, 0.45], [0.3, 0.9]]), 0.05, "BLOOD", over="SOFT")
    for _ in range(int(rng.integers(6, 14))):
        c.ellipse(_j(rng, 0.3), 0.35 + _j(rng, 0.25), 0.05 + abs(_j(rng, 0.03)), 0.04, "GAS", over="SOFT")


def _trunk_sagittal(c: Canvas, rng: Rng, region: str) -> None:
    """Midline sagittal section / lateral projection of abdomen or pelvis: anterior left, spine right."""
    c.ellipse(0.0, 0.0, 0.66 * _k(rng), 1.3, "SOFT", p=4, over="AIR")
    c.polyline(np.array([[-0.6, -1.2], [-0.64, 1.2]]), 0.06, "FAT", over="SOFT")  # anterior fat
    c.polyline(np.array([[-0.52, -1.2], [-0.55, 1.1]]), 0.06, "MUSCLE", over="SOFT")  # rectus
    c.polyline(np.array([[0.62, -1.2], [0.62, 1.2]]), 0.05, "FAT", over="SOFT")  # posterior fat
    c.polyline(np.array([[0.16, -1.2], [0.14, 0.5]]), 0.07, "BLOOD", over="SOFT")  # aorta
    top = -1.1 if region == "ABDOMEN" else -1.2
    n = 6 if region == "ABDOMEN" else 3
    ys = np.linspace(top, top + 0.34 * (n - 1), n) + _j(rng, 0.03)
    for y in ys:
        c.ellipse(0.34, y, 0.13, 0.13, "CORTEX", p=4, over="SOFT")
        c.ellipse(0.34, y, 0.11, 0.11, "BONE", p=4, over="CORTEX")
        c.ellipse(0.56, y + 0.03, 0.05, 0.07, "BONE", over="SOFT")  # spinous process
    c.polyline(np.stack([np.full(n, 0.48), ys], 1), 0.06, "FLUID", over="SOFT")  # canal
    if region == "ABDOMEN":
        c.ellipse(-0.18, -0.85, 0.38, 0.3, "ORGAN", over="SOFT")  # liver
        c.ellipse(0.05, -0.2, 0.1, 0.1, "ORGAN", over="SOFT")  # pancreas
        for _ in range(int(rng.integers(6, 12))):
            c.ellipse(-0.25 + _j(rng, 0.15), 0.2 + _j(rng, 0.4), 0.06, 0.05, "GAS", over="SOFT")
    else:
        c.arc(0.5, 0.2, 0.3, 0.7, 90, 200, 0.12, "BONE", over="SOFT")  # sacrum and coccyx
        c.ellipse(-0.3, 0.55, 0.2 * _k(rng, 0.15), 0.17, "FLUID", over="SOFT")  # bladder
        c.ellipse(-0.05, 0.4, 0.14, 0.2, "GLAND", ang=20, over="SOFT")  # uterus / prostate
        c.ellipse(0.2, 0.7, 0.07, 0.1, "GAS", over="SOFT")  # rectum
        c.ellipse(-0.5, 1.0, 0.1, 0.08, "CORTEX", over="SOFT")  # symphysis
        for _ in range(int(rng.integers(3, 7))):
            c.ellipse(-0.2 + _j(rng, 0.15), -0.5 + _j(rng, 0.3), 0.06, 0.05, "GAS", over="SOFT")


def _pelvis_coronal(c: Canvas, rng: Rng) -> None:
    """Coronal section of the pelvis (CT / MR): iliac wings, acetabula and femoral heads, bladder, muscles."""
    c.ellipse(0, 0.0, 1.0 * _k(rng), 1.15, "FAT", p=4, over="AIR")
    c.ellipse(0, 0.0, 0.93, 1.08, "MUSCLE", p=4, over="FAT")
    c.ellipse(0, -0.55, 0.5, 0.4, "SOFT", over="MUSCLE")  # bowel
    for _ in range(int(rng.integers(3, 7))):
        c.ellipse(_j(rng, 0.25), -0.6 + _j(rng, 0.15), 0.06, 0.05, "GAS", over="SOFT")
    for s in (-1, 1):
        c.arc(s * 0.45, -0.25, 0.3, 0.5, 200 if s < 0 else -20, 270 if s < 0 else -90, 0.07, "CORTEX")
        c.ellipse(s * 0.52, 0.2, 0.13, 0.13, "CORTEX", over="MUSCLE")  # femoral head
        c.ellipse(s * 0.52, 0.2, 0.1, 0.1, "BONE", over="CORTEX")
        c.arc(s * 0.52, 0.2, 0.17, 0.17, 180, 360, 0.04, "CORTEX", over="MUSCLE")  # acetabular roof
        _bone(c, s * 0.55, 0.25, s * 0.7, 1.1, 0.18, over="MUSCLE")
    c.ellipse(0, 0.3, 0.2 * _k(rng, 0.15), 0.17, "FLUID", over="MUSCLE")  # bladder
    c.ellipse(0, 0.62, 0.12, 0.05, "CORTEX", over="MUSCLE")  # symphysis


def draw_pelvis(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view in ("sagittal", "lateral"):
        _trunk_sagittal(c, rng, "PELVIS")
        return
    if view == "coronal":
        _pelvis_coronal(c, rng)
        return
    if view == "axial":
        a, b = 0.9 * _k(rng), 0.6 * _k(rng)
        c.ellipse(0, 0, a, b, "FAT", over="AIR")
        c.ellipse(0, 0, a * 0.9, b * 0.86, "MUSCLE", over="FAT")
        if z < 0:
            for s in (-1, 1):
                c.ellipse(s * 0.45, 0.1, 0.12, 0.32, "CORTEX", ang=s * 30, over="MUSCLE")
                c.ellipse(s * 0.45, 0.1, 0.08, 0.27, "BONE", ang=s * 30, over="CORTEX")
            c.ellipse(0, 0.35, 0.16, 0.1, "BONE", over="MUSCLE")
        else:
            for s in (-1, 1):
                c.ellipse(s * 0.5, 0.05, 0.15, 0.15, "CORTEX", over="MUSCLE")
                c.ellipse(s * 0.5, 0.05, 0.12, 0.12, "BONE", over="CORTEX")
                c.arc(
                    s * 0.5, 0.05, 0.2, 0.2, 90 - s * 90 - 60, 90 - s * 90 + 60, 0.05, "CORTEX", over="MUSCLE"
                )
        c.ellipse(0, -0.18, 0.2 * _k(rng, 0.2), 0.16, "FLUID", over="MUSCLE")
        c.ellipse(0, 0.25, 0.06, 0.06, "GAS", over="MUSCLE")
        for s in (-1, 1):  # iliac / femoral arteries and veins
            c.ellipse(s * 0.27, -0.12, 0.045, 0.045, "BLOOD", over="MUSCLE")
            c.ellipse(s * 0.34, -0.05, 0.055, 0.05, "BLOOD", over="MUSCLE")
        return
    # AP pelvis: iliac wings, sacrum, ring, obturator foramina, femoral heads
    c.ellipse(0, 0.05, 1.0, 1.1, "SOFT", p=4, over="AIR")
    for s in (-1, 1):
        c.ellipse(s * 0.45, -0.35, 0.38 * _k(rng), 0.38, "BONE", ang=s * 15, over="SOFT")
        c.ellipse(s * 0.4, -0.3, 0.28, 0.28, "SOFT", ang=s * 15, over="BONE")
        c.arc(s * 0.4, -0.3, 0.38, 0.36, 180, 360, 0.04, "CORTEX", over="SOFT")
        c.ellipse(s * 0.25, 0.42, 0.16, 0.13, "CORTEX", over="SOFT")
        c.ellipse(s * 0.25, 0.42, 0.11, 0.08, "SOFT", over="CORTEX")
        c.ellipse(s * 0.58, 0.22, 0.14, 0.14, "CORTEX", over="SOFT")
        _bone(c, s * 0.62, 0.25, s * 0.75, 1.1, 0.2)
    c.arc(0, -0.05, 0.42, 0.42, 0, 360, 0.05, "CORTEX", n=24, over="SOFT")
    c.ellipse(0, -0.35, 0.17, 0.25, "BONE", p=3, over="SOFT")


# ---- limbs -----------------------------------------------------------------------------------------


def _limb_axial(
    c: Canvas, rng: Rng, a: float, b: float, bones: tuple[tuple[float, float, float, float], ...]
) -> None:
    """Cross-section of a limb: skin fat, muscle, bones (x, y, half width, half height) with marrow."""
    a, b = a * _k(rng), b * _k(rng)
    c.ellipse(0, 0, a, b, "FAT", over="AIR")
    c.ellipse(0, 0, a * 0.86, b * 0.84, "MUSCLE", over="FAT")
    for _ in range(3):
        t = rng.uniform(0, 2 * np.pi)
        c.polyline(
            np.array([[0.0, 0.0], [0.8 * a * np.cos(t), 0.8 * b * np.sin(t)]]), 0.015, "FAT", over="MUSCLE"
        )
    for x, y, rx, ry in bones:
        c.ellipse(x, y, rx, ry, "CORTEX", over="MUSCLE")
        c.ellipse(x, y, rx * 0.75, ry * 0.75, "BONE", over="CORTEX")
    c.ellipse(0.1 + _j(rng), b * 0.55, 0.035, 0.03, "BLOOD", over="MUSCLE")


def draw_shoulder(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        # humeral head in its deltoid cap (right), glenoid, scapula running back, chest wall (left)
        c.ellipse(-0.2, 0.05, 1.15, 0.75, "FAT", p=3, over="AIR")
        c.ellipse(-0.2, 0.05, 1.08, 0.68, "SOFT", p=3, over="FAT")
        c.ellipse(-1.0, 0.15, 0.3, 0.45, "LUNG", over="SOFT")
        c.ellipse(0.38, 0.0, 0.45, 0.45, "MUSCLE", over="SOFT")
        r = 0.25 * _k(rng)
        c.ellipse(0.38, 0.0, r + 0.03, r + 0.03, "FLUID", over="MUSCLE")
        c.ellipse(0.38, 0.0, r, r, "CORTEX", over="FLUID")
        c.ellipse(0.38, 0.0, r * 0.85, r * 0.85, "BONE", over="CORTEX")
        c.ellipse(0.06, 0.02, 0.06, 0.17, "CORTEX", over="SOFT")  # glenoid
        c.polyline(np.array([[0.02, 0.08], [-0.55, 0.48 + _j(rng)]]), 0.06, "CORTEX", over="SOFT")  # scapula
        c.ellipse(-0.28, 0.15, 0.28, 0.11, "MUSCLE", ang=35, over="SOFT")  # subscapularis
        c.ellipse(0.05, -0.35, 0.06, 0.05, "CORTEX", over="SOFT")  # coracoid
        return
    if view == "lateral":
        # scapular Y view: body, coracoid and acromion meet behind the humeral head
        c.ellipse(0.0, 0.1, 1.0, 1.1, "SOFT", p=3, over="AIR")
        for i in range(4):
            c.arc(0.5, -0.2 + i * 0.3, 0.6, 0.25, 120, 240, 0.04, RIB, over="SOFT")
        cx, cy = _j(rng, 0.03), -0.15 + _j(rng, 0.03)
        c.polyline(np.array([[cx, cy], [cx + _j(rng), 1.0]]), 0.12, "BONE", over="SOFT")
        c.polyline(np.array([[cx, cy], [cx - 0.42, cy - 0.45]]), 0.09, "BONE", over="SOFT")
        c.polyline(np.array([[cx, cy], [cx + 0.42, cy - 0.48]]), 0.1, "BONE", over="SOFT")
        r = 0.24 * _k(rng)
        c.ellipse(cx, cy, r, r, "CORTEX", over="SOFT")
        c.ellipse(cx, cy, r * 0.85, r * 0.85, "BONE", over="CORTEX")
        _bone(c, cx - 0.05, cy + 0.2, cx - 0.2, 1.2, 0.25)
        return
    c.ellipse(0.0, 0.1, 1.2, 1.1, "SOFT", p=3, over="AIR")
    c.ellipse(-0.7, 0.45, 0.35, 0.7, "LUNG", over="SOFT")
    for i in range(4):
        c.arc(-0.3, -0.1 + i * 0.28, 0.7, 0.3, 150, 230, 0.04, "BONE", over="SOFT")
    c.polyline(np.array([[-0.15, 0.0], [-0.7, 0.7], [-0.3, 0.8], [-0.15, 0.0]]), 0.12, "BONE", over="SOFT")
    c.ellipse(-0.12, -0.05, 0.06, 0.18, "CORTEX", over="SOFT")
    r = 0.27 * _k(rng)
    c.ellipse(0.2, -0.1, r, r, "CORTEX", over="SOFT")
    c.ellipse(0.2, -0.1, r * 0.85, r * 0.85, "BONE", over="CORTEX")
    _bone(c, 0.3, 0.05, 0.42 + _j(rng, 0.05), 1.1, 0.28)
    c.polyline(np.array([[-0.95, -0.55], [0.1, -0.58 + _j(rng)], [0.3, -0.45]]), 0.09, "CORTEX", over="SOFT")


def draw_elbow(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        if z < 0:  # distal humerus
            _limb_axial(c, rng, 0.62, 0.5, ((0.0, 0.05, 0.36, 0.16),))
        else:  # proximal forearm: radius and ulna
            _limb_axial(c, rng, 0.55, 0.45, ((-0.2, 0.08, 0.11, 0.11), (0.18, 0.12, 0.13, 0.12)))
        return
    lateral = view == "lateral"
    bend = np.radians(rng.uniform(75, 100) if lateral else rng.uniform(-10, 35))
    ex, ey = 0.0, 0.0
    fx, fy = ex + 1.2 * np.sin(bend), ey + 1.2 * np.cos(bend)
    _limb(c, 0.0, -1.2, ex, ey, 0.75)
    _limb(c, ex, ey, fx, fy, 0.65)
    _bone(c, 0.0, -1.2, 0.0, -0.1, 0.26)
    if lateral:
        c.ellipse(0.0, -0.05, 0.16, 0.16, "CORTEX", over="SOFT")  # trochlea seen end-on
        c.ellipse(0.0, -0.05, 0.11, 0.11, "BONE", over="CORTEX")
        c.ellipse(-0.2, 0.05, 0.09, 0.12, "CORTEX", over="SOFT")  # olecranon
        _bone(c, ex - 0.05, ey + 0.05, fx, fy - 0.06, 0.13)
        _bone(c, ex + 0.05, ey - 0.05, fx, fy + 0.06, 0.11)
        return
    c.ellipse(0.0, -0.07, 0.3, 0.13, "CORTEX", over="SOFT")
    c.ellipse(0.0, -0.07, 0.24, 0.09, "BONE", over="CORTEX")
    for s, w in ((-1, 0.13), (1, 0.15)):
        dx = s * 0.11 * np.cos(bend)
        _bone(c, ex + dx, ey + 0.1, fx + dx * 1.3, fy, w)


def draw_hand(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        # section through the metacarpals: a flat palm with four bones in a row and the thumb in front
        bones = (*((-0.36 + 0.24 * i, 0.02, 0.075, 0.07) for i in range(4)), (0.58, -0.2, 0.09, 0.08))
        _limb_axial(c, rng, 0.8, 0.32, bones)
        return
    if view == "lateral":
        # fingers superimposed: a narrow palm, a fan of overlapping rays, the thumb pointing forward
        _limb(c, 0.0, 0.7, 0.0, 1.2, 0.5)
        c.ellipse(0.0, 0.45, 0.22, 0.32, "SOFT", p=3, over="AIR")
        _bone(c, -0.06, 1.2, -0.06, 0.62, 0.16)
        _bone(c, 0.06, 1.2, 0.06, 0.64, 0.1)
        for i in range(4):
            a = np.radians(-92 + 3 * i + _j(rng, 2.0))
            x0, y0 = 0.02 * i - 0.03, 0.5
            x1, y1 = x0 + 1.05 * np.cos(a), y0 + 1.05 * np.sin(a)
            c.polyline(np.array([[x0, y0], [x1, y1]]), 0.14, "SOFT", over="AIR")
            _bone(c, x0, y0 + 0.15, x1, y1 + 0.06, 0.07)
        c.polyline(np.array([[-0.1, 0.5], [-0.45, 0.2], [-0.62, -0.05]]), 0.13, "SOFT", over="AIR")
        _bone(c, -0.12, 0.48, -0.58, 0.0, 0.07)
        return
    spread = rng.uniform(0.8, 1.25)
    c.ellipse(0.0, 0.55, 0.45, 0.35, "SOFT", p=3, over="AIR")
    _limb(c, -0.05, 0.7, 0.0, 1.2, 0.7)
    _bone(c, -0.15, 1.2, -0.14, 0.62, 0.15)
    _bone(c, 0.14, 1.2, 0.12, 0.64, 0.1)
    for i in range(8):
        c.ellipse(-0.2 + (i % 4) * 0.13, 0.45 + (i // 4) * 0.11, 0.06, 0.05, "BONE", over="SOFT")
    bases = [(-0.3, 0.38), (-0.16, 0.3), (-0.02, 0.28), (0.11, 0.3), (0.23, 0.34)]
    angles = [-55, -12, -2, 8, 18]
    lengths = [
        (0.3, 0.22, 0.18),
        (0.42, 0.26, 0.17, 0.13),
        (0.45, 0.29, 0.18, 0.13),
        (0.42, 0.27, 0.17, 0.12),
        (0.38, 0.2, 0.13, 0.11),
    ]
    for (bx, by), a0, segs in zip(bases, angles, lengths, strict=True):
        a = np.radians(a0 * spread + _j(rng, 3.0)) - np.pi / 2
        x, y = bx, by
        pts = [(x, y)]
        for ln in segs:
            x, y = x + ln * np.cos(a), y + ln * np.sin(a)
            pts.append((x, y))
        c.polyline(np.array(pts), 0.15, "SOFT", over="AIR")
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            g = 0.1
            _bone(c, x0 + g * (x1 - x0), y0 + g * (y1 - y0), x1 - g * (x1 - x0), y1 - g * (y1 - y0), 0.075)


def draw_hip(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_pelvis(c, rng, 0.4, view)  # femoral heads in the acetabula
        return
    c.ellipse(0.0, 0.1, 1.3, 1.2, "SOFT", p=4, over="AIR")
    c.ellipse(-0.4, -0.55, 0.55, 0.4, "BONE", ang=20, over="SOFT")
    c.arc(-0.4, -0.55, 0.55, 0.4, 180, 360, 0.05, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.2, 0.16, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.14, 0.1, "SOFT", over="CORTEX")
    r = 0.22 * _k(rng)
    c.arc(0.02, -0.05, r + 0.06, r + 0.06, 180, 340, 0.06, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r, r, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r * 0.85, r * 0.85, "BONE", over="CORTEX")
    if view == "lateral":
        # frog-leg lateral: the abducted femur runs out sideways, neck and trochanters superimposed
        _bone(c, 0.05, -0.02, 0.3, 0.05, 0.19)
        c.ellipse(0.3, 0.08, 0.17, 0.15, "BONE", over="SOFT")
        _bone(c, 0.3, 0.08, 1.3, 0.45 + _j(rng, 0.05), 0.3)
        return
    _bone(c, 0.05, -0.02, 0.35, 0.25, 0.17)
    c.ellipse(0.42, 0.2, 0.13, 0.17, "BONE", over="SOFT")
    _bone(c, 0.35, 0.25, 0.42 + _j(rng, 0.04), 1.2, 0.3)


def draw_knee(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        if z < 0.2:  # femoral condyles with the patella in front
            _limb_axial(c, rng, 0.68, 0.6, ((0.0, 0.08, 0.44, 0.28),))
            c.ellipse(0.0, 0.3, 0.1, 0.09, "SOFT", over="BONE")  # intercondylar notch
            c.ellipse(0.0, -0.37, 0.2, 0.11, "FLUID", over="MUSCLE")
            c.ellipse(0.0, -0.4, 0.18, 0.08, "CORTEX", over="FLUID")
            c.ellipse(0.0, -0.4, 0.13, 0.05, "BONE", over="CORTEX")
        else:  # tibial plateau and fibula
            _limb_axial(c, rng, 0.66, 0.58, ((0.0, 0.0, 0.4, 0.3), (0.36, 0.28, 0.08, 0.08)))
        return
    if view in ("sagittal", "lateral"):
        # anterior to the left: patella, femoral condyle seen from the side, tibia, calf muscles behind
        _limb(c, 0.02, -1.2, 0.0, 1.2, 0.95 * _k(rng))
        c.ellipse(0.3, 0.5, 0.18, 0.5, "MUSCLE", over="SOFT")
        _bone(c, 0.05, -1.2, 0.08, -0.35, 0.36)
        r = 0.27 * _k(rng)
        c.ellipse(0.1, -0.12, r * 1.1, r, "CORTEX", over="SOFT")
        c.ellipse(0.1, -0.12, r * 0.95, r * 0.85, "BONE", over="CORTEX")
        gap = 0.05 + abs(_j(rng, 0.015))
        c.ellipse(0.05, 0.18 + gap, 0.36, 0.08, "CORTEX", p=4, over="SOFT")
        c.ellipse(0.05, 0.18 + gap, 0.32, 0.06, "BONE", p=4, over="CORTEX")
        _bone(c, 0.05, 0.22 + gap, 0.02, 1.2, 0.3)
        c.ellipse(-0.38, -0.2, 0.07, 0.17, "CORTEX", ang=-10, over="SOFT")  # patella
        c.ellipse(-0.38, -0.2, 0.045, 0.13, "BONE", ang=-10, over="CORTEX")
        c.polyline(np.array([[-0.36, -0.02], [-0.24, 0.38]]), 0.05, "MUSCLE", over="SOFT")  # patellar tendon
        c.ellipse(-0.22, 0.06, 0.12, 0.1, "FAT", over="SOFT")  # Hoffa fat pad
        c.ellipse(-0.22, -0.45, 0.05, 0.16, "FLUID", over="SOFT")  # suprapatellar recess
        c.polyline(np.array([[0.18, -0.02], [-0.02, 0.16]]), 0.04, "MUSCLE", over="SOFT")  # cruciate
        return
    _limb(c, 0.0, -1.2, 0.0, 1.2, 1.0 * _k(rng))
    _bone(c, 0.0, -1.2, 0.0, -0.25, 0.38)
    c.ellipse(0.0, -0.12, 0.43 * _k(rng), 0.18, "CORTEX", p=3, over="SOFT")
    c.ellipse(0.0, -0.12, 0.38, 0.14, "BONE", p=3, over="CORTEX")
    gap = 0.06 + abs(_j(rng, 0.015))
    c.ellipse(0.0, 0.1 + gap, 0.42, 0.09, "CORTEX", p=4, over="SOFT")
    c.ellipse(0.0, 0.1 + gap, 0.38, 0.07, "BONE", p=4, over="CORTEX")
    _bone(c, 0.0, 0.15 + gap, 0.0, 1.2, 0.32)
    _bone(c, 0.3, 0.25 + gap, 0.32, 1.2, 0.1)
    c.ellipse(0.0, 0.02 + gap / 2, 0.4, gap / 2, "FLUID", p=4, over="SOFT")
    c.ellipse(_j(rng, 0.03), -0.22, 0.14, 0.18, "CORTEX", over="SOFT")


def draw_foot(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        # section above the ankle: tibia, fibula, Achilles tendon behind
        _limb_axial(c, rng, 0.55, 0.5, ((-0.05, -0.05, 0.24, 0.22), (0.3, 0.12, 0.08, 0.08)))
        c.ellipse(0.0, 0.42, 0.1, 0.05, "CORTEX", over="FAT")  # tendon (dark on MR)
        return
    if view in ("frontal", "ap", "coronal"):
        # dorsoplantar foot: toes up, heel down, metatarsals fanning out from the tarsus
        c.ellipse(0.0, 0.2, 0.42 * _k(rng), 0.95, "SOFT", p=2.5, over="AIR")
        for i in range(5):
            x = -0.22 + 0.11 * i + _j(rng, 0.01)
            c.polyline(np.array([[x * 1.5, -0.35], [x * 2.0, -0.95]]), 0.12, "SOFT", over="AIR")
        for i in range(6):
            c.ellipse(-0.15 + (i % 3) * 0.15, 0.45 + (i // 3) * 0.16, 0.07, 0.07, "BONE", over="SOFT")
        c.ellipse(0.0, 0.9, 0.17, 0.15, "BONE", over="SOFT")  # calcaneus
        for i in range(5):
            x = -0.22 + 0.11 * i
            _bone(c, x, 0.3, x * 1.5, -0.35, 0.07 if i else 0.1)
            _bone(c, x * 1.5, -0.42, x * 1.9, -0.85, 0.05 if i else 0.08)
        return
    c.polyline(np.array([[-0.15, -1.2], [-0.15, 0.1]]), 0.55, "SOFT", over="AIR")
    c.polyline(np.array([[-0.6, 0.35], [0.2, 0.35], [1.3, 0.5]]), 0.45, "SOFT", over="AIR")
    _bone(c, -0.15, -1.2, -0.15, -0.1, 0.3)
    _bone(c, 0.1, -1.2, 0.1, -0.05, 0.1)
    c.ellipse(-0.15, 0.05, 0.2, 0.13, "BONE", over="SOFT")
    c.ellipse(-0.5, 0.38, 0.25 * _k(rng), 0.16, "BONE", ang=10, over="SOFT")
    c.ellipse(0.12, 0.25, 0.12, 0.1, "BONE", over="SOFT")
    for i in range(5):
        x0, y0 = 0.22 + 0.02 * i, 0.22 + 0.05 * i
        x1, y1 = 0.82 + 0.03 * i + _j(rng, 0.02), 0.32 + 0.07 * i
        _bone(c, x0, y0, x1, y1, 0.06)
        _bone(c, x1 + 0.04, y1 + 0.01, x1 + 0.25, y1 + 0.04, 0.05)


# ---- other ---------------------------------------------------------------------------------------


def draw_breast(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        c.ellipse(0, 0.35, 0.95, 0.45, "MUSCLE", over="AIR")
        c.ellipse(0, 0.5, 0.45, 0.28, "LUNG", over="MUSCLE")
        for s in (-1, 1):
            c.ellipse(s * 0.45, 0.0, 0.4 * _k(rng), 0.5 * _k(rng), "FAT", over="AIR")
            for _ in range(10):
                c.ellipse(s * 0.45 + _j(rng, 0.12), -0.05 + _j(rng, 0.15), 0.06, 0.04, "GLAND", over="FAT")
        return
    # mammography-like projection: breast cone from the chest wall (left), glandular tissue; the
    # mediolateral oblique view (and a sagittal section) shows the pectoral muscle, the craniocaudal not
    w = c.aspect
    cc = view == "cc"
    c.ellipse(-w, 0.0, (1.25 if cc else 1.45) * _k(rng), (0.8 if cc else 0.95) * _k(rng), "FAT", over="AIR")
    if not cc:
        c.polyline(
            np.array([[-w, -1.0], [-w + 0.45 * _k(rng, 0.1), -1.0], [-w, -0.1]]), 0.25, "MUSCLE", over="FAT"
        )
    for _ in range(int(rng.integers(25, 45))):
        r = abs(rng.normal(0.0, 0.35))
        t = rng.uniform(-1.2, 1.2)
        c.ellipse(
            -w + 0.2 + r * np.cos(t),
            r * np.sin(t) * 0.8,
            0.1 * _k(rng, 0.3),
            0.05,
            "GLAND",
            ang=np.degrees(t),
            over="FAT",
        )
    c.ellipse(-w + (1.2 if cc else 1.4), 0.0, 0.05, 0.05, "SOFT", over="FAT")
    if view in ("cc", "frontal"):  # mammograms: a few microcalcifications
        for _ in range(int(rng.integers(0, 6))):
            c.ellipse(-w + rng.uniform(0.3, 1.0), rng.normal(0.0, 0.25), 0.01, 0.01, "CORTEX", over="FAT")


def draw_urinarytract(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_abdomen(c, rng, 0.0, view)
        for s in (-1, 1):
            c.ellipse(s * 0.3, 0.27, 0.12, 0.15, "KIDNEY", ang=s * 20, over="SOFT")
            c.ellipse(s * 0.27, 0.26, 0.04, 0.05, "CONTRAST", over="KIDNEY")
        return
    c.ellipse(0, 0.05, 0.9, 1.15, "SOFT", p=4, over="AIR")
    for i in range(6):
        c.ellipse(0, -0.85 + i * 0.26, 0.16, 0.08, "BONE", p=4, over="SOFT")
    for s in (-1, 1):
        kx, ky = s * 0.34 + _j(rng), -0.35 + _j(rng)
        c.ellipse(kx, ky, 0.14 * _k(rng), 0.27 * _k(rng), "KIDNEY", ang=s * 15, over="SOFT")
        for t in (-0.15, 0.0, 0.15):
            c.polyline(np.array([[kx - s * 0.06, ky], [kx + s * 0.04, ky + t]]), 0.03, "CONTRAST")
        c.polyline(np.array([[kx - s * 0.06, ky + 0.05], [s * 0.2, 0.2], [s * 0.12, 0.6]]), 0.025, "CONTRAST")
    c.ellipse(0, 0.7, 0.25 * _k(rng, 0.15), 0.16, "CONTRAST", over="SOFT")


def draw_gitract(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_abdomen(c, rng, 0.3, view)
        for _ in range(int(rng.integers(3, 7))):
            c.ellipse(
                _j(rng, 0.25), 0.0 + _j(rng, 0.15), 0.08, 0.06, "FLUID", over="SOFT"
            )  # fluid-filled loops
        return
    if view in ("sagittal", "lateral"):
        _trunk_sagittal(c, rng, "ABDOMEN")
        return
    c.ellipse(0, 0.05, 0.9, 1.15, "SOFT", p=4, over="AIR")
    for i in range(6):
        c.ellipse(0, -0.85 + i * 0.26, 0.16, 0.08, "BONE", p=4, over="SOFT")
    if rng.random() < 0.5:
        # upper GI: oesophagus and stomach
        c.polyline(np.array([[-0.05, -1.2], [0.0, -0.5], [0.15, -0.3]]), 0.08, "CONTRAST")
        c.ellipse(0.35 + _j(rng), -0.1, 0.22 * _k(rng), 0.35 * _k(rng), "CONTRAST", ang=-30)
        c.polyline(np.array([[0.25, 0.2], [0.0, 0.3], [-0.2, 0.2]]), 0.1, "CONTRAST")
    else:
        # barium enema: colon frame with haustra
        path = np.array(
            [
                [-0.6, 0.7],
                [-0.62, -0.5],
                [0.0, -0.55 + _j(rng)],
                [0.62, -0.5],
                [0.6, 0.5],
                [0.2, 0.75],
                [0.0, 1.1],
            ]
        )
        c.polyline(path, 0.16 * _k(rng), "CONTRAST")
        for (x0, y0), (x1, y1) in itertools.pairwise(path):
            for t in np.linspace(0.1, 0.9, 4):
                c.ellipse(x0 + t * (x1 - x0), y0 + t * (y1 - y0), 0.1, 0.1, "CONTRAST")


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
    c.ellipse(0, -0.85, 0.11 * _k(rng), 0.12, "SOFT", over="AIR")
    c.ellipse(0, -0.855, 0.09 * _k(rng), 0.1, "BRAIN", over="SOFT")
    c.ellipse(0, -0.845, 0.06, 0.07, "WHITE", over="BRAIN")
    c.ellipse(0, -0.7, 0.055, 0.06, "SOFT", p=4, over="AIR")
    c.ellipse(0, -0.33, 0.23 * _k(rng) * depth, 0.36, "SOFT", p=4, over="AIR")
    c.ellipse(0, 0.12, 0.21 * depth, 0.13, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.polyline(
            np.array([[s * 0.24, -0.6], [s * (0.3 + _j(rng, 0.01)), -0.2], [s * 0.31, 0.12]]), 0.07, "SOFT"
        )
        c.polyline(np.array([[s * 0.09, 0.18], [s * 0.1, 0.58], [s * 0.1, 0.98]]), 0.13 * _k(rng), "SOFT")
        c.polyline(np.array([[s * 0.09, 0.2], [s * 0.1, 0.6]]), 0.04, "BONE", over="SOFT")
        c.ellipse(s * 0.1, -0.42, 0.08 * depth, 0.17, "LUNG", over="SOFT")
        c.ellipse(s * 0.08, -0.02, 0.035, 0.055, "KIDNEY", ang=s * 10, over="SOFT")
    c.ellipse(0.04, -0.3, 0.07 * _k(rng, 0.1), 0.06, "MYO", over="LUNG")
    c.ellipse(0.04, -0.3, 0.035, 0.03, "BLOOD", over="MYO")
    c.ellipse(-0.09, -0.14, 0.12 * depth, 0.07, "ORGAN", over="SOFT")
    c.ellipse(0.13 * depth, -0.15, 0.05, 0.05, "GLAND", over="SOFT")
    c.polyline(np.array([[0, -0.62], [0, 0.08]]), 0.03, "BONE", over="SOFT")
    c.ellipse(0, 0.16, 0.05 * _k(rng, 0.2), 0.035, "FLUID", over="SOFT")


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
