"""The plan of one synthetic study: patient, study and series records, drawn from (seed, study index).

Everything a study contains is drawn from ``numpy.random.default_rng([seed, index])``, so the output
of a study does not depend on which worker makes it or in which order. Whether its BodyPartExamined is
hidden and whether it is described with its site's codes come from a stream of their own
(:data:`SITE_STREAM`), so that those settings change nothing else.
"""

from __future__ import annotations

import numpy as np

from pacslabel.synth import codes
from pacslabel.synth.appearance import Appearance, draw_appearances
from pacslabel.synth.canvas import Pose
from pacslabel.synth.catalog.acquisition import MANUFACTURERS, MG_KVP, PT_TRACERS
from pacslabel.synth.catalog.appearances import DESCRIPTION_UNINFORMATIVE_RATE
from pacslabel.synth.catalog.messiness import (
    MISLABEL_RATE,
    MONOCHROME1_RATE,
    WINDOW_MISSING_RATE,
    WINDOW_MULTI_RATE,
)
from pacslabel.synth.catalog.modalities import (
    FRAMES,
    INSTANCES_PER_SERIES,
    MODALITY_WEIGHTS,
    REGION_WEIGHTS,
    SERIES_PER_STUDY,
    SIZES,
    SLICED,
    WHOLEBODY_NM_SIZE,
    WHOLEBODY_PT_SIZE,
)
from pacslabel.synth.config import SynthConfig
from pacslabel.synth.encode import effective_ts
from pacslabel.synth.headers.acquisition_tags import acquisition_tags, orientation
from pacslabel.synth.headers.study_info import (
    SeriesInfo,
    StudyInfo,
    body_part_value,
    make_patient,
    new_uid,
    other_region,
)
from pacslabel.synth.render.style import Style
from pacslabel.synth.texts import descriptions
from pacslabel.synth.texts.identities import INSTITUTIONS, SITE_OF_INSTITUTION, person_name
from pacslabel.synth.texts.sampling import pick, weighted
from pacslabel.synth.texts.words import LANG_WEIGHTS, LANGS

Rng = np.random.Generator

SITE_STREAM = 0x517E
"""Spawn key of a study's second random stream (hidden BodyPartExamined, site codes, side)."""


def _scaled_count(rng: Rng, lo_hi: tuple[int, int], scale: float, minimum: int) -> int:
    n = int(rng.integers(lo_hi[0], lo_hi[1] + 1))
    return max(round(n * scale), minimum)


def _size(cfg: SynthConfig, rng: Rng, modality: str, region: str, look: Appearance) -> tuple[int, int]:
    if modality == "NM" and region == "WHOLEBODY" and look.mode == "PLANAR":
        rows, cols = WHOLEBODY_NM_SIZE
    elif modality == "PT" and region == "WHOLEBODY" and (look.plane == "COR" or look.mode == "MIP"):
        rows, cols = WHOLEBODY_PT_SIZE
    else:
        choices = SIZES[modality]
        rows, cols = choices[int(rng.integers(len(choices)))]
    long = max(rows, cols)
    s = min(1.0, cfg.max_size / long) * cfg.image_scale
    return max(round(rows * s), 16), max(round(cols * s), 16)


