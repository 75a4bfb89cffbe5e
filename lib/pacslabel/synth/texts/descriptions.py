"""StudyDescription, SeriesDescription and ProtocolName as a hospital writes them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pacslabel.synth.catalog.appearances import APPEARANCE_WORD_DROP_RATE
from pacslabel.synth.texts.sampling import maybe_typo, pick
from pacslabel.synth.texts.words import (
    APPEARANCE_WORDS,
    BREAST_SIDE_WORDS,
    CT_PROTOCOL_SUFFIXES,
    MG_STUDY_WORDS,
    MODALITY_WORDS,
    MULTI_VIEW_WORDS,
    REGION_WORDS,
    SIDE_WORDS,
    TRACER_WORDS,
    VIEW_WORDS,
)

if TYPE_CHECKING:
    from pacslabel.synth.appearance import Appearance

Rng = np.random.Generator


def _case(rng: Rng, text: str) -> str:
    r = rng.random()
    if r < 0.4:
        return text.upper()
    if r < 0.5:
        return text.lower()
    return text


def study_description(rng: Rng, lang: str, modality: str, region: str, tracer: str | None = None) -> str:
    """StudyDescription / RequestedProcedureDescription: modality and region words, with the views of
    a radiograph, the extent of a mammography, the tracer of a PET study."""
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    reg = pick(rng, REGION_WORDS[region][lang])
    view = pick(rng, VIEW_WORDS) if modality in ("CR", "DX") else ""
    if modality == "MG":
        view = pick(rng, MG_STUDY_WORDS)
    if tracer is not None:
        view = pick(rng, TRACER_WORDS[tracer])
    parts = [mod, reg, view] if rng.random() < 0.7 else [reg, mod, view]
    text = " ".join(p for p in parts if p)
    return maybe_typo(rng, _case(rng, text))[:64]


def _component_word(rng: Rng, lang: str, value: str) -> str:
    table = APPEARANCE_WORDS[value]
    words = table["*"] + table.get(lang, ())
    return pick(rng, words)


def series_description(
    rng: Rng,
    lang: str,
    modality: str,
    region: str,
    look: Appearance | None,
    extra: tuple[str, ...] = (),
    side: str | None = None,
) -> str:
    """SeriesDescription / ProtocolName of a series: the region, and the words of the appearance
    ``look`` (each left out now and then) in a modality's habitual order; ``look`` None names the region
    only. ``extra`` words (slice thickness, kernel name) are appended one by one at random; ``side`` is
    a mammogram's breast, always named with its view ("R CC", "LMLO")."""
    reg = pick(rng, REGION_WORDS[region][lang])
    mod = pick(rng, MODALITY_WORDS[modality][lang])
    if look is None:
        if modality in ("CR", "DX"):
            text = f"{reg} {pick(rng, MULTI_VIEW_WORDS + SIDE_WORDS + ('',))}".strip()
        else:
            text = reg if rng.random() < 0.5 else f"{mod} {reg}"
        return maybe_typo(rng, _case(rng, text))[:64]
    words = [
        _component_word(rng, lang, v) for v in look.name.split() if rng.random() >= APPEARANCE_WORD_DROP_RATE
    ] or [_component_word(rng, lang, look.name.split()[0])]
    if modality == "MR":
        joiner = "_" if rng.random() < 0.35 else " "
        if rng.random() < 0.4:
            words = words[::-1]
        text = joiner.join(w.replace(" ", joiner) for w in words) + ("" if rng.random() < 0.5 else " " + reg)
    elif modality in ("CR", "DX"):
        side = (
            f" {pick(rng, SIDE_WORDS)}"
            if region not in ("CHEST", "ABDOMEN", "PELVIS") and rng.random() < 0.4
            else ""
        )
        text = f"{reg} {' '.join(words)}{side}"
    elif modality == "MG" and side is not None:
        table = BREAST_SIDE_WORDS[side]
        view = _component_word(rng, lang, look.view)
        word = pick(rng, table["*"] + table.get(lang, ()))
        text = f"{side}{look.view}" if rng.random() < 0.3 else f"{word} {view}"
    elif modality == "PT":
        text = " ".join(([mod] if rng.random() < 0.5 else []) + words + ([reg] if rng.random() < 0.4 else []))
    elif modality == "CT":
        words = [words[i] for i in rng.permutation(len(words))]
        text = " ".join(([reg] if rng.random() < 0.6 else []) + words)
    elif modality in ("XA", "RF"):
        text = " ".join([*words[:1], reg, *words[1:]])
    else:
        text = " ".join([reg, *words])
    for word in extra:
        if rng.random() < 0.4:
            text = f"{text} {word}"
    return maybe_typo(rng, _case(rng, text.strip()))[:64]


def ct_protocol(rng: Rng, lang: str, region: str) -> str:
    """ProtocolName of a CT study (the examination protocol: the same for all its series)."""
    reg = pick(rng, REGION_WORDS[region][lang])
    sep = pick(rng, ("_", " ", "-"))
    return maybe_typo(rng, _case(rng, f"{reg}{sep}{pick(rng, CT_PROTOCOL_SUFFIXES)}"))[:64]
