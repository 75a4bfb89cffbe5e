"""One synthetic study: plan it from (seed, study index), render and write its files.

Everything a study contains is drawn from ``numpy.random.default_rng([seed, index])``, so the output
of a study does not depend on which worker makes it or in which order. Whether its BodyPartExamined is
hidden and whether it is described with its site's codes come from a stream of their own
(:data:`SITE_STREAM`), so that those settings change nothing else.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pacslabel.runroot import SERIES_UID, STUDY_UID, UID
from pacslabel.synth import catalog as cat
from pacslabel.synth import codes, texts
from pacslabel.synth.appearance import Appearance, draw_appearances
from pacslabel.synth.canvas import Pose
from pacslabel.synth.config import SynthConfig
from pacslabel.synth.encode import BROKEN_KINDS, TS_UIDS, broken_bytes, effective_ts, encode
from pacslabel.synth.headers import (
    SeriesInfo,
    StudyInfo,
    acquisition_tags,
    body_part_value,
    build_dataset,
    make_patient,
    new_uid,
    orientation,
    other_region,
)
from pacslabel.synth.render import Style, render_frames

log = logging.getLogger(__name__)

Rng = np.random.Generator

TRUTH_COLUMNS = (
    "path",
    UID,
    STUDY_UID,
    SERIES_UID,
    "accession_number",
    "modality",
    "anatomical_region",
    "body_part_hidden",
    "transfer_syntax_uid",
    "n_frames",
    "broken_kind",
    "appearance",
    *cat.APPEARANCE_FIELDS,
)
"""Columns of truth.parquet; ``path`` is relative to DIR/dicom, ``broken_kind`` null for good files;
``body_part_hidden`` is true where the study's BodyPartExamined was removed from every series;
``appearance`` names the series' appearance group and the columns after it its components (null where
a component does not apply to the modality; all null for junk and DICOMDIR rows)."""

JUNK_FILES = ("Thumbs.db", ".DS_Store", "desktop.ini", "README.TXT", "LOCKFILE")

SITE_STREAM = 0x517E
"""Spawn key of a study's second random stream (hidden BodyPartExamined, site codes, side)."""


@dataclass
class StudyResult:
    truth: list[dict]
    report: tuple[str, str]
    n_bytes: int


def _scaled_count(rng: Rng, lo_hi: tuple[int, int], scale: float, minimum: int) -> int:
    n = int(rng.integers(lo_hi[0], lo_hi[1] + 1))
    return max(round(n * scale), minimum)


def _size(cfg: SynthConfig, rng: Rng, modality: str, region: str, look: Appearance) -> tuple[int, int]:
    if modality == "NM" and region == "WHOLEBODY" and look.mode == "PLANAR":
        rows, cols = cat.WHOLEBODY_NM_SIZE
    elif modality == "PT" and region == "WHOLEBODY" and (look.plane == "COR" or look.mode == "MIP"):
        rows, cols = cat.WHOLEBODY_PT_SIZE
    else:
        choices = cat.SIZES[modality]
        rows, cols = choices[int(rng.integers(len(choices)))]
    long = max(rows, cols)
    s = min(1.0, cfg.max_size / long) * cfg.image_scale
    return max(round(rows * s), 16), max(round(cols * s), 16)


