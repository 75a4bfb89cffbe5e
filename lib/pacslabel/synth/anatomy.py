"""Procedural anatomy: one drawing per region, as tissue shapes on a :class:`Canvas`.

Each ``draw_<region>(c, rng, z, view)`` paints tissues named by the palette keys (AIR, LUNG, FAT, SOFT,
MUSCLE, FLUID, BRAIN, WHITE, BONE, CORTEX, CONTRAST, GAS, BLOOD, GLAND, ORGAN, KIDNEY, MYO).
``view`` is "axial" (CT/MR cross-section at height ``z`` in [-1, 1]), "frontal" (projection or coronal),
or "sagittal" (MR spine). Every call jitters sizes and positions, so no two images are identical, while
the layout that identifies a region (round skull, lungs and ribs, vertebra column, fingers...) stays.
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
        c.polyline(np.array([[0, -b * 0.85], [0, -0.3 * b]]), 0.012, "FLUID", over="BRAIN")
    else:
        for s in (-1, 1):
            c.ellipse(s * 0.25 * k, -0.62 * b, 0.12 * k, 0.1 * k, "FAT", over="BRAIN")
        c.ellipse(0, 0.45 * b, 0.25 * k, 0.2 * k, "BONE", over="BRAIN")


def draw_skull(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_head(c, rng, 0.7 * abs(z) + 0.1, view)
        c.polyline(np.array([[0.3, -0.5], [0.45 + _j(rng), -0.2]]), 0.01, "SOFT", over="CORTEX")
        return
    # lateral skull radiograph: vault, face, mandible, sella
    a, b = 0.78 * _k(rng), 0.62 * _k(rng)
    cy = -0.12 + _j(rng)
    c.ellipse(0.05, cy, a + 0.05, b + 0.05, "SOFT", over="AIR")
    c.ellipse(0.05, cy, a, b, "CORTEX", over="SOFT")
    c.ellipse(0.05, cy, a * 0.9, b * 0.88, "BRAIN", over="CORTEX")
    c.ellipse(-0.55, 0.38, 0.3, 0.32, "BONE", p=3, over="SOFT")  # face
    c.ellipse(-0.6, 0.12, 0.13, 0.12, "FAT", over="BONE")  # orbit
    c.arc(-0.2, 0.45, 0.45, 0.35, 30, 150, 0.08, "CORTEX", over="SOFT")  # mandible
    c.ellipse(0.05, 0.1, 0.07, 0.05, "FLUID", over="BRAIN")  # sella
    c.ellipse(0.45, 0.25, 0.12, 0.1, "CORTEX", over="BRAIN")  # petrous


def draw_sinus(c: Canvas, rng: Rng, z: float, view: str) -> None:
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
    sag = view == "sagittal"
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
    # PA radiograph: thorax, lungs, heart, mediastinum, ribs, clavicles, diaphragm
    c.ellipse(0, 0.1, 0.92 * _k(rng), 0.95, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.ellipse(s * 0.37 + _j(rng, 0.02), -0.05, 0.3 * _k(rng), 0.62 * _k(rng), "LUNG", over="SOFT")
    c.ellipse(0.14 + _j(rng), 0.32, 0.3 * _k(rng, 0.1), 0.25, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.8], [0, 0.7]]), 0.16, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.9], [0, 1.0]]), 0.1, "BONE", over="SOFT")
    _ribs_frontal(c, rng)
    for s in (-1, 1):
        c.polyline(
            np.array([[s * 0.08, -0.6], [s * 0.55, -0.72 + _j(rng, 0.02)]]), 0.05, "CORTEX", over="SOFT"
        )
        c.ellipse(s * 0.9, -0.62, 0.12, 0.12, "BONE", over="SOFT")
    c.ellipse(0, 0.9, 0.9, 0.25, "ORGAN", over="SOFT")


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
    # frontal (angiography): faint chest, heart shadow
    c.ellipse(0, 0.1, 0.95, 1.0, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.ellipse(s * 0.45, -0.1, 0.3, 0.6, "LUNG", over="SOFT")
    c.ellipse(0.1, 0.2, 0.42, 0.36, "MYO", over="LUNG")
    c.polyline(np.array([[0, -1.0], [0, 1.0]]), 0.12, "BONE", over="SOFT")


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


def draw_pelvis(c: Canvas, rng: Rng, z: float, view: str) -> None:
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


def draw_shoulder(c: Canvas, rng: Rng, z: float, view: str) -> None:
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
    bend = np.radians(rng.uniform(-10, 35))
    ex, ey = 0.0, 0.0
    fx, fy = ex + 1.2 * np.sin(bend), ey + 1.2 * np.cos(bend)
    _limb(c, 0.0, -1.2, ex, ey, 0.75)
    _limb(c, ex, ey, fx, fy, 0.65)
    _bone(c, 0.0, -1.2, 0.0, -0.1, 0.26)
    c.ellipse(0.0, -0.07, 0.3, 0.13, "CORTEX", over="SOFT")
    c.ellipse(0.0, -0.07, 0.24, 0.09, "BONE", over="CORTEX")
    for s, w in ((-1, 0.13), (1, 0.15)):
        dx = s * 0.11 * np.cos(bend)
        _bone(c, ex + dx, ey + 0.1, fx + dx * 1.3, fy, w)


def draw_hand(c: Canvas, rng: Rng, z: float, view: str) -> None:
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
    c.ellipse(0.0, 0.1, 1.3, 1.2, "SOFT", p=4, over="AIR")
    c.ellipse(-0.4, -0.55, 0.55, 0.4, "BONE", ang=20, over="SOFT")
    c.arc(-0.4, -0.55, 0.55, 0.4, 180, 360, 0.05, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.2, 0.16, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.14, 0.1, "SOFT", over="CORTEX")
    r = 0.22 * _k(rng)
    c.arc(0.02, -0.05, r + 0.06, r + 0.06, 180, 340, 0.06, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r, r, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r * 0.85, r * 0.85, "BONE", over="CORTEX")
    _bone(c, 0.05, -0.02, 0.35, 0.25, 0.17)
    c.ellipse(0.42, 0.2, 0.13, 0.17, "BONE", over="SOFT")
    _bone(c, 0.35, 0.25, 0.42 + _j(rng, 0.04), 1.2, 0.3)


def draw_knee(c: Canvas, rng: Rng, z: float, view: str) -> None:
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
    # mammography-like projection: breast cone from the chest wall (left), pectoral muscle, glandular tissue
    w = c.aspect
    c.ellipse(-w, 0.0, 1.45 * _k(rng), 0.95 * _k(rng), "FAT", over="AIR")
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
    c.ellipse(-w + 1.4, 0.0, 0.05, 0.05, "SOFT", over="FAT")


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

AXIAL_REGIONS = frozenset(
    {
        "HEAD",
        "NECK",
        "CHEST",
        "ABDOMEN",
        "PELVIS",
        "HEART",
        "BREAST",
        "URINARYTRACT",
        "SINUS",
        "SKULL",
        "WHOLEBODY",
        "CSPINE",
        "TSPINE",
        "LSPINE",
    }
)
"""Regions drawn as axial sections on CT (the rest, the joints, as coronal sections)."""
