"""Synthetic (fake) patient and staff names and addresses, and the institutions sharing the archive."""

from __future__ import annotations

import numpy as np

from pacslabel.synth.texts.sampling import pick

Rng = np.random.Generator

FIRST_NAMES = (
    "Ivan",
    "Marko",
    "Ana",
    "Marija",
    "Luka",
    "Petra",
    "Josip",
    "Ivana",
    "Hans",
    "Anna",
    "John",
    "Mary",
    "Tomislav",
    "Katarina",
    "Stjepan",
    "Nikola",
    "Maja",
    "Sara",
    "Franjo",
    "Klara",
)
LAST_NAMES = (
    "Horvat",
    "Kovačević",
    "Babić",
    "Marić",
    "Jurić",
    "Novak",
    "Knežević",
    "Vuković",
    "Müller",
    "Schmidt",
    "Smith",
    "Petrović",
    "Tomić",
    "Pavlović",
    "Božić",
    "Grgić",
    "Perić",
    "Matić",
)
CITIES = ("Rijeka", "Zagreb", "Split", "Opatija", "Pula", "Karlovac", "Graz", "Wien")
STREETS = ("Ulica Ivana Gundulića", "Krešimirova", "Riva", "Hauptstraße", "Vukovarska", "Ulica Slobode")
SITES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("KBCRI", ("KBC Rijeka", "KBC RIJEKA", "Klinički bolnički centar Rijeka"), "hr"),
    ("OBPU", ("OB Pula",), "hr"),
    ("MEDICO", ("Poliklinika Medico",), "hr"),
    ("REBRO", ("KBC Zagreb - Rebro",), "hr"),
    ("LKHG", ("LKH Graz",), "de"),
)
"""Institutions sharing the archive: acronym, the InstitutionName spellings their devices write, and the
language of their own abbreviations."""
INSTITUTIONS = tuple(name for _, names, _ in SITES for name in names)
SITE_OF_INSTITUTION = {name: i for i, (_, names, _) in enumerate(SITES) for name in names}


def person_name(rng: Rng) -> str:
    return f"{pick(rng, LAST_NAMES)}^{pick(rng, FIRST_NAMES)}"


def address(rng: Rng) -> str:
    return f"{pick(rng, STREETS)} {int(rng.integers(1, 120))}, {pick(rng, CITIES)}"
