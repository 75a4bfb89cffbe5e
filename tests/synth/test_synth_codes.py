"""Site vocabularies and hidden BodyPartExamined: codes consistent within a site and different across
sites, the share of hidden studies, and codes that the region rules cannot read."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pacslabel.synth import SynthConfig, codes
from pacslabel.synth.catalog.appearances import APPEARANCE_TOKENS
from pacslabel.synth.catalog.modalities import REGION_WEIGHTS
from pacslabel.synth.plan import plan_study
from pacslabel.tags.regions import RegionReconstructor
from pacslabel.vocab import MODALITIES, REGIONS

N_STUDIES = 1500
FIELDS = {
    "study": "study_description",
    "requested": "requested_procedure_description",
    "protocol": "protocol_name",
    "series": "series_description",
}
"""Code book table -> the region rules' field it is written to."""


def _plans(**keys):
    cfg = SynthConfig(out="unused", seed=3, **keys)
    return [plan_study(cfg, i)[:2] for i in range(N_STUDIES)]


@pytest.fixture(scope="module")
def plain():
    return _plans()


@pytest.fixture(scope="module")
def coded():
    return _plans(site_code_fraction=0.5, hide_body_part_fraction=0.5)


def _within(share: float, rate: float, n: int) -> bool:
    return abs(share - rate) < 3 * np.sqrt(rate * (1 - rate) / n) + 0.01


def test_code_tables_cover_the_vocabulary():
    assert set(codes.REGION_CODES) == set(REGIONS)
    assert set(codes.MODALITY_CODES) == set(codes.QUALIFIERS) == set(MODALITIES)
    assert set(codes.SCANNER_TOKENS) == {t for tokens in APPEARANCE_TOKENS.values() for t in tokens}
    assert set(codes.CT_THICKNESS) == set(APPEARANCE_TOKENS["kernel"])
    assert codes.LATERAL_REGIONS.issubset(REGIONS)


def test_code_books_depend_on_the_seed_only():
    first = codes.code_books(5)
    codes.code_books.cache_clear()
    again = codes.code_books(5)
    assert first is not again and first == again
    other = codes.code_books(6)
    assert all(a.protocol != b.protocol for a, b in zip(first, other, strict=True))
    for book in first:
        assert len(book.study) == len(MODALITIES) * (len(REGIONS) + len(codes.LATERAL_REGIONS))
        assert all(text.strip() == text != "" for table in FIELDS for text in getattr(book, table).values())


def test_the_same_site_writes_the_same_code_for_the_same_procedure(coded):
    """A coded text is the site's entry for the study's procedure or the series' protocol (but for the
    few that name another region)."""
    books = codes.code_books(3)
    known = [{table: set(getattr(book, table).values()) for table in FIELDS} for book in books]
    agree = total = 0
    for study, series in coded:
        book, texts = books[study.site], known[study.site]
        if study.requested_description in texts["requested"]:
            total += 1
            agree += study.requested_description in {
                book.requested[codes.study_key(study.modality, study.region, side)] for side in codes.SIDES
            }
        for s in series:
            name = s.style.appearance.name
            if s.description in texts["series"]:
                total += 1
                agree += s.description == book.series[(study.modality, study.region, name)]
            if s.protocol in texts["protocol"]:
                total += 1
                exam = "" if study.modality == "CT" else name
                agree += s.protocol == book.protocol[(study.modality, study.region, exam)]
    assert total > 1000
    assert agree / total > 0.93


def test_sites_write_different_codes():
    books = codes.code_books(0)
    for table in ("study", "requested", "protocol"):
        for a, b in itertools.combinations(books, 2):
            left, right = getattr(a, table), getattr(b, table)
            same = np.mean([left[key] == right[key] for key in left])
            assert same < 0.1, (table, a.site, b.site, same)
    # scanner series names are partly vendor spellings that several sites share, but not all of them
    for a, b in itertools.combinations(books, 2):
        assert np.mean([a.series[key] == b.series[key] for key in a.series]) < 0.6


def test_share_of_coded_studies_follows_the_config(coded, plain):
    books = codes.code_books(3)
    coded_studies = coded_series = n_requested = n_series = 0
    for (study, series), (before, before_series) in zip(coded, plain, strict=True):
        assert (study.modality, study.region, study.study_uid) == (
            before.modality,
            before.region,
            before.study_uid,
        )
        book = books[study.site]
        if study.requested_description is not None:
            n_requested += 1
            is_coded = study.requested_description != before.requested_description
            coded_studies += is_coded
            assert is_coded == (study.requested_description in book.requested.values())
        for s, s0 in zip(series, before_series, strict=True):
            assert s.uid == s0.uid and s.style.appearance == s0.style.appearance
            if s.description is not None:
                n_series += 1
                coded_series += s.description != s0.description
    assert _within(coded_studies / n_requested, 0.5, n_requested)
    assert _within(coded_series / n_series, 0.5, len(coded))  # drawn per study


def test_hidden_body_part_share_and_nothing_else_changes(coded, plain):
    hidden = [study.body_part_hidden for study, _ in coded]
    assert _within(np.mean(hidden), 0.5, len(coded))
    assert not any(study.body_part_hidden for study, _ in plain)
    for (study, series), (_, before) in zip(coded, plain, strict=True):
        if study.body_part_hidden:
            assert all(s.body_part is None for s in series)
        else:
            assert [s.body_part for s in series] == [s.body_part for s in before]
    shown = [s.body_part for study, series in coded if not study.body_part_hidden for s in series]
    assert 0.3 < np.mean([v is not None for v in shown]) < 0.8  # the usual per-series missing rates


def test_many_codes_name_no_region_a_rule_can_read():
    """Numeric procedure codes and random protocol codes never match a rule; abbreviations sometimes do."""
    rules = RegionReconstructor()
    for table, field in FIELDS.items():
        read = []
        for book in codes.code_books(0):
            for key, text in getattr(book, table).items():
                modality, region = key[:2]
                if region not in REGION_WEIGHTS[modality]:
                    continue
                read.append(rules.resolve(modality, {field: text})[0] is not None)
                if table == "requested" and text.isdigit():
                    assert not read[-1], text
        assert np.mean(read) < 0.4, (table, np.mean(read))
        if table == "study":
            assert np.mean(read) > 0.05  # "L-SPINE 2V", "CT ABDOMEN W/O"
