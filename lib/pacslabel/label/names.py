"""Readable label names: dominant modality · region · the description terms that set a label apart.

A term's distinctiveness for label L is the share of L's rows whose description holds it minus its share
among the other rows of the same partition (or of the whole sample when labels are not partitioned); the
two best terms held by at least a third of L's rows (other than the modality and region themselves) name
it, e.g. ``MR · KNEE · pd sag``. Names are
unique: a repeated name gets ``#2``, ``#3``, ...
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from pacslabel.label.partition import MISSING

SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)
MIN_SHARE = 1 / 3
N_TERMS = 2


def terms(text) -> set[str]:
    """Lower-cased words of two characters or more that start with a letter (``t2``, ``flair``)."""
    if text is None or (isinstance(text, float) and text != text):
        return set()
    return {t for t in SEPARATORS.split(str(text).lower()) if len(t) >= 2 and t[0].isalpha()}


def _dominant(values: np.ndarray) -> str:
    known = [v for v in values if v not in (None, "", MISSING)]
    return Counter(known).most_common(1)[0][0] if known else MISSING


def _distinctive(own: list[set[str]], others: list[set[str]], known: set[str]) -> list[str]:
    n_own, n_other = len(own), max(1, len(others))
    df_own = Counter(t for s in own for t in s)
    df_other = Counter(t for s in others for t in s)
    scored = [(c / n_own - df_other[t] / n_other, t) for t, c in df_own.items() if c / n_own >= MIN_SHARE]
    scored.sort(key=lambda p: (-p[0], p[1]))
    return [t for s, t in scored[:N_TERMS] if s > 0]


def label_names(
    labels: np.ndarray, modality: np.ndarray, region: np.ndarray, partition: np.ndarray, texts: list
) -> dict[int, str]:
    """Name of every label in ``labels`` (sample rows with their modality, region, partition, text)."""
    labels = np.asarray(labels)
    words = [terms(t) for t in texts]
    names: dict[int, str] = {}
    for lab in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == lab)
        part = partition[rows[0]]
        peers = np.flatnonzero((partition == part) & (labels != lab))
        parts = [_dominant(modality[rows]), _dominant(region[rows])]
        known = {p.lower() for p in parts}
        picked = _distinctive([words[i] for i in rows], [words[i] for i in peers], known)
        names[int(lab)] = " · ".join([*parts, " ".join(picked)] if picked else parts)
    seen: Counter = Counter()
    for lab in sorted(names):
        seen[names[lab]] += 1
        if seen[names[lab]] > 1:
            names[lab] = f"{names[lab]} #{seen[names[lab]]}"
    return names
