"""Random draws the text generators share: an item, a weighted key, a typo."""

from __future__ import annotations

import numpy as np

Rng = np.random.Generator

TYPO_RATE = 0.08
"""Probability that a description gets one typo (dropped, doubled or swapped letter)."""


def pick(rng: Rng, items):
    return items[int(rng.integers(len(items)))]


def weighted(rng: Rng, weights: dict[str, float]) -> str:
    """A key of ``weights``, drawn with probability proportional to its value."""
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def typo(rng: Rng, text: str) -> str:
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def maybe_typo(rng: Rng, text: str) -> str:
    return typo(rng, text) if rng.random() < TYPO_RATE else text
