"""Head and neck drawings: brain, skull, paranasal sinuses, neck."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.parts import factor, jitter, vertebra_axial
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


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
    k = float(np.sqrt(max(1.0 - (0.75 * z) ** 2, 0.15))) * factor(rng)
    a, b = 0.62 * k * factor(rng, 0.04), 0.78 * k * factor(rng, 0.04)
    c.ellipse(0, 0, a, b, "SOFT", over="AIR")
    c.ellipse(0, 0, a * 0.94, b * 0.95, "CORTEX", over="SOFT")
    c.ellipse(0, 0, a * 0.86, b * 0.89, "BRAIN", over="CORTEX")
    c.ellipse(0, 0.02, a * 0.62, b * 0.68, "WHITE", over="BRAIN")
    if z > -0.5:
        for s in (-1, 1):
            c.ellipse(
                s * 0.07 * k,
                -0.06 + jitter(rng, 0.02),
                0.045 * k,
                0.2 * k,
                "FLUID",
                ang=s * 12 + jitter(rng, 4),
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
    a, b, cy = 0.76 * factor(rng, 0.04), 0.62 * factor(rng, 0.04), -0.22 + jitter(rng, 0.02)
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
    a, b, cy = 0.7 * factor(rng, 0.04), 0.66 * factor(rng, 0.04), -0.18
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
        c.polyline(np.array([[0.3, -0.5], [0.45 + jitter(rng), -0.2]]), 0.01, "SOFT", over="CORTEX")
        return
    if view in ("lateral", "sagittal"):
        _skull_lateral(c, rng)
        return
    # PA skull radiograph: round vault, orbits, petrous ridges, nasal cavity, maxillary sinuses, mandible
    a, b = 0.68 * factor(rng), 0.7 * factor(rng)
    c.ellipse(0, -0.2, a + 0.05, b + 0.05, "SOFT", over="AIR")
    c.ellipse(0, 0.45, 0.45, 0.4, "SOFT", over="AIR")
    c.ellipse(0, -0.2, a, b, "CORTEX", over="SOFT")
    c.ellipse(0, -0.2, a * 0.9, b * 0.9, "BRAIN", over="CORTEX")
    for s in (-1, 1):
        c.ellipse(s * 0.24, 0.1 + jitter(rng, 0.02), 0.15, 0.13, "FAT", over="BRAIN")
        c.arc(s * 0.24, 0.1, 0.16, 0.14, 0, 360, 0.025, "CORTEX", n=16, over="BRAIN")
        c.polyline(
            np.array([[s * 0.1, 0.02], [s * 0.55, -0.04 + jitter(rng, 0.02)]]), 0.05, "CORTEX", over="BRAIN"
        )
        c.ellipse(s * 0.22, 0.4, 0.12, 0.1, "GAS", over="SOFT")
    c.ellipse(0, 0.35, 0.06, 0.13, "GAS", over="SOFT")
    c.arc(0, 0.3, 0.45, 0.42, 15, 165, 0.07, "CORTEX", over="SOFT")


def _skull_lateral(c: Canvas, rng: Rng) -> None:
    """Lateral skull radiograph / sagittal section: vault, face, mandible, sella, sinuses."""
    a, b = 0.78 * factor(rng), 0.62 * factor(rng)
    cy = -0.12 + jitter(rng)
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
        a, b = 0.62 * factor(rng), 0.78 * factor(rng)
        c.ellipse(0, 0, a, b, "SOFT", over="AIR")
        c.ellipse(0, 0.1, a * 0.9, b * 0.82, "BONE", over="SOFT")
        for s in (-1, 1):
            c.ellipse(
                s * 0.25 * factor(rng), -0.28, 0.17 * factor(rng), 0.22 * factor(rng), "GAS", over="BONE"
            )
        c.ellipse(0, -0.45, 0.1, 0.28, "GAS", over="BONE")
        c.polyline(np.array([[0, -0.72], [0, -0.2]]), 0.02, "BONE", over="GAS")
        c.ellipse(0, 0.45, 0.42, 0.3, "BRAIN", over="BONE")
        return
    # occipitomental radiograph: orbits, maxillary sinuses, septum, teeth
    c.ellipse(0, -0.05, 0.78 * factor(rng), 0.92, "SOFT", over="AIR")
    c.ellipse(0, -0.05, 0.72, 0.86, "BONE", over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.3, -0.28 + jitter(rng), 0.17, 0.16, "SOFT", over="BONE")
        c.ellipse(s * 0.3, -0.28, 0.19, 0.18, "CORTEX", over="BONE")
        c.ellipse(s * 0.3, -0.28, 0.16, 0.15, "SOFT", over="CORTEX")
        c.ellipse(
            s * 0.27, 0.18 + jitter(rng), 0.15 * factor(rng), 0.19 * factor(rng), "GAS", p=2.6, over="BONE"
        )
    c.ellipse(0, -0.6, 0.16, 0.08, "GAS", over="BONE")
    c.polyline(np.array([[0, -0.15], [0, 0.35]]), 0.03, "CORTEX", over="BONE")
    for i in range(8):
        c.ellipse(-0.35 + i * 0.1, 0.58, 0.04, 0.07, "CORTEX", p=3, over="BONE")


def draw_neck(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        c.ellipse(0, 0, 0.72 * factor(rng), 0.58 * factor(rng), "FAT", over="AIR")
        c.ellipse(0, 0, 0.66, 0.52, "MUSCLE", over="FAT")
        c.ellipse(0, -0.26, 0.1, 0.09, "GAS", over="MUSCLE")
        for s in (-1, 1):
            c.ellipse(s * 0.16, -0.24, 0.08, 0.12, "GLAND", over="MUSCLE")
            c.ellipse(s * 0.3, -0.1, 0.045, 0.045, "BLOOD", over="MUSCLE")
            c.ellipse(s * 0.38, -0.08, 0.06, 0.05, "BLOOD", over="MUSCLE")
        vertebra_axial(c, rng, 0.12, 0.9)
        return
    # frontal: neck column, cervical vertebrae, trachea, thyroid lobes, mandible, clavicles
    c.ellipse(0, 0.05, 0.42 * factor(rng), 1.2, "SOFT", p=4, over="AIR")
    for i in range(7):
        y = -0.55 + i * 0.17
        c.ellipse(0, y, 0.13, 0.065, "BONE", p=4, over="SOFT")
    c.polyline(np.array([[jitter(rng, 0.02), -0.6], [0, 0.9]]), 0.09, "GAS", over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.12, 0.35 + jitter(rng), 0.07, 0.17, "GLAND", over="SOFT")
        c.polyline(np.array([[s * 0.1, 0.85], [s * 0.9, 0.75]]), 0.06, "CORTEX", over="SOFT")
    c.arc(0, -0.75, 0.55, 0.3, 10, 170, 0.07, "CORTEX", over="SOFT")
