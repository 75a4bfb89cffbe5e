"""The region drawing at work resolution: the anatomy view an appearance needs, pose jitter, palette
layers."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.anatomy.regions import DRAW
from pacslabel.synth.canvas import Canvas, Pose
from pacslabel.synth.catalog.modalities import SLICED
from pacslabel.synth.render.palettes import palette_for
from pacslabel.synth.render.raster import resize
from pacslabel.synth.render.style import Style

WORK_SIZE = 256
"""Long side of the tissue map before it is resized to the image size (drawing is the slow part)."""

OBLIQUE_SQUEEZE = 0.72
"""Horizontal foreshortening of an oblique radiograph."""

PLANE_VIEW = {
    "AX": "axial",
    "COR": "coronal",
    "SAG": "sagittal",
    "SA": "short",
    "TRANS": "axial",
    "LONG": "sagittal",
}
PROJECTION_VIEW = {
    "PA": "frontal",
    "AP": "ap",
    "LAT": "lateral",
    "OBLIQUE": "frontal",
    "CC": "cc",
    "MLO": "frontal",
    "LAO": "lao",
    "RAO": "rao",
    "ANT": "frontal",
    "POST": "frontal",
}


def drawing_view(style: Style) -> str:
    """The anatomy drawing an appearance needs (see :mod:`pacslabel.synth.anatomy`)."""
    look = style.look
    if look.mode == "MIP":
        return "coronal"  # the projection of the whole-body coronal drawing
    if look.plane == "A4C":
        return "axial"  # the four-chamber view is the heart's axial drawing
    if look.plane is not None:
        return PLANE_VIEW[look.plane]
    if look.view is not None:
        return PROJECTION_VIEW[look.view]
    return "frontal"


def _work_shape(rows: int, cols: int) -> tuple[int, int]:
    s = min(1.0, WORK_SIZE / max(rows, cols))
    return max(round(rows * s), 8), max(round(cols * s), 8)


def _squeeze(img: np.ndarray, f: float, background: float) -> np.ndarray:
    """Foreshorten ``img`` horizontally by ``f`` about its centre."""
    h, w = img.shape
    nw = max(round(w * f), 1)
    out = np.full_like(img, background)
    c0 = (w - nw) // 2
    out[:, c0 : c0 + nw] = resize(img, h, nw)
    return out


def tissue_map(style: Style, z: float, rng_noise: np.random.Generator) -> tuple[np.ndarray, dict]:
    """The drawn region at work resolution (float32) with its palette; jitter from ``style.anat_seed``."""
    anat = np.random.default_rng(style.anat_seed)
    pal, mode = palette_for(style, anat)
    wr, wc = _work_shape(style.rows, style.cols)
    pose = style.pose
    if style.frames == 1 and style.modality not in SLICED:
        pose = Pose(
            pose.rot + float(rng_noise.normal(0, 0.03)),
            pose.scale * float(rng_noise.uniform(0.97, 1.03)),
            pose.dx + float(rng_noise.normal(0, 0.02)),
            pose.dy + float(rng_noise.normal(0, 0.02)),
            pose.flip,
        )
    if style.modality == "US":
        # a probe sees a part of the region: zoom in around a shifted centre
        pose = Pose(pose.rot, pose.scale * 1.8, pose.dx * 3.0, pose.dy * 3.0 + 0.3, pose.flip)
    if style.look.view == "POST":
        pose = Pose(pose.rot, pose.scale, pose.dx, pose.dy, not pose.flip)  # seen from behind
    view = drawing_view(style)
    c = Canvas(wr, wc, pal, mode=mode, pose=pose)
    DRAW[style.region](c, anat, z, view)
    img = c.img
    if style.look.view == "OBLIQUE":
        img = _squeeze(img, OBLIQUE_SQUEEZE, 0.0)
    return img, {"canvas": c, "anat": anat, "pal": pal, "view": view}


def palette_layer(style: Style, ctx: dict, z: float, palette: dict[str, float]) -> np.ndarray:
    """The same drawing as ``ctx`` (same anatomy, same pose) with another palette, added up."""
    c0: Canvas = ctx["canvas"]
    c = Canvas(c0.h, c0.w, palette, mode="add", pose=c0.pose, background=0.0)
    DRAW[style.region](c, np.random.default_rng(style.anat_seed), z, ctx["view"])
    return c.img
