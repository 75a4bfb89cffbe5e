"""Which labelled instances an export takes, their de-identified keys, patient-disjoint splits and caps.

Array functions over one batch: the key of an instance is the salted hash of its SOP Instance UID, its
group the salted hash of the patient key (the study where there is none, the instance where there is
neither), and its split follows from the group alone (:mod:`pacslabel.splits`), so no patient crosses
splits and a later export puts a patient's new images in the split of the earlier ones.
"""

from __future__ import annotations

import numpy as np

from pacslabel.label.partition import UNASSIGNED
from pacslabel.privacy import hash_key
from pacslabel.splits import assign_splits, group_keys, unit_hash
from pacslabel.vocab import code_value


def _upper(values) -> np.ndarray:
    return np.asarray([code_value(v) for v in values], dtype=object)


def keep_mask(label, modality, region, labels=(), modalities=(), regions=()) -> np.ndarray:
    """Rows with a label (not UNASSIGNED) that pass every non-empty filter; modality and region compare
    case-insensitively."""
    label = np.asarray(label)
    keep = label != UNASSIGNED
    if len(labels):
        keep &= np.isin(label, np.asarray(list(labels), dtype=label.dtype))
    if len(modalities):
        keep &= np.isin(_upper(modality), list(modalities))
    if len(regions):
        keep &= np.isin(_upper(region), list(regions))
    return keep


def sample_keys(uids, patient_key, study_uid, salt: bytes, seed: int, fractions) -> dict[str, np.ndarray]:
    """``key`` (salted hash of the instance), ``group`` (salted hash of its split group) and ``split``."""
    study = [s if s not in (None, "") else u for s, u in zip(study_uid, uids, strict=True)]
    groups = group_keys(patient_key, study)
    return {
        "key": np.asarray([hash_key(u, salt) for u in uids], dtype=object),
        "group": np.asarray([hash_key(g, salt) for g in groups], dtype=object),
        "split": assign_splits(groups, seed, fractions),
    }


def cap_ranks(keys, seed: int) -> np.ndarray:
    """The seeded order in which instances of a label fill its cap (lowest first)."""
    return unit_hash(keys, seed)


def cap_thresholds(label: np.ndarray, rank: np.ndarray, room: dict[int, int]) -> dict[int, float]:
    """Per label with a cap (``room``: how many more it may take), the largest rank that is kept;
    -1 keeps none. Labels without an entry are uncapped."""
    out = {}
    for lab, free in room.items():
        r = np.sort(rank[label == lab])
        out[int(lab)] = -1.0 if free <= 0 else float(r[min(free, len(r)) - 1]) if len(r) else -1.0
    return out


def under_cap(label: np.ndarray, rank: np.ndarray, thresholds: dict[int, float]) -> np.ndarray:
    """Rows whose rank is within their label's threshold (labels without one: every row)."""
    limit = np.asarray([thresholds.get(int(v), np.inf) for v in label], dtype=np.float64)
    return rank <= limit
