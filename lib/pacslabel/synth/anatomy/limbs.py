"""Limb drawings: shoulder, elbow, hand, hip, knee, foot."""

from __future__ import annotations

import itertools

import numpy as np

from pacslabel.synth.anatomy.abdomen import draw_pelvis
from pacslabel.synth.anatomy.parts import RIB, factor, jitter, long_bone
from pacslabel.synth.canvas import Canvas

Rng = np.random.Generator


def _limb(c: Canvas, x0, y0, x1, y1, w) -> None:
    c.polyline(np.array([[x0, y0], [x1, y1]]), w, "SOFT", over="AIR")


def _limb_axial(
    c: Canvas, rng: Rng, a: float, b: float, bones: tuple[tuple[float, float, float, float], ...]
) -> None:
    """Cross-section of a limb: skin fat, muscle, bones (x, y, half width, half height) with marrow."""
    a, b = a * factor(rng), b * factor(rng)
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
    c.ellipse(0.1 + jitter(rng), b * 0.55, 0.035, 0.03, "BLOOD", over="MUSCLE")


def draw_shoulder(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        # humeral head in its deltoid cap (right), glenoid, scapula running back, chest wall (left)
        c.ellipse(-0.2, 0.05, 1.15, 0.75, "FAT", p=3, over="AIR")
        c.ellipse(-0.2, 0.05, 1.08, 0.68, "SOFT", p=3, over="FAT")
        c.ellipse(-1.0, 0.15, 0.3, 0.45, "LUNG", over="SOFT")
        c.ellipse(0.38, 0.0, 0.45, 0.45, "MUSCLE", over="SOFT")
        r = 0.25 * factor(rng)
        c.ellipse(0.38, 0.0, r + 0.03, r + 0.03, "FLUID", over="MUSCLE")
        c.ellipse(0.38, 0.0, r, r, "CORTEX", over="FLUID")
        c.ellipse(0.38, 0.0, r * 0.85, r * 0.85, "BONE", over="CORTEX")
        c.ellipse(0.06, 0.02, 0.06, 0.17, "CORTEX", over="SOFT")  # glenoid
        c.polyline(
            np.array([[0.02, 0.08], [-0.55, 0.48 + jitter(rng)]]), 0.06, "CORTEX", over="SOFT"
        )  # scapula
        c.ellipse(-0.28, 0.15, 0.28, 0.11, "MUSCLE", ang=35, over="SOFT")  # subscapularis
        c.ellipse(0.05, -0.35, 0.06, 0.05, "CORTEX", over="SOFT")  # coracoid
        return
    if view == "lateral":
        # scapular Y view: body, coracoid and acromion meet behind the humeral head
        c.ellipse(0.0, 0.1, 1.0, 1.1, "SOFT", p=3, over="AIR")
        for i in range(4):
            c.arc(0.5, -0.2 + i * 0.3, 0.6, 0.25, 120, 240, 0.04, RIB, over="SOFT")
        cx, cy = jitter(rng, 0.03), -0.15 + jitter(rng, 0.03)
        c.polyline(np.array([[cx, cy], [cx + jitter(rng), 1.0]]), 0.12, "BONE", over="SOFT")
        c.polyline(np.array([[cx, cy], [cx - 0.42, cy - 0.45]]), 0.09, "BONE", over="SOFT")
        c.polyline(np.array([[cx, cy], [cx + 0.42, cy - 0.48]]), 0.1, "BONE", over="SOFT")
        r = 0.24 * factor(rng)
        c.ellipse(cx, cy, r, r, "CORTEX", over="SOFT")
        c.ellipse(cx, cy, r * 0.85, r * 0.85, "BONE", over="CORTEX")
        long_bone(c, cx - 0.05, cy + 0.2, cx - 0.2, 1.2, 0.25)
        return
    c.ellipse(0.0, 0.1, 1.2, 1.1, "SOFT", p=3, over="AIR")
    c.ellipse(-0.7, 0.45, 0.35, 0.7, "LUNG", over="SOFT")
    for i in range(4):
        c.arc(-0.3, -0.1 + i * 0.28, 0.7, 0.3, 150, 230, 0.04, "BONE", over="SOFT")
    c.polyline(np.array([[-0.15, 0.0], [-0.7, 0.7], [-0.3, 0.8], [-0.15, 0.0]]), 0.12, "BONE", over="SOFT")
    c.ellipse(-0.12, -0.05, 0.06, 0.18, "CORTEX", over="SOFT")
    r = 0.27 * factor(rng)
    c.ellipse(0.2, -0.1, r, r, "CORTEX", over="SOFT")
    c.ellipse(0.2, -0.1, r * 0.85, r * 0.85, "BONE", over="CORTEX")
    long_bone(c, 0.3, 0.05, 0.42 + jitter(rng, 0.05), 1.1, 0.28)
    c.polyline(
        np.array([[-0.95, -0.55], [0.1, -0.58 + jitter(rng)], [0.3, -0.45]]), 0.09, "CORTEX", over="SOFT"
    )


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
    long_bone(c, 0.0, -1.2, 0.0, -0.1, 0.26)
    if lateral:
        c.ellipse(0.0, -0.05, 0.16, 0.16, "CORTEX", over="SOFT")  # trochlea seen end-on
        c.ellipse(0.0, -0.05, 0.11, 0.11, "BONE", over="CORTEX")
        c.ellipse(-0.2, 0.05, 0.09, 0.12, "CORTEX", over="SOFT")  # olecranon
        long_bone(c, ex - 0.05, ey + 0.05, fx, fy - 0.06, 0.13)
        long_bone(c, ex + 0.05, ey - 0.05, fx, fy + 0.06, 0.11)
        return
    c.ellipse(0.0, -0.07, 0.3, 0.13, "CORTEX", over="SOFT")
    c.ellipse(0.0, -0.07, 0.24, 0.09, "BONE", over="CORTEX")
    for s, w in ((-1, 0.13), (1, 0.15)):
        dx = s * 0.11 * np.cos(bend)
        long_bone(c, ex + dx, ey + 0.1, fx + dx * 1.3, fy, w)


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
        long_bone(c, -0.06, 1.2, -0.06, 0.62, 0.16)
        long_bone(c, 0.06, 1.2, 0.06, 0.64, 0.1)
        for i in range(4):
            a = np.radians(-92 + 3 * i + jitter(rng, 2.0))
            x0, y0 = 0.02 * i - 0.03, 0.5
            x1, y1 = x0 + 1.05 * np.cos(a), y0 + 1.05 * np.sin(a)
            c.polyline(np.array([[x0, y0], [x1, y1]]), 0.14, "SOFT", over="AIR")
            long_bone(c, x0, y0 + 0.15, x1, y1 + 0.06, 0.07)
        c.polyline(np.array([[-0.1, 0.5], [-0.45, 0.2], [-0.62, -0.05]]), 0.13, "SOFT", over="AIR")
        long_bone(c, -0.12, 0.48, -0.58, 0.0, 0.07)
        return
    spread = rng.uniform(0.8, 1.25)
    c.ellipse(0.0, 0.55, 0.45, 0.35, "SOFT", p=3, over="AIR")
    _limb(c, -0.05, 0.7, 0.0, 1.2, 0.7)
    long_bone(c, -0.15, 1.2, -0.14, 0.62, 0.15)
    long_bone(c, 0.14, 1.2, 0.12, 0.64, 0.1)
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
        a = np.radians(a0 * spread + jitter(rng, 3.0)) - np.pi / 2
        x, y = bx, by
        pts = [(x, y)]
        for ln in segs:
            x, y = x + ln * np.cos(a), y + ln * np.sin(a)
            pts.append((x, y))
        c.polyline(np.array(pts), 0.15, "SOFT", over="AIR")
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            g = 0.1
            long_bone(
                c, x0 + g * (x1 - x0), y0 + g * (y1 - y0), x1 - g * (x1 - x0), y1 - g * (y1 - y0), 0.075
            )


def draw_hip(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        draw_pelvis(c, rng, 0.4, view)  # femoral heads in the acetabula
        return
    c.ellipse(0.0, 0.1, 1.3, 1.2, "SOFT", p=4, over="AIR")
    c.ellipse(-0.4, -0.55, 0.55, 0.4, "BONE", ang=20, over="SOFT")
    c.arc(-0.4, -0.55, 0.55, 0.4, 180, 360, 0.05, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.2, 0.16, "CORTEX", over="SOFT")
    c.ellipse(-0.45, 0.35, 0.14, 0.1, "SOFT", over="CORTEX")
    r = 0.22 * factor(rng)
    c.arc(0.02, -0.05, r + 0.06, r + 0.06, 180, 340, 0.06, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r, r, "CORTEX", over="SOFT")
    c.ellipse(0.02, -0.05, r * 0.85, r * 0.85, "BONE", over="CORTEX")
    if view == "lateral":
        # frog-leg lateral: the abducted femur runs out sideways, neck and trochanters superimposed
        long_bone(c, 0.05, -0.02, 0.3, 0.05, 0.19)
        c.ellipse(0.3, 0.08, 0.17, 0.15, "BONE", over="SOFT")
        long_bone(c, 0.3, 0.08, 1.3, 0.45 + jitter(rng, 0.05), 0.3)
        return
    long_bone(c, 0.05, -0.02, 0.35, 0.25, 0.17)
    c.ellipse(0.42, 0.2, 0.13, 0.17, "BONE", over="SOFT")
    long_bone(c, 0.35, 0.25, 0.42 + jitter(rng, 0.04), 1.2, 0.3)


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
        _limb(c, 0.02, -1.2, 0.0, 1.2, 0.95 * factor(rng))
        c.ellipse(0.3, 0.5, 0.18, 0.5, "MUSCLE", over="SOFT")
        long_bone(c, 0.05, -1.2, 0.08, -0.35, 0.36)
        r = 0.27 * factor(rng)
        c.ellipse(0.1, -0.12, r * 1.1, r, "CORTEX", over="SOFT")
        c.ellipse(0.1, -0.12, r * 0.95, r * 0.85, "BONE", over="CORTEX")
        gap = 0.05 + abs(jitter(rng, 0.015))
        c.ellipse(0.05, 0.18 + gap, 0.36, 0.08, "CORTEX", p=4, over="SOFT")
        c.ellipse(0.05, 0.18 + gap, 0.32, 0.06, "BONE", p=4, over="CORTEX")
        long_bone(c, 0.05, 0.22 + gap, 0.02, 1.2, 0.3)
        c.ellipse(-0.38, -0.2, 0.07, 0.17, "CORTEX", ang=-10, over="SOFT")  # patella
        c.ellipse(-0.38, -0.2, 0.045, 0.13, "BONE", ang=-10, over="CORTEX")
        c.polyline(np.array([[-0.36, -0.02], [-0.24, 0.38]]), 0.05, "MUSCLE", over="SOFT")  # patellar tendon
        c.ellipse(-0.22, 0.06, 0.12, 0.1, "FAT", over="SOFT")  # Hoffa fat pad
        c.ellipse(-0.22, -0.45, 0.05, 0.16, "FLUID", over="SOFT")  # suprapatellar recess
        c.polyline(np.array([[0.18, -0.02], [-0.02, 0.16]]), 0.04, "MUSCLE", over="SOFT")  # cruciate
        return
    _limb(c, 0.0, -1.2, 0.0, 1.2, 1.0 * factor(rng))
    long_bone(c, 0.0, -1.2, 0.0, -0.25, 0.38)
    c.ellipse(0.0, -0.12, 0.43 * factor(rng), 0.18, "CORTEX", p=3, over="SOFT")
    c.ellipse(0.0, -0.12, 0.38, 0.14, "BONE", p=3, over="CORTEX")
    gap = 0.06 + abs(jitter(rng, 0.015))
    c.ellipse(0.0, 0.1 + gap, 0.42, 0.09, "CORTEX", p=4, over="SOFT")
    c.ellipse(0.0, 0.1 + gap, 0.38, 0.07, "BONE", p=4, over="CORTEX")
    long_bone(c, 0.0, 0.15 + gap, 0.0, 1.2, 0.32)
    long_bone(c, 0.3, 0.25 + gap, 0.32, 1.2, 0.1)
    c.ellipse(0.0, 0.02 + gap / 2, 0.4, gap / 2, "FLUID", p=4, over="SOFT")
    c.ellipse(jitter(rng, 0.03), -0.22, 0.14, 0.18, "CORTEX", over="SOFT")


def draw_foot(c: Canvas, rng: Rng, z: float, view: str) -> None:
    if view == "axial":
        # section above the ankle: tibia, fibula, Achilles tendon behind
        _limb_axial(c, rng, 0.55, 0.5, ((-0.05, -0.05, 0.24, 0.22), (0.3, 0.12, 0.08, 0.08)))
        c.ellipse(0.0, 0.42, 0.1, 0.05, "CORTEX", over="FAT")  # tendon (dark on MR)
        return
    if view in ("frontal", "ap", "coronal"):
        # dorsoplantar foot: toes up, heel down, metatarsals fanning out from the tarsus
        c.ellipse(0.0, 0.2, 0.42 * factor(rng), 0.95, "SOFT", p=2.5, over="AIR")
        for i in range(5):
            x = -0.22 + 0.11 * i + jitter(rng, 0.01)
            c.polyline(np.array([[x * 1.5, -0.35], [x * 2.0, -0.95]]), 0.12, "SOFT", over="AIR")
        for i in range(6):
            c.ellipse(-0.15 + (i % 3) * 0.15, 0.45 + (i // 3) * 0.16, 0.07, 0.07, "BONE", over="SOFT")
        c.ellipse(0.0, 0.9, 0.17, 0.15, "BONE", over="SOFT")  # calcaneus
        for i in range(5):
            x = -0.22 + 0.11 * i
            long_bone(c, x, 0.3, x * 1.5, -0.35, 0.07 if i else 0.1)
            long_bone(c, x * 1.5, -0.42, x * 1.9, -0.85, 0.05 if i else 0.08)
        return
    c.polyline(np.array([[-0.15, -1.2], [-0.15, 0.1]]), 0.55, "SOFT", over="AIR")
    c.polyline(np.array([[-0.6, 0.35], [0.2, 0.35], [1.3, 0.5]]), 0.45, "SOFT", over="AIR")
    long_bone(c, -0.15, -1.2, -0.15, -0.1, 0.3)
    long_bone(c, 0.1, -1.2, 0.1, -0.05, 0.1)
    c.ellipse(-0.15, 0.05, 0.2, 0.13, "BONE", over="SOFT")
    c.ellipse(-0.5, 0.38, 0.25 * factor(rng), 0.16, "BONE", ang=10, over="SOFT")
    c.ellipse(0.12, 0.25, 0.12, 0.1, "BONE", over="SOFT")
    for i in range(5):
        x0, y0 = 0.22 + 0.02 * i, 0.22 + 0.05 * i
        x1, y1 = 0.82 + 0.03 * i + jitter(rng, 0.02), 0.32 + 0.07 * i
        long_bone(c, x0, y0, x1, y1, 0.06)
        long_bone(c, x1 + 0.04, y1 + 0.01, x1 + 0.25, y1 + 0.04, 0.05)
