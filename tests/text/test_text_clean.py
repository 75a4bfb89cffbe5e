"""Stemmers, cleaning, exclusion accounting and the vocabulary threshold."""

from collections import Counter

import pyarrow as pa
import pytest

from pacslabel.text.clean import (
    EMPTY,
    NO_TOKENS,
    TOO_SHORT,
    Cleaner,
    build_vocab,
    clean_table,
    count_words,
    detect_language,
    tokenize,
)
from pacslabel.text.config import CleanConfig
from pacslabel.text.stemmers import croatian_stem, get_stemmer

HR_GROUPS = [
    ("prijelom", "prijeloma", "prijelomu", "prijelomom", "prijelomi"),
    ("koljeno", "koljena", "koljenu", "koljenom", "koljenima"),
    ("lijevi", "lijeva", "lijevog", "lijevoj", "lijevom", "lijevih", "lijeve"),
    ("kost", "kosti", "kostima"),
    ("glava", "glave", "glavi", "glavu", "glavom"),
    ("zglob", "zgloba", "zglobu", "zglobom", "zglobovi", "zglobova"),
    ("pneumonija", "pneumonije", "pneumoniji", "pneumoniju", "pneumonijom"),
    ("upala", "upale", "upalom"),
    ("hematom", "hematoma", "hematomom"),
    ("bubreg", "bubrega", "bubregu"),
    ("kralježnica", "kralježnice", "kralježnici", "kralježnicom"),
    ("prst", "prsta", "prstu"),
]


@pytest.mark.parametrize("forms", HR_GROUPS, ids=lambda g: g[0])
def test_croatian_forms_share_a_stem(forms):
    stems = {croatian_stem(w) for w in forms}
    assert len(stems) == 1, dict(zip(forms, map(croatian_stem, forms), strict=True))


def test_croatian_known_stems_and_distinct_words():
    assert croatian_stem("koljena") == "koljen"
    assert croatian_stem("Plućima") == "pluć"
    assert croatian_stem("pneumonijom") == "pneumon"
    # a stem keeps at least two characters and a vowel: "nova" is not cut to "n"
    assert croatian_stem("nova") == "nov"
    assert croatian_stem("prst") == "prst"
    assert len({croatian_stem(w) for w in ("kost", "koljeno", "kralježnica", "glava")}) == 4


def test_english_and_german_snowball():
    en = get_stemmer("en")
    assert {en(w) for w in ("fracture", "fractures", "fractured")} == {"fractur"}
    assert en("Lungs") == en("lung") == "lung"
    assert en("effusions") == "effus"
    de = get_stemmer("de")
    assert de("Lungen") == de("lunge") == "lung"
    assert de("frakturen") == "fraktur"
    with pytest.raises(ValueError, match="choose one of"):
        get_stemmer("xx")


def test_tokenize_strips_punctuation_digits_and_case():
    assert tokenize("RTG: pluća (2x), C5-C6; T2w!", 1) == ["rtg", "pluća", "x", "c", "c", "t", "w"]
    assert tokenize("RTG: pluća (2x), C5-C6; T2w!", 2) == ["rtg", "pluća"]


def test_stop_words_and_language_policies():
    text = "Prijelom lijeve tibije, the fracture of the left tibia"
    hr = Cleaner(CleanConfig(language="hr"))
    assert "the" not in hr.tokens(text) and "of" not in hr.tokens(text)
    assert hr.tokens(text)[:3] == ["prijelom", "lijev", "tib"]
    no_stop = Cleaner(CleanConfig(language="none", stop_words=False))
    assert "the" in no_stop.tokens(text)
    extra = Cleaner(CleanConfig(language="none", extra_stop_words=["Tibia"]))
    assert "tibia" not in extra.tokens(text)
    # per-document detection
    assert detect_language(tokenize("the lungs are clear and there is no effusion")) == "en"
    assert detect_language(tokenize("die Lunge ist frei, kein Erguss über dem Zwerchfell")) == "de"
    assert detect_language(tokenize("pluća su bez infiltrata, sinusi slobodni")) == "hr"
    auto = Cleaner(CleanConfig(language="auto"))
    assert auto.tokens("the fractures are healed and there is no effusion") == ["fractur", "heal", "effus"]
    assert auto.tokens("pluća su bez infiltrata i žarišta") == ["pluć", "infiltrat", "žarišt"]
    # per token: a word with Croatian letters takes the Croatian stemmer inside an English report
    tok = Cleaner(CleanConfig(language="auto", auto_scope="token"))
    assert tok.tokens("the fractures of the kralježnica are healed") == ["fractur", "kralježnic", "heal"]


def test_exclusion_accounting_is_exact():
    texts = [
        None,  # empty
        "",  # empty
        "   \n\t ",  # empty
        "kratko",  # too short (6 < 20)
        "12345 67890 ;;; 2024-01-01",  # long enough, no letters -> no tokens
        "i a u na je se the of",  # only stop words and short words -> no tokens
        "Prijelom distalnog radijusa lijeve podlaktice.",
        "Pluća bez infiltrata, srce uredne veličine.",
    ]
    table = pa.table({"accession_key": [f"k{i}" for i in range(len(texts))], "text": texts})
    out = clean_table(table, CleanConfig(min_chars=20))
    assert out.num_rows == len(texts)
    assert out.column("accession_key").to_pylist() == [f"k{i}" for i in range(len(texts))]
    reasons = Counter(out.column("excluded").to_pylist())
    assert reasons == {EMPTY: 3, TOO_SHORT: 1, NO_TOKENS: 2, None: 2}
    assert out.column("tokens").to_pylist()[6] == ["prijelom", "distaln", "radijus", "lijev", "podlaktic"]
    assert out.column("n_chars").to_pylist()[3] == 6
    # min_chars 0 keeps the short one
    out0 = clean_table(table, CleanConfig(min_chars=0))
    assert Counter(out0.column("excluded").to_pylist())[None] == 3


def test_vocabulary_threshold():
    docs = [["a", "b", "c"], ["a", "b"], ["a", "d"], ["a", "b", "e", "e"]]
    counts = count_words(docs)
    assert counts == {"a": 4, "b": 3, "c": 1, "d": 1, "e": 2}
    assert build_vocab(counts, 1) == ["a", "b", "e", "c", "d"]
    assert build_vocab(counts, 2) == ["a", "b", "e"]
    assert build_vocab(counts, 3) == ["a", "b"]
    assert build_vocab(counts, 5) == []
    assert build_vocab(counts, 1, max_size=2) == ["a", "b"]
