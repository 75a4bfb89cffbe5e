"""What a study and its series carry into their headers: patient, study and series records, UIDs,
BodyPartExamined."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacslabel.synth.catalog.messiness import (
    BODY_PART_MISSING_RATE,
    BODY_PART_VARIANT_RATE,
    BODY_PART_VARIANTS,
)
from pacslabel.synth.render.style import Style
from pacslabel.synth.texts.identities import address, person_name
from pacslabel.vocab import REGIONS

Rng = np.random.Generator


def new_uid(rng: Rng) -> str:
    """A 2.25 (UUID-derived) UID from the generator: deterministic, valid, at most 44 characters."""
    return "2.25." + str(int.from_bytes(rng.bytes(16), "big") >> 1)


def other_region(rng: Rng, region: str) -> str:
    choices = [r for r in REGIONS if r != region]
    return choices[int(rng.integers(len(choices)))]


def body_part_value(rng: Rng, modality: str, region: str, mislabelled: bool) -> str | None:
    """BodyPartExamined for one series: None (absent), canonical, a variant, or another region's name."""
    if rng.random() < BODY_PART_MISSING_RATE[modality]:
        return None
    if mislabelled:
        region = other_region(rng, region)
    variants = BODY_PART_VARIANTS[region]
    if rng.random() < BODY_PART_VARIANT_RATE:
        return variants[1 + int(rng.integers(len(variants) - 1))]
    return variants[0]


@dataclass
class Patient:
    patient_id: str
    name: str
    birth: tuple[int, int, int]
    sex: str
    address: str


def make_patient(seed: int, patient_index: int) -> Patient:
    rng = np.random.default_rng([seed, 0x5EED, patient_index])
    year = int(rng.integers(1925, 2022))
    return Patient(
        patient_id=str(10_000_000 + patient_index * 13 + int(rng.integers(13))),
        name=person_name(rng),
        birth=(year, int(rng.integers(1, 13)), int(rng.integers(1, 29))),
        sex="F" if rng.random() < 0.52 else "M",
        address=address(rng),
    )


@dataclass
class StudyInfo:
    index: int
    modality: str
    region: str
    patient: Patient
    sex: str
    date: tuple[int, int, int]
    time: str
    accession: str
    study_uid: str
    lang: str
    study_description: str | None
    requested_description: str | None
    institution: str
    site: int  # index into pacslabel.synth.texts.identities.SITES
    body_part_hidden: bool
    referring: str
    manufacturer: str
    model: str
    station: str
    tracer: str | None = None  # PET: a key of catalog.acquisition.RADIOPHARMACEUTICALS
    weight_kg: float | None = None  # PET: PatientWeight, for standardised uptake values


@dataclass
class SeriesInfo:
    number: int
    uid: str
    style: Style
    n_instances: int
    description: str | None
    protocol: str | None
    body_part: str | None
    ts_key: str
    slice_thickness: float
    spacing: float
    window_mode: str  # "single" | "multi" | "missing"
    acquisition: dict[str, object]  # series-constant tags that follow the appearance (keyword: value)
    kvp: float
    exposure_ms: float
    mas: float
    position: str | None
    orientation: list[float] | None
    laterality: str | None = None  # mammography: the breast imaged (R / L)
