"""Seeded, stable train / validation / test splits, disjoint by patient (by study without a patient key).

A group's split follows from a hash of (seed, group key) alone, so it is the same in every stage, every
worker and every later relabel, and adding new studies never moves an old one to another split.
"""

from __future__ import annotations

import hashlib

import numpy as np

SPLITS = ("train", "validation", "test")
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)


def check_fractions(fractions: tuple[float, float, float] | list[float], key: str = "split") -> None:
    """Raise ValueError unless three non-negative fractions sum to 1 with a non-empty train share."""
    if len(fractions) != 3 or min(fractions) < 0 or abs(sum(fractions) - 1.0) > 1e-6 or fractions[0] <= 0:
        raise ValueError(
            f"{key}: give [train, validation, test] fractions >= 0 summing to 1, got {fractions}"
        )


def unit_hash(keys, seed: int) -> np.ndarray:
    """Uniform values in [0, 1) from (seed, key); the same key always gives the same value."""
    prefix = f"{int(seed)}:".encode()
    out = np.empty(len(keys), np.float64)
    for i, k in enumerate(keys):
        digest = hashlib.blake2b(prefix + str(k).encode(), digest_size=8).digest()
        out[i] = int.from_bytes(digest, "big") / 2.0**64
    return out


def group_keys(patient_key, study_key) -> np.ndarray:
    """The key that keeps a group in one split: the patient key, else the study key (else none)."""
    patient = np.asarray(patient_key, dtype=object)
    study = np.asarray(study_key, dtype=object)
    out = np.where(
        [p is not None and p == p and str(p) != "" for p in patient],
        np.char.add("p:", patient.astype(str)),
        np.char.add("s:", study.astype(str)),
    )
    return out.astype(object)


def assign_splits(keys, seed: int = 0, fractions=DEFAULT_FRACTIONS) -> np.ndarray:
    """Split name ("train" / "validation" / "test") of every group key."""
    check_fractions(fractions)
    u = unit_hash(keys, seed)
    cut = np.cumsum(fractions)[:2]
    idx = np.searchsorted(cut, u, side="right")
    return np.asarray(SPLITS, dtype=object)[idx]