def plan_study(cfg: SynthConfig, index: int) -> tuple[StudyInfo, list[SeriesInfo], Rng]:
    rng = np.random.default_rng([cfg.seed, index])
    modality = weighted(rng, MODALITY_WEIGHTS)
    region = weighted(rng, REGION_WEIGHTS[modality])
    tracer = weighted(rng, PT_TRACERS[region]) if modality == "PT" else None
    patient = make_patient(cfg.seed, index * 7 // 10)
    sex = "F" if region == "BREAST" else patient.sex
    year = int(rng.integers(max(2010, patient.birth[0] + 1), 2026))
    date = (year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    lang = LANGS[int(rng.choice(len(LANGS), p=LANG_WEIGHTS))]
    desc_region = other_region(rng, region) if rng.random() < MISLABEL_RATE else region
    vendors = MANUFACTURERS[modality]
    manufacturer, models = vendors[int(rng.integers(len(vendors)))]
    study_time = f"{int(rng.integers(7, 20)):02d}{int(rng.integers(60)):02d}{int(rng.integers(60)):02d}"
    study_uid = new_uid(rng)
    study_desc = (
        None
        if rng.random() < 0.04
        else descriptions.study_description(rng, lang, modality, desc_region, tracer)
    )
    requested = (
        None
        if rng.random() < 0.3
        else descriptions.study_description(rng, lang, modality, desc_region, tracer)
    )
    institution = pick(rng, INSTITUTIONS)
    site = SITE_OF_INSTITUTION[institution]
    aux = np.random.default_rng(np.random.SeedSequence([cfg.seed, index], spawn_key=(SITE_STREAM,)))
    hidden = bool(aux.random() < cfg.hide_body_part_fraction)
    coded_study = aux.random() < cfg.site_code_fraction
    coded_series = aux.random() < cfg.site_code_fraction
    side = codes.SIDES[int(aux.integers(len(codes.SIDES)))]
    book = codes.code_books(cfg.seed)[site] if coded_study or coded_series else None
    if coded_study:
        key = codes.study_key(modality, desc_region, side)
        study_desc = None if study_desc is None else book.study[key]
        requested = None if requested is None else book.requested[key]
    study = StudyInfo(
        index=index,
        modality=modality,
        region=region,
        patient=patient,
        sex=sex,
        date=date,
        time=study_time,
        accession=f"{cfg.seed % 100:02d}{index:09d}",
        study_uid=study_uid,
        lang=lang,
        study_description=study_desc,
        requested_description=requested,
        institution=institution,
        site=site,
        body_part_hidden=hidden,
        referring=person_name(rng) if rng.random() < 0.8 else "",
        manufacturer=manufacturer,
        model=pick(rng, models),
        station=f"{modality}{int(rng.integers(1, 5))}_{pick(rng, ('RI', 'SUS', 'KBC', 'OB'))}",
        tracer=tracer,
        weight_kg=round(float(np.clip(rng.normal(76, 15), 40, 150)), 1) if tracer else None,
    )
    ts_keys = list(cfg.transfer_syntaxes)
    ts_p = np.array([cfg.transfer_syntaxes[k] for k in ts_keys], dtype=float)
    ts_p /= ts_p.sum()
    n_series = int(rng.integers(SERIES_PER_STUDY[modality][0], SERIES_PER_STUDY[modality][1] + 1))
    looks = draw_appearances(rng, modality, region, n_series)
    rows, cols = _size(cfg, rng, modality, region, looks[0])
    ct_protocol = descriptions.ct_protocol(rng, lang, desc_region) if modality == "CT" else None
    if modality == "CT" and coded_series:
        ct_protocol = book.protocol[(modality, desc_region, "")]
    base_pose = Pose(
        rot=float(rng.normal(0, 0.12)),
        scale=float(rng.uniform(0.8, 1.12)),
        dx=float(rng.normal(0, 0.06)),
        dy=float(rng.normal(0, 0.06)),
        flip=bool(rng.random() < 0.5),
    )
    sides = _mammogram_sides(side, looks) if modality == "MG" else [None] * len(looks)
    series: list[SeriesInfo] = []
    for s, look in enumerate(looks):
        mislabelled = rng.random() < MISLABEL_RATE
        sreg = other_region(rng, region) if mislabelled else region
        min_n = 2 if modality in SLICED else 1
        n_inst = _scaled_count(rng, INSTANCES_PER_SERIES[modality], cfg.instances_scale, min_n)
        if look.mode == "MIP":
            n_inst = 1
        frames = 1
        if modality == "XA" or look.mode in ("SPECT", "DYNAMIC", "SEQUENCE"):
            frames = _scaled_count(rng, FRAMES[modality], cfg.instances_scale, 2)
        if (modality == "MR" and s > 0 and rng.random() < 0.5) or modality in ("NM", "PT"):
            rows, cols = _size(cfg, rng, modality, region, look)
        pose = Pose(
            base_pose.rot + float(rng.normal(0, 0.05)),
            base_pose.scale * float(rng.uniform(0.93, 1.07)),
            base_pose.dx + float(rng.normal(0, 0.03)),
            base_pose.dy + float(rng.normal(0, 0.03)),
            base_pose.flip if rng.random() < 0.8 else not base_pose.flip,
        )
        if sides[s] is not None:  # the drawing shows a left breast; a right one is its mirror image
            pose = Pose(pose.rot * 0.3, pose.scale, pose.dx, pose.dy, sides[s] == "R")
        bits = 12
        if modality == "MG":
            bits = 14 if rng.random() < 0.5 else 12
        elif modality in ("XA", "RF"):
            bits = 8 if rng.random() < 0.6 else 10
        elif modality == "MR" and rng.random() < 0.4:
            bits = 16
        elif modality in ("CR", "DX") and rng.random() < 0.2:
            bits = 14 if rng.random() < 0.5 else 10
        style = Style(
            modality=modality,
            region=region,
            rows=rows,
            cols=cols,
            frames=frames,
            appearance=look,
            monochrome1=bool(rng.random() < MONOCHROME1_RATE.get(modality, 0.0)),
            bits_stored=bits,
            noise=float(rng.uniform(0.6, 1.6)),
            pose=pose,
            anat_seed=int(rng.integers(2**62)),
        )
        fov_mm = {
            "CT": 350.0,
            "MR": 240.0,
            "CR": 400.0,
            "DX": 400.0,
            "MG": 240.0,
            "XA": 250.0,
            "RF": 400.0,
            "NM": 500.0,
            "PT": 650.0,
            "US": 150.0,
        }[modality] * float(rng.uniform(0.7, 1.2))
        acquisition = acquisition_tags(
            rng, modality, region, manufacturer, look, sides[s], tracer, study_time
        )
        wmode = "single"
        if rng.random() < WINDOW_MISSING_RATE[modality]:
            wmode = "missing"
        elif rng.random() < WINDOW_MULTI_RATE.get(modality, 0.0):
            wmode = "multi"
        ts_key = effective_ts(ts_keys[int(rng.choice(len(ts_keys), p=ts_p))])
        if modality == "US" and ts_key == "explicit_be":
            ts_key = "explicit_le"
        position = None
        if modality in ("CT", "MR", "XA", "NM", "PT") or (modality != "MG" and rng.random() < 0.3):
            position = "FFS" if region in ("KNEE", "FOOT", "HIP") and rng.random() < 0.7 else "HFS"
            if region == "BREAST" and modality == "MR":
                position = "HFP"
        thickness = _slice_thickness(rng, modality, look)
        informative = rng.random() >= DESCRIPTION_UNINFORMATIVE_RATE[modality]
        extra: tuple[str, ...] = ()
        if modality == "CT":
            kernel = acquisition["ConvolutionKernel"]
            extra = (f"{thickness:g}", kernel[0] if isinstance(kernel, list) else str(kernel))
        desc_look = look if informative else None
        description = None
        if rng.random() >= 0.05:
            named = sreg if rng.random() < 0.8 else region
            description = descriptions.series_description(
                rng, lang, modality, named, desc_look, extra, sides[s]
            )
            if coded_series:
                description = book.series[(modality, named, look.name)]
        protocol = ct_protocol
        if modality != "CT" and rng.random() >= 0.15:
            protocol = descriptions.series_description(rng, lang, modality, sreg, desc_look, side=sides[s])
            if coded_series:
                protocol = book.protocol[(modality, sreg, look.name)]
        if modality == "MG":
            kvp = float(round(rng.uniform(*MG_KVP)))
        else:
            kvp = float(rng.choice([60, 70, 81, 90, 100, 109, 120, 125, 133, 140]))
        series.append(
            SeriesInfo(
                number=s + 1 if rng.random() < 0.7 else 100 * (s + 1) + int(rng.integers(10)),
                uid=new_uid(rng),
                style=style,
                n_instances=n_inst,
                description=description,
                protocol=protocol,
                body_part=body_part_value(rng, modality, region, mislabelled),
                ts_key=ts_key,
                slice_thickness=thickness,
                spacing=fov_mm / max(rows, cols),
                window_mode=wmode,
                acquisition=acquisition,
                kvp=kvp,
                exposure_ms=float(rng.uniform(3, 900)),
                mas=float(rng.uniform(1, 350)),
                position=position,
                orientation=orientation(rng, modality, region, look),
                laterality=sides[s],
            )
        )
    if hidden:
        for item in series:
            item.body_part = None
    return study, series, rng


def _mammogram_sides(first: str, looks: list[Appearance]) -> list[str]:
    """The breast of each mammography series: the study's side first, the other for a view's second
    series (a screening study: both views of both breasts)."""
    other = "L" if first == "R" else "R"
    seen: set[str] = set()
    sides = []
    for look in looks:
        sides.append(other if look.view in seen else first)
        seen.add(look.view)
    return sides


def _slice_thickness(rng: Rng, modality: str, look: Appearance) -> float:
    if modality != "CT":
        return float(rng.choice([3.0, 4.0, 5.0, 1.0]))
    if look.plane != "AX":
        return float(rng.choice([2.0, 3.0, 4.0]))
    if look.kernel != "SOFT":
        return float(rng.choice([0.625, 1.0, 1.25, 1.5]))
    return float(rng.choice([1.0, 2.5, 3.0, 5.0]))
