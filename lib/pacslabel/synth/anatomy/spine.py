"""Spine drawings: cervical, thoracic and lumbar vertebra columns."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.parts import RIB, factor, jitter, vertebra_axial
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator

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
        vertebra_axial(c, rng, -0.05 + jitter(rng, 0.02), s)
        return
    n, hw, hh, y0, y1 = _SPINE[level]
    hw *= factor(rng, 0.05)
    bend = jitter(rng, 0.06)
    ys = np.linspace(y0, y1, n) + jitter(rng, 0.03)
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
