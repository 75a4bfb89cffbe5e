"""Word stemmers for report text: a rule-based Croatian suffix stripper and Snowball (English, German).

The Croatian stemmer follows the approach of Ljubešić et al. (INFuture 2007): lower-case the word,
then strip the longest inflectional suffix whose removal leaves a stem of at least two characters
that still holds a vowel (or a syllabic ``r`` between consonants, as in ``prst``). The suffix list
below is our own and aimed at radiology vocabulary: noun and adjective case endings, the ``-ov-``
plural infix and common verb endings. Derivational suffixes are not stripped, and consonant
alternations (``bubreg`` / ``bubrezi``) are not undone.

Every stemmer is a callable ``str -> str`` that memoises its results: report vocabularies are small
and repetitive, so the cache turns most calls into dictionary look-ups.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import snowballstemmer

LANGUAGES = ("hr", "en", "de", "none")

# Longest suffixes first; within one length the order does not matter (only one can match).
_HR_SUFFIX_TEXT = """
    ovima ovi ova ove ovu ovim ovih
    ijega ijemu ijeg ijem ijih ijim ijoj oga ome omu og eg em om oj ih im
    ijama ijom ija ije iji iju
    ama ima
    irati ivati ovati avati iti ati eti uti ajući ujući ući eći amo ate aju imo ite emo ete uju
    a e i o u
"""
# Lines: -ov- plurals (hard stems only: an -ev- rule clashes with roots such as lijev-, crijev-);
# adjective / pronoun declension; -ija nouns (pneumonija, arterija); noun plural cases; verbs
# (the -l- participles -ala, -ila, ... are left out: they clash with nouns such as upala); vowels.
_HR_SUFFIXES = tuple(sorted(set(_HR_SUFFIX_TEXT.split()), key=lambda s: (-len(s), s)))

# Roots whose nominative ends in what looks like an inflection (-om, -eg, ...): the bare root and the
# root plus one inflectional suffix all stem to the root (hematom, hematoma, hematomom -> hematom).
_HR_PROTECTED_TEXT = """
    prijelom prelom lom bubreg snijeg hematom karcinom adenom fibrom lipom angiom limfom gliom miom
    meningeom melanom sarkom papilom aterom sindrom aneurizm
"""
_HR_PROTECTED = frozenset(_HR_PROTECTED_TEXT.split())

_VOWEL = re.compile(r"[aeiou]|(^|[^aeiou])r($|[^aeiou])")


def _hr_stem_ok(stem: str, min_len: int) -> bool:
    return len(stem) >= min_len and _VOWEL.search(stem) is not None


def croatian_stem(word: str, min_len: int = 2) -> str:
    """Strip the longest Croatian inflectional suffix that leaves a pronounceable stem.

    >>> [croatian_stem(w) for w in ("koljena", "koljenu", "koljeno", "koljenima")]
    ['koljen', 'koljen', 'koljen', 'koljen']
    """
    w = word.lower()
    if w in _HR_PROTECTED:
        return w
    for p in _HR_PROTECTED:
        if w.startswith(p) and w[len(p) :] in _HR_SUFFIXES:
            return p
    for suffix in _HR_SUFFIXES:
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if _hr_stem_ok(stem, min_len):
                return stem
    return w


@functools.cache
def _snowball(language: str):
    return snowballstemmer.stemmer(language)


@functools.lru_cache(maxsize=8)
def get_stemmer(language: str, cache_size: int = 200_000) -> Callable[[str], str]:
    """A memoised stemmer for ``language`` (``hr``, ``en``, ``de`` or ``none``)."""
    if language == "hr":
        fn = croatian_stem
    elif language == "en":
        stem_en = _snowball("english").stemWord

        def fn(w: str) -> str:
            return stem_en(w.lower())
    elif language == "de":
        stem_de = _snowball("german").stemWord

        def fn(w: str) -> str:
            return stem_de(w.lower())
    elif language == "none":

        def fn(w: str) -> str:
            return w.lower()
    else:
        raise ValueError(f"unknown stemmer language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return functools.lru_cache(maxsize=cache_size)(fn)
