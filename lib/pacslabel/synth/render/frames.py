"""A series' stored values: the series' tissue map through the renderer of its modality."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.render.cross_section import render_ct, render_mr
from pacslabel.synth.render.drawing import tissue_map
from pacslabel.synth.render.nuclear import render_nm, render_pt
from pacslabel.synth.render.projection import render_fluoro, render_mammo, render_radiograph
from pacslabel.synth.render.style import Pixels, Style
from pacslabel.synth.render.ultrasound import render_us


def render_frames(style: Style, z: float, rng: np.random.Generator) -> Pixels:
    work, ctx = tissue_map(style, z, rng)
    return _RENDER[style.modality](style, work, ctx, rng, z)


_RENDER = {
    "CT": render_ct,
    "MR": render_mr,
    "CR": render_radiograph,
    "DX": render_radiograph,
    "XA": render_fluoro,
    "RF": render_fluoro,
    "NM": render_nm,
    "US": render_us,
    "MG": render_mammo,
    "PT": render_pt,
}
