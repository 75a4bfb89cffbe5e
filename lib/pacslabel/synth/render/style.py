"""What a series' pixels depend on (:class:`Style`) and what rendering returns (:class:`Pixels`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pacslabel.synth.appearance import Appearance, default_appearance
from pacslabel.synth.canvas import Pose


@dataclass
class Style:
    """Per-series acquisition choices that shape the pixels (``appearance`` None: the most frequent one)."""

    modality: str
    region: str
    rows: int
    cols: int
    frames: int = 1
    appearance: Appearance | None = None
    monochrome1: bool = False  # CR / DX
    bits_stored: int = 12
    noise: float = 1.0
    pose: Pose = field(default_factory=Pose)
    anat_seed: int = 0

    @property
    def look(self) -> Appearance:
        return self.appearance or default_appearance(self.modality, self.region)


@dataclass
class Pixels:
    """Stored values and their description."""

    array: np.ndarray  # (rows, cols) | (frames, rows, cols) | (rows, cols, 3)
    photometric: str
    bits_allocated: int
    bits_stored: int
    rescale: tuple[float, float] | None = None  # (slope, intercept)
    window: tuple[list[float], list[float]] | None = None  # (centres, widths) suggestion
