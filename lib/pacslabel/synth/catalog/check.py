"""A programmer check of the catalog against the vocabulary."""

from __future__ import annotations

from pacslabel.synth.catalog.acquisition import CT_KERNELS, MANUFACTURERS, MR_SEQUENCE_PARAMS
from pacslabel.synth.catalog.appearances import APPEARANCE_TOKENS, appearance_weights
from pacslabel.synth.catalog.messiness import BODY_PART_VARIANTS
from pacslabel.synth.catalog.modalities import MODALITY_WEIGHTS, REGION_WEIGHTS
from pacslabel.vocab import MODALITIES, REGIONS


def check_catalog() -> None:
    """Programmer check: every vocabulary name is used and nothing outside it; appearances are well formed."""
    assert set(MODALITY_WEIGHTS) == set(MODALITIES)
    used = set()
    for modality, weights in REGION_WEIGHTS.items():
        assert modality in MODALITIES
        assert set(weights) <= set(REGIONS), set(weights) - set(REGIONS)
        used |= set(weights)
    assert used == set(REGIONS), set(REGIONS) - used
    assert set(BODY_PART_VARIANTS) == set(REGIONS)
    field_of = {t: f for f, tokens in APPEARANCE_TOKENS.items() for t in tokens}
    assert len(field_of) == sum(map(len, APPEARANCE_TOKENS.values())), "a token names two components"
    for modality, weights in REGION_WEIGHTS.items():
        for region in weights:
            groups = appearance_weights(modality, region)
            assert 2 <= len(groups) <= 6, (modality, region)
            for name in groups:
                fields = [field_of[t] for t in name.split()]
                assert len(set(fields)) == len(fields), name
    assert set(MR_SEQUENCE_PARAMS) == set(APPEARANCE_TOKENS["sequence"])
    assert {m for m, _ in MANUFACTURERS["CT"]} == set(CT_KERNELS)