def plan_study(cfg: SynthConfig, index: int) -> tuple[StudyInfo, list[SeriesInfo], Rng]:
    rng = np.random.default_rng([cfg.seed, index])
    modality = texts.weighted(rng, cat.MODALITY_WEIGHTS)
    region = texts.weighted(rng, cat.REGION_WEIGHTS[modality])
    tracer = texts.weighted(rng, cat.PT_TRACERS[region]) if modality == "PT" else None
    patient = make_patient(cfg.seed, index * 7 // 10)
    sex = "F" if region == "BREAST" else patient.sex
    year = int(rng.integers(max(2010, patient.birth[0] + 1), 2026))
    date = (year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    lang = texts.LANGS[int(rng.choice(len(texts.LANGS), p=texts.LANG_WEIGHTS))]
    desc_region = other_region(rng, region) if rng.random() < cat.MISLABEL_RATE else region
    vendors = cat.MANUFACTURERS[modality]
    manufacturer, models = vendors[int(rng.integers(len(vendors)))]
    study_time = f"{int(rng.integers(7, 20)):02d}{int(rng.integers(60)):02d}{int(rng.integers(60)):02d}"
    study_uid = new_uid(rng)
    study_desc = (
        None if rng.random() < 0.04 else texts.study_description(rng, lang, modality, desc_region, tracer)
    )
    requested = (
        None if rng.random() < 0.3 else texts.study_description(rng, lang, modality, desc_region, tracer)
    )
    institution = texts.pick(rng, texts.INSTITUTIONS)
    site = texts.SITE_OF_INSTITUTION[institution]
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
        referring=texts.person_name(rng) if rng.random() < 0.8 else "",
        manufacturer=manufacturer,
        model=texts.pick(rng, models),
        station=f"{modality}{int(rng.integers(1, 5))}_{texts.pick(rng, ('RI', 'SUS', 'KBC', 'OB'))}",
        tracer=tracer,
        weight_kg=round(float(np.clip(rng.normal(76, 15), 40, 150)), 1) if tracer else None,
    )
    ts_keys = list(cfg.transfer_syntaxes)
    ts_p = np.array([cfg.transfer_syntaxes[k] for k in ts_keys], dtype=float)
    ts_p /= ts_p.sum()
    n_series = int(rng.integers(cat.SERIES_PER_STUDY[modality][0], cat.SERIES_PER_STUDY[modality][1] + 1))
    looks = draw_appearances(rng, modality, region, n_series)
    rows, cols = _size(cfg, rng, modality, region, looks[0])
    ct_protocol = texts.ct_protocol(rng, lang, desc_region) if modality == "CT" else None
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
        mislabelled = rng.random() < cat.MISLABEL_RATE
        sreg = other_region(rng, region) if mislabelled else region
        min_n = 2 if modality in cat.SLICED else 1
        n_inst = _scaled_count(rng, cat.INSTANCES_PER_SERIES[modality], cfg.instances_scale, min_n)
        if look.mode == "MIP":
            n_inst = 1
        frames = 1
        if modality == "XA" or look.mode in ("SPECT", "DYNAMIC", "SEQUENCE"):
            frames = _scaled_count(rng, cat.FRAMES[modality], cfg.instances_scale, 2)
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
            monochrome1=bool(rng.random() < cat.MONOCHROME1_RATE.get(modality, 0.0)),
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
        if rng.random() < cat.WINDOW_MISSING_RATE[modality]:
            wmode = "missing"
        elif rng.random() < cat.WINDOW_MULTI_RATE.get(modality, 0.0):
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
        informative = rng.random() >= cat.DESCRIPTION_UNINFORMATIVE_RATE[modality]
        extra: tuple[str, ...] = ()
        if modality == "CT":
            kernel = acquisition["ConvolutionKernel"]
            extra = (f"{thickness:g}", kernel[0] if isinstance(kernel, list) else str(kernel))
        desc_look = look if informative else None
        description = None
        if rng.random() >= 0.05:
            named = sreg if rng.random() < 0.8 else region
            description = texts.series_description(rng, lang, modality, named, desc_look, extra, sides[s])
            if coded_series:
                description = book.series[(modality, named, look.name)]
        protocol = ct_protocol
        if modality != "CT" and rng.random() >= 0.15:
            protocol = texts.series_description(rng, lang, modality, sreg, desc_look, side=sides[s])
            if coded_series:
                protocol = book.protocol[(modality, sreg, look.name)]
        if modality == "MG":
            kvp = float(round(rng.uniform(*cat.MG_KVP)))
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


def _names(rng: Rng, cfg: SynthConfig, study: StudyInfo) -> tuple[str, str, str, bool]:
    """Naming style of the study folder, its series folders and instance files."""
    no_ext = bool(rng.random() < cfg.no_extension_fraction)
    study_style = ("uid", "acc", "date")[int(rng.integers(3))]
    series_style = ("num", "uid", "se")[int(rng.integers(3))]
    file_style = (
        ("im", "num8", "i")[int(rng.integers(3))] if no_ext else ("uid", "img", "num")[int(rng.integers(3))]
    )
    return study_style, series_style, file_style, no_ext


def _study_dir(style: str, study: StudyInfo) -> str:
    if style == "uid":
        return study.study_uid
    if style == "acc":
        return f"ACC{study.accession}"
    return f"{study.date[0]:04d}{study.date[1]:02d}{study.date[2]:02d}_{study.accession[-6:]}"


def _series_dir(style: str, s: SeriesInfo) -> str:
    return {"num": f"{s.number:04d}", "uid": s.uid, "se": f"SE{s.number:03d}"}[style]


def _file_name(style: str, n: int, uid: str) -> str:
    return {
        "im": f"IM{n:05d}",
        "num8": f"{n:08d}",
        "i": f"I{n}",
        "uid": f"{uid}.dcm",
        "img": f"IMG{n:04d}.dcm",
        "num": f"{n}.dcm",
    }[style]


def generate_study(cfg: SynthConfig, index: int, dicom_root: Path) -> StudyResult:
    """Write every file of study ``index`` under ``dicom_root``; return its truth rows and report."""
    study, series_list, rng = plan_study(cfg, index)
    study_style, series_style, file_style, _ = _names(rng, cfg, study)
    rel_study = Path(study.patient.patient_id) / _study_dir(study_style, study)
    truth: list[dict] = []
    n_bytes = 0
    file_no = 0
    for series in series_list:
        rel_series = rel_study / _series_dir(series_style, series)
        (dicom_root / rel_series).mkdir(parents=True, exist_ok=True)
        n = series.n_instances
        for k in range(n):
            file_no += 1
            sop_uid = new_uid(rng)
            z = -0.8 + 1.6 * (k + 0.5) / n if study.modality in cat.SLICED else 0.0
            px = render_frames(series.style, z, rng)
            ds = build_dataset(study, series, k + 1, sop_uid, px, z, rng)
            broken = None
            if rng.random() < cfg.broken_fraction:
                broken = BROKEN_KINDS[int(rng.integers(len(BROKEN_KINDS)))]
                data = broken_bytes(broken, ds, px.array, rng)
                ts_uid = TS_UIDS["explicit_le"] if broken not in ("empty", "not_dicom") else None
            else:
                data = encode(ds, px.array, series.ts_key)
                ts_uid = TS_UIDS[series.ts_key]
            rel = rel_series / _file_name(file_style, file_no, sop_uid)
            (dicom_root / rel).write_bytes(data)
            n_bytes += len(data)
            truth.append(
                {
                    "path": rel.as_posix(),
                    UID: sop_uid,
                    STUDY_UID: study.study_uid,
                    SERIES_UID: series.uid,
                    "accession_number": study.accession,
                    "modality": study.modality,
                    "anatomical_region": study.region,
                    "body_part_hidden": study.body_part_hidden,
                    "transfer_syntax_uid": ts_uid,
                    "n_frames": int(px.array.shape[0])
                    if px.array.ndim == 3 and px.photometric != "RGB"
                    else 1,
                    "broken_kind": broken,
                    **series.style.look.truth(),
                }
            )
    if rng.random() < cfg.junk_fraction:
        name = texts.pick(rng, JUNK_FILES)
        rel = rel_study / name
        data = rng.bytes(int(rng.integers(20, 4000)))
        (dicom_root / rel).write_bytes(data)
        n_bytes += len(data)
        truth.append({**dict.fromkeys(TRUTH_COLUMNS), "path": rel.as_posix(), "broken_kind": "junk"})
    report = texts.report_text(rng, study.lang, study.modality, study.region)
    return StudyResult(truth=truth, report=(study.accession, report), n_bytes=n_bytes)


def worker_init() -> None:
    """Per-process setup: keep numpy / codec thread pools to one thread each."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
