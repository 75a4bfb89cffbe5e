"""Chest drawings: thorax (radiographs and sections), heart, breast."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.parts import RIB, factor, jitter, vertebra_axial
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def _ribs_frontal(c: Canvas, rng: Rng, top: float = -0.6, n: int = 9) -> None:
    for i in range(n):
        y = top + i * 0.13 + jitter(rng, 0.01)
        c.arc(0.03, y + 0.22, 0.72, 0.26, -88, 8, 0.032, RIB, over="SOFT")
        c.arc(-0.03, y + 0.22, 0.72, 0.26, 172, 268, 0.032, RIB, over="SOFT")


def draw_chest(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.88 * factor(rng), 0.62 * factor(rng)
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
        vertebra_axial(c, rng, 0.36, 0.9)
        for t in np.radians(np.linspace(200, 340, 6)):
            for s in (-1, 1):
                c.ellipse(s * 0.8 * a * np.cos(t), -0.8 * b * np.sin(t), 0.03, 0.025, "BONE", over="MUSCLE")
        for _ in range(14):
            s = rng.choice([-1, 1])
            c.ellipse(s * (0.4 + jitter(rng, 0.12)), jitter(rng, 0.2), 0.015, 0.015, "BLOOD", over="LUNG")
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
    c.ellipse(0, 0.1, 0.92 * factor(rng), 0.95, "SOFT", p=3, over="AIR")
    for s in (-1, 1):
        c.ellipse(
            s * 0.37 + jitter(rng, 0.02),
            -0.05 + (0.06 if ap else 0.0),
            0.3 * factor(rng),
            lung_h * factor(rng),
            "LUNG",
            over="SOFT",
        )
    heart = 1.3 if ap else 1.0
    c.ellipse(0.14 + jitter(rng), 0.32, 0.3 * heart * factor(rng, 0.1), 0.25 * heart, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.8], [0, 0.7]]), 0.22 if ap else 0.16, "SOFT", over="LUNG")
    c.polyline(np.array([[0, -0.9], [0, 1.0]]), 0.1, "BONE", over="SOFT")
    _ribs_frontal(c, rng)
    for s in (-1, 1):
        end = -0.66 if ap else -0.72
        c.polyline(
            np.array([[s * 0.08, -0.6], [s * 0.55, end + jitter(rng, 0.02)]]), 0.05, "CORTEX", over="SOFT"
        )
        c.ellipse(s * 0.9, -0.62, 0.12, 0.12, "BONE", over="SOFT")
        if ap:
            c.ellipse(s * 0.68, -0.3, 0.16, 0.34, "BONE", ang=s * 10, over="SOFT")  # scapula
    c.ellipse(0, 0.9 if not ap else 0.8, 0.9, 0.25, "ORGAN", over="SOFT")


def _chest_lateral(c: Canvas, rng: Rng) -> None:
    """Lateral chest radiograph: anterior to the left, spine to the right, overlapping lungs."""
    c.ellipse(0.0, 0.1, 0.7 * factor(rng), 0.98, "SOFT", p=3, over="AIR")
    c.ellipse(0.02 + jitter(rng, 0.02), -0.08, 0.5 * factor(rng), 0.68 * factor(rng), "LUNG", over="SOFT")
    c.ellipse(-0.22 + jitter(rng), 0.3, 0.3 * factor(rng, 0.1), 0.27, "SOFT", over="LUNG")  # heart
    c.polyline(np.array([[0.05, -1.0], [0.1, -0.3]]), 0.07, "GAS", over="SOFT")  # trachea
    c.polyline(np.array([[-0.56, -0.55], [-0.5, 0.4]]), 0.06, "CORTEX", over="SOFT")  # sternum
    for i in range(10):
        y = -0.8 + i * 0.17
        c.ellipse(0.52, y, 0.1, 0.065, "BONE", p=4, over="SOFT")
        c.arc(0.3, y + 0.1, 0.3, 0.1, -40, 60, 0.03, RIB, over="SOFT")
    c.ellipse(0.0, 0.88, 0.68, 0.22, "ORGAN", over="SOFT")  # diaphragm domes


def _chest_coronal(c: Canvas, rng: Rng, z: float) -> None:
    """Coronal section of the thorax (CT / MR): lungs, heart, aorta, trachea, liver under the diaphragm."""
    c.ellipse(0, 0.1, 0.92 * factor(rng), 0.98, "FAT", p=3, over="AIR")
    c.ellipse(0, 0.1, 0.86, 0.92, "MUSCLE", p=3, over="FAT")
    for s in (-1, 1):
        c.ellipse(
            s * 0.42 + jitter(rng, 0.02), -0.08, 0.3 * factor(rng), 0.6 * factor(rng), "LUNG", over="MUSCLE"
        )
        for i in range(6):
            c.ellipse(s * 0.82, -0.6 + i * 0.24, 0.04, 0.03, "BONE", over="MUSCLE")  # rib sections
        for _ in range(8):
            c.ellipse(
                s * (0.42 + jitter(rng, 0.1)), jitter(rng, 0.3) - 0.1, 0.014, 0.014, "BLOOD", over="LUNG"
            )
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


def draw_heart(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.88 * factor(rng), 0.62 * factor(rng)
        c.ellipse(0, 0, a, b, "FAT", over="AIR")
        c.ellipse(0, 0, a * 0.92, b * 0.9, "MUSCLE", over="FAT")
        for s in (-1, 1):
            c.ellipse(s * 0.5, -0.05, 0.22, 0.38, "LUNG", over="MUSCLE")
        c.ellipse(
            0.08, -0.02, 0.36 * factor(rng), 0.3 * factor(rng), "MYO", ang=-30 + jitter(rng, 8), over="LUNG"
        )
        c.ellipse(0.16, 0.02, 0.15, 0.13, "CONTRAST", over="MYO")
        c.ellipse(-0.04, -0.08, 0.12, 0.1, "CONTRAST", over="MYO")
        c.ellipse(-0.1, 0.15, 0.11, 0.09, "BLOOD", over="MYO")
        vertebra_axial(c, rng, 0.38, 0.85)
        return
    if view == "short":
        # cardiac short axis (MR cine / NM perfusion): myocardial ring around a blood pool
        c.ellipse(0, 0, 0.95, 0.8, "MUSCLE", over="AIR")
        c.ellipse(-0.1, 0.0, 0.6, 0.55, "BLOOD", over="MUSCLE")
        r = 0.38 * factor(rng, 0.1)
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


def draw_breast(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        c.ellipse(0, 0.35, 0.95, 0.45, "MUSCLE", over="AIR")
        c.ellipse(0, 0.5, 0.45, 0.28, "LUNG", over="MUSCLE")
        for s in (-1, 1):
            c.ellipse(s * 0.45, 0.0, 0.4 * factor(rng), 0.5 * factor(rng), "FAT", over="AIR")
            for _ in range(10):
                c.ellipse(
                    s * 0.45 + jitter(rng, 0.12), -0.05 + jitter(rng, 0.15), 0.06, 0.04, "GLAND", over="FAT"
                )
        return
    # mammography-like projection: breast cone from the chest wall (left), glandular tissue; the
    # mediolateral oblique view (and a sagittal section) shows the pectoral muscle, the craniocaudal not
    w = c.aspect
    cc = view == "cc"
    c.ellipse(
        -w, 0.0, (1.25 if cc else 1.45) * factor(rng), (0.8 if cc else 0.95) * factor(rng), "FAT", over="AIR"
    )
    if not cc:
        c.polyline(
            np.array([[-w, -1.0], [-w + 0.45 * factor(rng, 0.1), -1.0], [-w, -0.1]]),
            0.25,
            "MUSCLE",
            over="FAT",
        )
    for _ in range(int(rng.integers(25, 45))):
        r = abs(rng.normal(0.0, 0.35))
        t = rng.uniform(-1.2, 1.2)
        c.ellipse(
            -w + 0.2 + r * np.cos(t),
            r * np.sin(t) * 0.8,
            0.1 * factor(rng, 0.3),
            0.05,
            "GLAND",
            ang=np.degrees(t),
            over="FAT",
        )
    c.ellipse(-w + (1.2 if cc else 1.4), 0.0, 0.05, 0.05, "SOFT", over="FAT")
    if view in ("cc", "frontal"):  # mammograms: a few microcalcifications
        for _ in range(int(rng.integers(0, 6))):
            c.ellipse(-w + rng.uniform(0.3, 1.0), rng.normal(0.0, 0.25), 0.01, 0.01, "CORTEX", over="FAT")
