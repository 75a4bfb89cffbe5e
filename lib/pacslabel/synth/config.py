"""Configuration of the synthetic PACS archive generator."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from pacslabel.config import ConfigError

TRANSFER_SYNTAX_KEYS = ("explicit_le", "implicit_le", "explicit_be", "rle", "j2k", "jpegls")
"""Names accepted in ``SynthConfig.transfer_syntaxes`` (see ``pacslabel.synth.encode.TS_UIDS``)."""


def _default_ts_mix() -> dict[str, float]:
    return {
        "explicit_le": 0.55,
        "implicit_le": 0.22,
        "explicit_be": 0.03,
        "rle": 0.10,
        "j2k": 0.05,
        "jpegls": 0.05,
    }


@dataclass
class SynthConfig:
    """What to generate and where.

    ``transfer_syntaxes`` gives relative weights per series (normalised); a syntax whose encoder is
    not installed falls back to explicit little endian. ``image_scale`` multiplies every image size,
    ``max_size`` caps the long side (before scaling), ``instances_scale`` multiplies the number of
    slices / images / frames per series (at least 2 slices stay for CT and MR).
    """

    out: str = ""
    studies: int = 100
    seed: int = 0
    workers: int = 0
    """Process count; 0 means os.cpu_count(). The output does not depend on it."""
    broken_fraction: float = 0.01
    junk_fraction: float = 0.01
    """Probability per study of a non-image junk file (Thumbs.db, lock file, ...) in its folder."""
    dicomdir: bool = True
    """Write a DICOMDIR-like file at the root of the tree."""
    image_scale: float = 1.0
    max_size: int = 1024
    instances_scale: float = 1.0
    no_extension_fraction: float = 0.3
    """Fraction of studies whose instance files have no ``.dcm`` extension."""
    hide_body_part_fraction: float = 0.0
    """Share of studies whose BodyPartExamined is removed from every series (a seeded draw per study)."""
    site_code_fraction: float = 0.0
    """Share of studies whose study and requested procedure descriptions are their site's codes, and
    (drawn apart) of studies whose series descriptions and protocol names are (pacslabel.synth.codes)."""
    transfer_syntaxes: dict[str, float] = field(default_factory=_default_ts_mix)
    chunk_studies: int = 4
    """Studies per task handed to a worker process."""
    overwrite: bool = False

    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def validate(self) -> None:
        if not self.out:
            raise ConfigError("out: must be set to the output directory")
        if self.studies < 1:
            raise ConfigError("studies: must be >= 1")
        if self.workers < 0:
            raise ConfigError("workers: must be >= 0 (0 = os.cpu_count())")
        for key in (
            "broken_fraction",
            "junk_fraction",
            "no_extension_fraction",
            "hide_body_part_fraction",
            "site_code_fraction",
        ):
            value = getattr(self, key)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{key}: must be within [0, 1], got {value}")
        if not 0.05 <= self.image_scale <= 4.0:
            raise ConfigError(f"image_scale: must be within [0.05, 4], got {self.image_scale}")
        if not 32 <= self.max_size <= 8192:
            raise ConfigError(f"max_size: must be within [32, 8192], got {self.max_size}")
        if not 0.01 <= self.instances_scale <= 10.0:
            raise ConfigError(f"instances_scale: must be within [0.01, 10], got {self.instances_scale}")
        if self.chunk_studies < 1:
            raise ConfigError("chunk_studies: must be >= 1")
        if not self.transfer_syntaxes:
            raise ConfigError("transfer_syntaxes: must name at least one syntax")
        for key, weight in self.transfer_syntaxes.items():
            if key not in TRANSFER_SYNTAX_KEYS:
                valid = ", ".join(TRANSFER_SYNTAX_KEYS)
                raise ConfigError(f"transfer_syntaxes.{key}: unknown syntax; valid: {valid}")
            if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
                raise ConfigError(f"transfer_syntaxes.{key}: weight must be a number >= 0")
        if sum(self.transfer_syntaxes.values()) <= 0:
            raise ConfigError("transfer_syntaxes: weights must not all be 0")
