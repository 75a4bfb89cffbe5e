"""Report text cleaning: words only, lower case, stop words out, stemmed per a language policy.

Pipeline per report (paper 003 §2.1.3, Appendix B): screen (empty / shorter than ``min_chars`` ->
excluded with a reason), split into words (letters only: punctuation and digits go), lower-case,
drop short tokens and stop words, stem. A report left with no token is excluded too
(``no_tokens``). The vocabulary threshold (minimum word frequency) is applied by the embedders,
over the training corpus.

Language policy (``language``): ``hr``, ``en``, ``de`` or ``none`` stem every token with that
stemmer; ``auto`` picks the language of each document (``auto_scope: document``) or of each token
(``auto_scope: token``: tokens with language-specific letters or stop words take that language, the
rest the document's) from stop-word hits and diacritics, with ``default_language`` on ties.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pyarrow as pa

from pacslabel.runroot import ACCESSION_KEY
from pacslabel.text.config import CleanConfig
from pacslabel.text.stemmers import get_stemmer

# Exclusion reasons (the ``excluded`` column; null = kept).
EMPTY = "empty"
TOO_SHORT = "too_short"
NO_TOKENS = "no_tokens"
REASONS = (EMPTY, TOO_SHORT, NO_TOKENS)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS: dict[str, frozenset[str]] = {
    "hr": _word_set(
        """i a ali te pa ni niti ili da je su se sam si smo ste bio bila bilo bili bile biti bude budu
        nije nisu na u o od do za sa s iz uz po pri prema kod kroz bez nad pod između radi zbog te to
        taj ta ovo ova ovaj ove ovi ono ona on oni one koji koja koje kojeg kojem kojih što kao kad
        kada gdje ne nema još već samo i također te vrlo više manje"""
    ),
    "en": _word_set(
        """a an the and or but nor of in on at to for from by with without into onto over under is are
        was were be been being this that these those it its as no not there here which who whom than
        then also very more less per has have had do does did can may"""
    ),
    "de": _word_set(
        """der die das den dem des ein eine einer eines einem einen und oder aber nicht kein keine im in
        am an auf aus bei mit nach von vom zu zum zur über unter ist sind war waren wird werden wurde
        als auch noch sich es er sie wie bzw"""
    ),
}
_HR_LETTERS = frozenset("čćđšž")
_DE_LETTERS = frozenset("äöüß")
_WORD = re.compile(r"[^\W\d_]+")


def tokenize(text: str, min_token_len: int = 1) -> list[str]:
    """Lower-cased runs of letters; punctuation, digits and underscores split and disappear."""
    return [t for t in _WORD.findall(text.lower()) if len(t) >= min_token_len]


def _token_language(token: str) -> str | None:
    if any(c in _HR_LETTERS for c in token):
        return "hr"
    if any(c in _DE_LETTERS for c in token):
        return "de"
    hits = [lang for lang, words in STOP_WORDS.items() if token in words]
    return hits[0] if len(hits) == 1 else None


def detect_language(tokens: list[str], default: str = "hr") -> str:
    """The language with the most stop-word and diacritic hits among ``tokens``; ``default`` on ties."""
    votes: Counter[str] = Counter()
    for t in tokens:
        lang = _token_language(t)
        if lang is not None:
            votes[lang] += 1
    if not votes:
        return default
    ranked = votes.most_common()
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return default
    return ranked[0][0]


class Cleaner:
    """Text -> (tokens, exclusion reason or None) under one :class:`CleanConfig`."""

    def __init__(self, cfg: CleanConfig):
        self.cfg = cfg
        if cfg.stop_words:
            self.stop = frozenset().union(*STOP_WORDS.values(), (w.lower() for w in cfg.extra_stop_words))
        else:
            self.stop = frozenset(w.lower() for w in cfg.extra_stop_words)

    def tokens(self, text: str) -> list[str]:
        """Cleaned, stemmed tokens of one text (no screening)."""
        cfg = self.cfg
        words = tokenize(text, cfg.min_token_len)
        if cfg.language != "auto":
            stem = get_stemmer(cfg.language)
            return [stem(w) for w in words if w not in self.stop]
        doc_lang = detect_language(words, cfg.default_language)
        if cfg.auto_scope == "document":
            stem = get_stemmer(doc_lang)
            return [stem(w) for w in words if w not in self.stop]
        out = []
        for w in words:
            if w in self.stop:
                continue
            out.append(get_stemmer(_token_language(w) or doc_lang)(w))
        return out

    def __call__(self, text: str | None) -> tuple[list[str], str | None]:
        if text is None or not text.strip():
            return [], EMPTY
        if len(text.strip()) < self.cfg.min_chars:
            return [], TOO_SHORT
        toks = self.tokens(text)
        if not toks:
            return [], NO_TOKENS
        return toks, None


TOKENS_SCHEMA = pa.schema(
    [
        (ACCESSION_KEY, pa.string()),
        ("tokens", pa.list_(pa.string())),
        ("n_chars", pa.int32()),
        ("excluded", pa.string()),
    ]
)


def clean_table(table: pa.Table, cfg: CleanConfig, key: str = ACCESSION_KEY, text: str = "text") -> pa.Table:
    """Batch wrapper: (accession_key, text) -> (accession_key, tokens, n_chars, excluded).

    Every input row comes out: excluded rows have empty tokens and a reason from :data:`REASONS`.
    """
    cleaner = Cleaner(cfg)
    keys = table.column(key).to_pylist()
    texts = table.column(text).to_pylist()
    toks, n_chars, reasons = [], [], []
    for t in texts:
        words, reason = cleaner(t)
        toks.append(words)
        n_chars.append(len(t) if t is not None else 0)
        reasons.append(reason)
    return pa.Table.from_arrays(
        [
            pa.array(keys, pa.string()),
            pa.array(toks, pa.list_(pa.string())),
            pa.array(n_chars, pa.int32()),
            pa.array(reasons, pa.string()),
        ],
        schema=TOKENS_SCHEMA,
    )


def count_words(docs: Iterable[list[str]]) -> Counter[str]:
    """Total occurrences of every token over ``docs``."""
    counts: Counter[str] = Counter()
    for d in docs:
        counts.update(d)
    return counts


def build_vocab(counts: Counter[str] | dict[str, int], min_count: int, max_size: int = 0) -> list[str]:
    """Words occurring at least ``min_count`` times, most frequent first (ties by word), at most
    ``max_size`` of them (0 = no cap)."""
    kept = sorted(((w, c) for w, c in counts.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    if max_size:
        kept = kept[:max_size]
    return [w for w, _ in kept]
