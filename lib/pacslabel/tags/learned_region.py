"""Region from the archive's own vocabulary: character n-gram TF-IDF and a logistic regression.

The model reads the description fields as two texts (:data:`TEXT_GROUPS`: the study and requested
procedure; the protocol and series), each as character n-grams of its normalised text and as
:func:`abbreviation_keys` (so that "plvs" meets "pelvis"), and modality, manufacturer and model name as
one token each. It is fitted on the archive's labelled rows (see
:class:`pacslabel.tags.batches.LabelBatch`), and it answers only where it is sure: the largest
probability must reach ``threshold_`` (chosen on out-of-fold studies, see :func:`choose_threshold`) and
at least ``min_known`` of the description's n-grams must have been seen in training, so a description
unlike any of the archive's stays open rather than guessed from the modality. It also carries the rule
readings the archive overruled (``rule_overrides_``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from pacslabel.tags.pickled import Pickled
from pacslabel.tags.regions import normalise_text

TEXT_GROUPS = {
    "study": ("study_description", "requested_procedure_description"),
    "series": ("protocol_name", "series_description"),
}
"""Description fields read as one text per group: what the study was ordered as, and what each series
was acquired as (weighed apart, so a study's code is not drowned by its series' sequence names)."""
TEXT_FIELDS = tuple(field for fields in TEXT_GROUPS.values() for field in fields)
DEVICE_FIELDS = ("modality", "manufacturer", "manufacturer_model_name")
MODEL_FIELDS = (*TEXT_FIELDS, *DEVICE_FIELDS)
_VOWELS = re.compile("[aeiouy]")


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _key(value: object) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value)


def _joined(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    texts = []
    for values in zip(*(_column(frame, f) for f in fields), strict=True):
        parts = dict.fromkeys(t for t in (normalise_text(v) for v in values) if t)
        texts.append(" ".join(parts))
    return texts


def model_inputs(frame: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    """(description text per :data:`TEXT_GROUPS` group, device tokens) per row: a group's distinct
    normalised descriptions joined by spaces; ``mod=ct man=ge_medical_systems mdl=...`` for the device
    fields present."""
    texts = {group: _joined(frame, fields) for group, fields in TEXT_GROUPS.items()}
    devices = []
    for values in zip(*(_column(frame, f) for f in DEVICE_FIELDS), strict=True):
        tokens = [
            f"{prefix}={normalise_text(v).replace(' ', '_')}"
            for prefix, v in zip(("mod", "man", "mdl"), values, strict=True)
            if normalise_text(v)
        ]
        devices.append(" ".join(tokens))
    return texts, devices


def abbreviation_keys(text: str, longest: int = 5) -> str:
    """Keys shared by a word and its clinical abbreviations: the prefixes (2 to ``longest`` letters) of
    each word's consonant skeleton (first letter, then the consonants), so that truncations and
    consonant spellings meet the full word ("pelvis", "pelv", "plvs" all give ``pl plv``)."""
    keys = []
    for word in text.split():
        if len(word) < 2 or not word.isalpha():
            continue
        skeleton = word[0] + _VOWELS.sub("", word[1:])
        keys.extend(skeleton[:k] for k in range(2, min(len(skeleton), longest) + 1))
    return " ".join(dict.fromkeys(keys))


class RegionTextModel(Pickled):
    """Text fields -> region, with a probability; ``fit`` returns self, ``decide`` applies the gates."""

    FORMAT_VERSION = 2

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        max_features: int = 262_144,
        c: float = 10.0,
        min_known: float = 0.5,
        abbreviations: bool = True,
        random_state: int = 0,
    ):
        self.ngram_range = tuple(ngram_range)
        self.max_features = max_features
        self.c = c
        self.min_known = min_known
        self.abbreviations = abbreviations
        self.random_state = random_state
        self.threshold_: float | None = None
        self.rule_overrides_: tuple[tuple[str, str, str], ...] = ()

    def fit(self, frame: pd.DataFrame, labels, sample_weight=None) -> RegionTextModel:
        """Fit on the text fields of ``frame`` (any of :data:`MODEL_FIELDS`) and one region per row."""
        from sklearn.linear_model import LogisticRegression

        texts, devices = model_inputs(frame)
        labels = np.asarray(labels, dtype=object)
        self.text_vectorizers_, self.abbreviation_vectorizers_, blocks = {}, {}, []
        for group, docs in texts.items():
            self.text_vectorizers_[group], x = _fit_block(self._char_vectorizer(), docs)
            blocks.append(x)
            keys = [abbreviation_keys(t) if self.abbreviations else "" for t in docs]
            self.abbreviation_vectorizers_[group], x = _fit_block(_token_vectorizer(sublinear_tf=True), keys)
            blocks.append(x)
        self.device_vectorizer_, x = _fit_block(_token_vectorizer(use_idf=False, binary=True), devices)
        x = _stack([*blocks, x])
        weight = None
        if sample_weight is not None:
            weight = np.asarray(sample_weight, dtype=np.float64)
            weight = weight * (len(weight) / weight.sum())
        self.classifier_ = LogisticRegression(C=self.c, max_iter=500, random_state=self.random_state)
        self.classifier_.fit(x, labels, sample_weight=weight)
        self.classes_ = self.classifier_.classes_
        self.known_n_ = min(max(4, self.ngram_range[0]), self.ngram_range[1])
        self.n_features_ = x.shape[1]
        return self

    def _char_vectorizer(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            lowercase=False,
            min_df=1,
            sublinear_tf=True,
            max_features=self.max_features,
            dtype=np.float32,
        )

    def _features(self, texts: dict[str, list[str]], devices: list[str]):
        blocks = []
        for group, docs in texts.items():
            blocks.append(_apply_block(self.text_vectorizers_[group], docs))
            keys = self.abbreviation_vectorizers_[group]
            blocks.append(_apply_block(keys, [abbreviation_keys(t) for t in docs] if keys else docs))
        return _stack([*blocks, _apply_block(self.device_vectorizer_, devices)])

    def known_share(self, texts: dict[str, list[str]]) -> np.ndarray:
        """Share of each row's description n-grams of length ``known_n_`` (4 where the range allows:
        long enough to be specific, short words padded by spaces included) seen in training in the same
        group; 0 without any."""
        n = len(next(iter(texts.values()), []))
        seen, total = np.zeros(n), np.zeros(n)
        for group, docs in texts.items():
            vectorizer = self.text_vectorizers_[group]
            analyse = (vectorizer or self._char_vectorizer()).build_analyzer()
            vocabulary = vectorizer.vocabulary_ if vectorizer is not None else {}
            for i, text in enumerate(docs):
                grams = [g for g in analyse(text) if len(g) == self.known_n_] if text else []
                seen[i] += sum(g in vocabulary for g in grams)
                total[i] += len(grams)
        return np.divide(seen, total, out=np.zeros(n), where=total > 0)

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row: most probable ``region``, its ``probability`` and ``known`` (see :meth:`known_share`).

        Rows are scored once per distinct combination of the model fields."""
        raw = [_column(frame, f) for f in MODEL_FIELDS]
        keys = np.asarray(["\x1f".join(map(_key, row)) for row in zip(*raw, strict=True)], dtype=object)
        codes, uniques = pd.factorize(keys)
        first = np.zeros(len(uniques), dtype=np.int64)
        first[codes] = np.arange(len(codes))  # any row of a key: its fields read the same
        distinct = pd.DataFrame(
            {f: [values[i] for i in first] for f, values in zip(MODEL_FIELDS, raw, strict=True)}
        )
        texts, devices = model_inputs(distinct)
        if len(distinct):
            proba = self.classifier_.predict_proba(self._features(texts, devices))
            best = proba.argmax(axis=1)
            region = self.classes_[best].astype(object)
            probability = proba[np.arange(len(best)), best]
        else:
            region, probability = np.zeros(0, dtype=object), np.zeros(0)
        known = self.known_share(texts)
        return pd.DataFrame(
            {"region": region[codes], "probability": probability[codes], "known": known[codes]},
            index=frame.index,
        )

    def accepted(self, scored: pd.DataFrame) -> np.ndarray:
        """Rows of a :meth:`predict` frame the model answers (threshold and known-n-gram gates)."""
        if self.threshold_ is None:
            return np.zeros(len(scored), dtype=bool)
        return ((scored["probability"] >= self.threshold_) & (scored["known"] >= self.min_known)).to_numpy()

    def decide(self, frame: pd.DataFrame) -> pd.DataFrame:
        """:meth:`predict` with ``region`` and ``probability`` set to None where the model stays open."""
        scored = self.predict(frame)
        keep = self.accepted(scored)
        scored["region"] = scored["region"].astype(object)
        scored.loc[~keep, "region"] = None
        scored.loc[~keep, "probability"] = np.nan
        return scored

    def meta(self) -> dict[str, Any]:
        return {
            "format": self.FORMAT_VERSION,
            "classes": [str(c) for c in self.classes_],
            "threshold": self.threshold_,
            "rule_overrides": [list(o) for o in self.rule_overrides_],
            "min_known": self.min_known,
            "ngram_range": list(self.ngram_range),
            "n_features": int(self.n_features_),
        }


