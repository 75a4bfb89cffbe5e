"""Abdomen and pelvis drawings, with the urinary and gastrointestinal tracts."""

from __future__ import annotations

import itertools

import numpy as np

from pacslabel.synth.anatomy.parts import factor, jitter, long_bone, vertebra_axial
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def draw_abdomen(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        a, b = 0.9 * factor(rng), 0.66 * factor(rng)
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
        vertebra_axial(c, rng, 0.33, 1.0)
        for _ in range(int(rng.integers(4, 10))):
            c.ellipse(
                jitter(rng, 0.3) + 0.1,
                -0.2 + jitter(rng, 0.15),
                0.04 + abs(jitter(rng, 0.03)),
                0.035,
                "GAS",
                over="SOFT",
            )
        return
    if view in ("sagittal", "lateral"):
        _trunk_sagittal(c, rng, "ABDOMEN")
        return
    if view == "coronal":
        _abdomen_coronal(c, rng, z)
        return
    # AP abdomen radiograph: spine, liver shadow, gas pattern, iliac wings
    c.ellipse(0, 0.05, 0.9 * factor(rng), 1.15, "SOFT", p=4, over="AIR")
    c.ellipse(-0.45, -0.65, 0.45, 0.35, "ORGAN", over="SOFT")
    for i in range(6):
        y = -0.85 + i * 0.26
        c.ellipse(0, y, 0.18, 0.09, "BONE", p=4, over="SOFT")
    for s in (-1, 1):
        c.ellipse(s * 0.55, 0.95, 0.38, 0.32, "BONE", over="SOFT")
        c.polyline(np.array([[s * 0.12, -0.5], [s * 0.42, 0.7]]), 0.02, "FAT", over="SOFT")
    for _ in range(int(rng.integers(8, 22))):
        c.ellipse(
            jitter(rng, 0.35),
            jitter(rng, 0.3) + 0.1,
            0.05 + abs(jitter(rng, 0.04)),
            0.05 + abs(jitter(rng, 0.03)),
            "GAS",
            over="SOFT",
        )


def _abdomen_coronal(c: Canvas, rng: Rng, z: float) -> None:
    """Coronal section of the abdomen (CT / MR): liver, spleen, kidneys, psoas, spine, aorta, bowel."""
    c.ellipse(0, 0.05, 0.9 * factor(rng), 1.15, "FAT", p=4, over="AIR")
    c.ellipse(0, 0.05, 0.84, 1.08, "SOFT", p=4, over="FAT")
    for s in (-1, 1):
        c.ellipse(s * 0.42, -1.0, 0.3, 0.16, "LUNG", over="SOFT")  # lung bases
        c.ellipse(s * 0.55, 0.98, 0.34, 0.2, "BONE", over="SOFT")  # iliac wings
        c.polyline(np.array([[s * 0.12, -0.15], [s * 0.3, 0.85]]), 0.12, "MUSCLE", over="SOFT")  # psoas
    c.ellipse(
        -0.42 + jitter(rng), -0.5, 0.42 * factor(rng), 0.34 * factor(rng), "ORGAN", over="SOFT"
    )  # liver
    c.ellipse(0.56, -0.55, 0.15, 0.22 * factor(rng), "ORGAN", over="SOFT")  # spleen
    if z > -0.3:
        for s in (-1, 1):
            c.ellipse(s * 0.32, -0.05 + jitter(rng), 0.1, 0.2, "KIDNEY", ang=s * 12, over="SOFT")
            c.ellipse(s * 0.29, -0.05, 0.03, 0.06, "CONTRAST", over="KIDNEY")
        for i in range(5):
            c.ellipse(0, -0.3 + i * 0.22, 0.13, 0.08, "BONE", p=4, over="SOFT")
    else:
        c.polyline(np.array([[0.05, -0.9], [0.05, 0.45], [-0.2, 0.9]]), 0.06, "BLOOD", over="SOFT")
        c.polyline(np.array([[0.05, 0.45], [0.3, 0.9]]), 0.05, "BLOOD", over="SOFT")
    for _ in range(int(rng.integers(6, 14))):
        c.ellipse(
            jitter(rng, 0.3),
            0.35 + jitter(rng, 0.25),
            0.05 + abs(jitter(rng, 0.03)),
            0.04,
            "GAS",
            over="SOFT",
        )


def _trunk_sagittal(c: Canvas, rng: Rng, region: str) -> None:
    """Midline sagittal section / lateral projection of abdomen or pelvis: anterior left, spine right."""
    c.ellipse(0.0, 0.0, 0.66 * factor(rng), 1.3, "SOFT", p=4, over="AIR")
    c.polyline(np.array([[-0.6, -1.2], [-0.64, 1.2]]), 0.06, "FAT", over="SOFT")  # anterior fat
    c.polyline(np.array([[-0.52, -1.2], [-0.55, 1.1]]), 0.06, "MUSCLE", over="SOFT")  # rectus
    c.polyline(np.array([[0.62, -1.2], [0.62, 1.2]]), 0.05, "FAT", over="SOFT")  # posterior fat
    c.polyline(np.array([[0.16, -1.2], [0.14, 0.5]]), 0.07, "BLOOD", over="SOFT")  # aorta
    top = -1.1 if region == "ABDOMEN" else -1.2
    n = 6 if region == "ABDOMEN" else 3
    ys = np.linspace(top, top + 0.34 * (n - 1), n) + jitter(rng, 0.03)
    for y in ys:
        c.ellipse(0.34, y, 0.13, 0.13, "CORTEX", p=4, over="SOFT")
        c.ellipse(0.34, y, 0.11, 0.11, "BONE", p=4, over="CORTEX")
        c.ellipse(0.56, y + 0.03, 0.05, 0.07, "BONE", over="SOFT")  # spinous process
    c.polyline(np.stack([np.full(n, 0.48), ys], 1), 0.06, "FLUID", over="SOFT")  # canal
    if region == "ABDOMEN":
        c.ellipse(-0.18, -0.85, 0.38, 0.3, "ORGAN", over="SOFT")  # liver
        c.ellipse(0.05, -0.2, 0.1, 0.1, "ORGAN", over="SOFT")  # pancreas
        for _ in range(int(rng.integers(6, 12))):
            c.ellipse(-0.25 + jitter(rng, 0.15), 0.2 + jitter(rng, 0.4), 0.06, 0.05, "GAS", over="SOFT")
    else:
        c.arc(0.5, 0.2, 0.3, 0.7, 90, 200, 0.12, "BONE", over="SOFT")  # sacrum and coccyx
        c.ellipse(-0.3, 0.55, 0.2 * factor(rng, 0.15), 0.17, "FLUID", over="SOFT")  # bladder
        c.ellipse(-0.05, 0.4, 0.14, 0.2, "GLAND", ang=20, over="SOFT")  # uterus / prostate
        c.ellipse(0.2, 0.7, 0.07, 0.1, "GAS", over="SOFT")  # rectum
        c.ellipse(-0.5, 1.0, 0.1, 0.08, "CORTEX", over="SOFT")  # symphysis
        for _ in range(int(rng.integers(3, 7))):
            c.ellipse(-0.2 + jitter(rng, 0.15), -0.5 + jitter(rng, 0.3), 0.06, 0.05, "GAS", over="SOFT")


def _pelvis_coronal(c: Canvas, rng: Rng) -> None:
    """Coronal section of the pelvis (CT / MR): iliac wings, acetabula and femoral heads, bladder, muscles."""
    c.ellipse(0, 0.0, 1.0 * factor(rng), 1.15, "FAT", p=4, over="AIR")
    c.ellipse(0, 0.0, 0.93, 1.08, "MUSCLE", p=4, over="FAT")
    c.ellipse(0, -0.55, 0.5, 0.4, "SOFT", over="MUSCLE")  # bowel
    for _ in range(int(rng.integers(3, 7))):
        c.ellipse(jitter(rng, 0.25), -0.6 + jitter(rng, 0.15), 0.06, 0.05, "GAS", over="SOFT")
    for s in (-1, 1):
        c.arc(s * 0.45, -0.25, 0.3, 0.5, 200 if s < 0 else -20, 270 if s < 0 else -90, 0.07, "CORTEX")
        c.ellipse(s * 0.52, 0.2, 0.13, 0.13, "CORTEX", over="MUSCLE")  # femoral head
        c.ellipse(s * 0.52, 0.2, 0.1, 0.1, "BONE", over="CORTEX")
        c.arc(s * 0.52, 0.2, 0.17, 0.17, 180, 360, 0.04, "CORTEX", over="MUSCLE")  # acetabular roof
        long_bone(c, s * 0.55, 0.25, s * 0.7, 1.1, 0.18, over="MUSCLE")
    c.ellipse(0, 0.3, 0.2 * factor(rng, 0.15), 0.17, "FLUID", over="MUSCLE")  # bladder
    c.ellipse(0, 0.62, 0.12, 0.05, "CORTEX", over="MUSCLE")  # symphysis


def draw_pelvis(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view in ("sagittal", "lateral"):
        _trunk_sagittal(c, rng, "PELVIS")
        return
    if view == "coronal":
        _pelvis_coronal(c, rng)
        return
    if view == "axial":
        a, b = 0.9 * factor(rng), 0.6 * factor(rng)
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
        c.ellipse(0, -0.18, 0.2 * factor(rng, 0.2), 0.16, "FLUID", over="MUSCLE")
        c.ellipse(0, 0.25, 0.06, 0.06, "GAS", over="MUSCLE")
        for s in (-1, 1):  # iliac / femoral arteries and veins
            c.ellipse(s * 0.27, -0.12, 0.045, 0.045, "BLOOD", over="MUSCLE")
            c.ellipse(s * 0.34, -0.05, 0.055, 0.05, "BLOOD", over="MUSCLE")
        return
    # AP pelvis: iliac wings, sacrum, ring, obturator foramina, femoral heads
    c.ellipse(0, 0.05, 1.0, 1.1, "SOFT", p=4, over="AIR")
    for s in (-1, 1):
        c.ellipse(s * 0.45, -0.35, 0.38 * factor(rng), 0.38, "BONE", ang=s * 15, over="SOFT")
        c.ellipse(s * 0.4, -0.3, 0.28, 0.28, "SOFT", ang=s * 15, over="BONE")
        c.arc(s * 0.4, -0.3, 0.38, 0.36, 180, 360, 0.04, "CORTEX", over="SOFT")
        c.ellipse(s * 0.25, 0.42, 0.16, 0.13, "CORTEX", over="SOFT")
        c.ellipse(s * 0.25, 0.42, 0.11, 0.08, "SOFT", over="CORTEX")
        c.ellipse(s * 0.58, 0.22, 0.14, 0.14, "CORTEX", over="SOFT")
        long_bone(c, s * 0.62, 0.25, s * 0.75, 1.1, 0.2)
    c.arc(0, -0.05, 0.42, 0.42, 0, 360, 0.05, "CORTEX", n=24, over="SOFT")
    c.ellipse(0, -0.35, 0.17, 0.25, "BONE", p=3, over="SOFT")


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
        kx, ky = s * 0.34 + jitter(rng), -0.35 + jitter(rng)
        c.ellipse(kx, ky, 0.14 * factor(rng), 0.27 * factor(rng), "KIDNEY", ang=s * 15, over="SOFT")
        for t in (-0.15, 0.0, 0.15):
            c.polyline(np.array([[kx - s * 0.06, ky], [kx + s * 0.04, ky + t]]), 0.03, "CONTRAST")
        c.polyline(np.array([[kx - s * 0.06, ky + 0.05], [s * 0.2, 0.2], [s * 0.12, 0.6]]), 0.025, "CONTRAST")
    c.ellipse(0, 0.7, 0.25 * factor(rng, 0.15), 0.16, "CONTRAST", over="SOFT")


def draw_gitract(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_abdomen(c, rng, 0.3, view)
        for _ in range(int(rng.integers(3, 7))):
            c.ellipse(
                jitter(rng, 0.25), 0.0 + jitter(rng, 0.15), 0.08, 0.06, "FLUID", over="SOFT"
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
        c.ellipse(0.35 + jitter(rng), -0.1, 0.22 * factor(rng), 0.35 * factor(rng), "CONTRAST", ang=-30)
        c.polyline(np.array([[0.25, 0.2], [0.0, 0.3], [-0.2, 0.2]]), 0.1, "CONTRAST")
    else:
        # barium enema: colon frame with haustra
        path = np.array(
            [
                [-0.6, 0.7],
                [-0.62, -0.5],
                [0.0, -0.55 + jitter(rng)],
                [0.62, -0.5],
                [0.6, 0.5],
                [0.2, 0.75],
                [0.0, 1.1],
            ]
        )
        c.polyline(path, 0.16 * factor(rng), "CONTRAST")
        for (x0, y0), (x1, y1) in itertools.pairwise(path):
            for t in np.linspace(0.1, 0.9, 4):
                c.ellipse(x0 + t * (x1 - x0), y0 + t * (y1 - y0), 0.1, 0.1, "CONTRAST")
