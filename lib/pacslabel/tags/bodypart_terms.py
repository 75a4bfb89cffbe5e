"""The Body Part Examined defined terms of DICOM PS3.16 Annex L and their regions.

``bodypart_terms.yaml`` (next to this module) lists every term once: under the region of
:data:`pacslabel.vocab.REGIONS` it stands for, as a multi-region value (the regions it spans and the
one it is read as when no description names a part), or explicitly under ``none``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pacslabel.vocab import REGIONS

TERMS_FILE = Path(__file__).with_name("bodypart_terms.yaml")


@dataclass(frozen=True)
class BodyPartTerm:
    """One defined term: ``region`` is None for terms without a region; ``parts`` is non-empty only for
    multi-region values (``region`` is then the part it is read as by default)."""

    term: str
    meaning: str
    region: str | None
    parts: tuple[str, ...] = ()


def _check(term: str, region: str | None) -> None:
    if region is not None and region not in REGIONS:
        raise ValueError(f"{TERMS_FILE.name}: {term} maps to {region!r}, not one of {REGIONS}")


@lru_cache(maxsize=1)
def body_part_terms() -> dict[str, BodyPartTerm]:
    """Every defined term (key: the term as written in PS3.16) with its mapping."""
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    terms: dict[str, BodyPartTerm] = {}

    def add(entry: BodyPartTerm) -> None:
        if entry.term in terms:
            raise ValueError(f"{TERMS_FILE.name}: {entry.term} is listed twice")
        _check(entry.term, entry.region)
        for part in entry.parts:
            _check(entry.term, part)
        terms[entry.term] = entry

    for region, group in data["regions"].items():
        for term, meaning in group.items():
            add(BodyPartTerm(str(term), str(meaning), str(region)))
    for term, spec in data["multi"].items():
        parts = tuple(str(p) for p in spec["parts"])
        if len(parts) < 2:
            raise ValueError(f"{TERMS_FILE.name}: multi-region {term} needs two parts or more")
        add(BodyPartTerm(str(term), str(spec["meaning"]), str(spec["region"]), parts))
    for term, meaning in data["none"].items():
        add(BodyPartTerm(str(term), str(meaning), None))
    return terms
