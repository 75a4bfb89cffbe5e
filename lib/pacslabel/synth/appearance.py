"""Appearance of a series: what makes images of one modality and region look different (MR sequence and
plane, CT kernel / phase / plane, radiograph view, ultrasound mode, ...), drawn with the frequencies of
:data:`pacslabel.synth.catalog.appearances.APPEARANCE_WEIGHTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacslabel.synth.catalog.appearances import APPEARANCE_FIELDS, APPEARANCE_TOKENS, appearance_weights

_FIELD_OF = {token: field for field, tokens in APPEARANCE_TOKENS.items() for token in tokens}


@dataclass(frozen=True)
class Appearance:
    """One appearance group: its canonical name and components (None where one does not apply)."""

    name: str
    sequence: str | None = None
    plane: str | None = None
    kernel: str | None = None
    phase: str | None = None
    view: str | None = None
    mode: str | None = None

    @classmethod
    def parse(cls, name: str) -> Appearance:
        """The appearance named ``name`` (space-separated component values, e.g. "SOFT AX PORTAL")."""
        return cls(name=name, **{_FIELD_OF[token]: token for token in name.split()})

    @property
    def contrast(self) -> bool:
        """Whether a contrast agent was given (CT phase other than non-contrast, MR T1C)."""
        return self.phase in ("ARTERIAL", "PORTAL", "DELAYED") or self.sequence == "T1C"

    def truth(self) -> dict[str, str | None]:
        """Truth columns: ``appearance`` and one column per component."""
        return {"appearance": self.name, **{f: getattr(self, f) for f in APPEARANCE_FIELDS}}


def default_appearance(modality: str, region: str) -> Appearance:
    """The most frequent appearance of a modality and region."""
    weights = appearance_weights(modality, region)
    return Appearance.parse(max(weights, key=weights.get))


def draw_appearances(rng: np.random.Generator, modality: str, region: str, n: int) -> list[Appearance]:
    """Appearances of the ``n`` series of one study: weighted draws without replacement (a study shows
    several groups, as a protocol does), starting over once every group has been used."""
    weights = appearance_weights(modality, region)
    out: list[str] = []
    left: dict[str, float] = {}
    while len(out) < n:
        if not left:
            left = dict(weights)
        names = list(left)
        p = np.array([left[k] for k in names], dtype=float)
        name = names[int(rng.choice(len(names), p=p / p.sum()))]
        del left[name]
        out.append(name)
    return [Appearance.parse(name) for name in out]