def _token_vectorizer(**options):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.float32, **options)


def _fit_block(vectorizer, docs: list[str]):
    """(the fitted vectorizer, its matrix); (None, no columns) when no document holds any text."""
    import scipy.sparse as sp

    if not any(docs):
        return None, sp.csr_matrix((len(docs), 0), dtype=np.float32)
    return vectorizer, vectorizer.fit_transform(docs)


def _apply_block(vectorizer, docs: list[str]):
    import scipy.sparse as sp

    if vectorizer is None:
        return sp.csr_matrix((len(docs), 0), dtype=np.float32)
    return vectorizer.transform(docs)


def _stack(blocks):
    import scipy.sparse as sp

    return sp.hstack(blocks, format="csr")


def choose_threshold(
    probability: np.ndarray, correct: np.ndarray, weight: np.ndarray, precision: float, floor: float = 0.0
) -> dict[str, Any]:
    """The lowest probability cut whose answers reach ``precision`` (weighted), i.e. the largest coverage
    at that precision; cuts fall between distinct probabilities and never below ``floor``.

    Returns ``threshold`` (None when no cut reaches the precision), and the ``precision`` and
    ``coverage`` (share of the total weight answered) at it.
    """
    probability = np.asarray(probability, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    weight = np.asarray(weight, dtype=np.float64)
    total = float(weight.sum())
    order = np.argsort(-probability, kind="stable")
    p, c, w = probability[order], correct[order], weight[order]
    cum_w = np.cumsum(w)
    cum_c = np.cumsum(w * c)
    # a cut can only sit after the last of a run of equal probabilities
    ends = np.append(p[1:] != p[:-1], True) if len(p) else np.zeros(0, dtype=bool)
    ok = ends & (p >= floor) & (cum_c >= precision * cum_w) & (cum_w > 0)
    if not ok.any():
        return {"threshold": None, "precision": None, "coverage": 0.0}
    i = int(np.flatnonzero(ok)[-1])
    return {
        "threshold": float(p[i]),
        "precision": float(cum_c[i] / cum_w[i]),
        "coverage": float(cum_w[i] / total) if total else 0.0,
    }
