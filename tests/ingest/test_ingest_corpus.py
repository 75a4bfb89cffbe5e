"""The ingest worker over real DICOM files: the shared test corpus and pydicom's bundled test files.

Every file goes through :class:`pacslabel.ingest.batches.BatchProcessor` (header pass in-process, pixels in
the isolated decoder process with its per-file timeout, shards committed under a temporary run root),
without Ray. The decode runs with ``export.derived = keep`` so that every pixel-bearing file reaches a
decoder; a second, header-only pass with the job's defaults checks that the derived-object policy is the
only difference. No batch of that run holds two files of one SOP Instance UID and duplicates are not
resolved, so its tables hold every file's own outcome; the duplicate instances are then resolved on a copy
and compared with a rule applied to those outcomes, and with a run in ordinary batches. The oracle for
classes and identifiers is an independent pydicom read of each source file.

The corpus is read where it lies (``../shared/corpus`` relative to the project root) and never copied;
its tests skip when it is absent. pydicom's bundled files are always present.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from pacslabel.imagecol import pixels_to_numpy
from pacslabel.ingest import REASONS, DecodeConfig, ExportConfig, IngestConfig, dedup
from pacslabel.ingest.batches import BatchProcessor
from pacslabel.ingest.header import SECONDARY_CAPTURE_CLASSES, inspect_file
from pacslabel.ingest.pixels import _classify_decode_error
from pacslabel.ingest.rejects import STAGES
from pacslabel.privacy import hash_key
from pacslabel.runroot import IMAGES, MANIFEST, REJECTS, TAGS, RunRoot

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = PROJECT_ROOT.parent / "shared" / "corpus"
SALT = b"corpus-test-salt"
RUN_ID = "corpus-run"
BATCH = 64
SIZE = 256

# transfer syntax classes (UIDs from PS3.5 / PS3.6)
TS_CLASSES = {
    "implicit_vr": {"1.2.840.10008.1.2"},
    "big_endian": {"1.2.840.10008.1.2.2"},
    "deflated": {"1.2.840.10008.1.2.1.99"},
    "jpeg_baseline": {"1.2.840.10008.1.2.4.50"},
    "jpeg_lossless": {"1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"},
    "jpeg2000": {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"},
    "htj2k": {"1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"},
    "jpeg_ls": {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"},
    "rle": {"1.2.840.10008.1.2.5"},
}
PHOTOMETRIC_CLASSES = ("monochrome1", "rgb", "ybr", "palette")
OTHER_CLASSES = ("multi_frame", "enhanced", "signed", "no_file_meta")
CLASSES = (*TS_CLASSES, *PHOTOMETRIC_CLASSES, *OTHER_CLASSES)

# (0010,xxxx) and people / places that must never leave a worker
IDENTIFIER_KEYWORDS = (
    "PatientName", "PatientID", "PatientBirthDate", "OtherPatientIDs", "OtherPatientNames",
    "PatientBirthName", "PatientMotherBirthName", "PatientAddress", "PatientTelephoneNumbers",
    "AccessionNumber", "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName",
    "ReferringPhysicianName", "PerformingPhysicianName", "NameOfPhysiciansReadingStudy",
    "PhysiciansOfRecord", "OperatorsName", "RequestingPhysician", "StationName", "DeviceSerialNumber",
)  # fmt: skip
# kept on purpose by the run-root contract: an identifier value that equals one of these is not a leak
KEPT_TEXT_KEYWORDS = (
    "Manufacturer", "ManufacturerModelName", "StudyDescription", "SeriesDescription", "ProtocolName",
    "RequestedProcedureDescription", "BodyPartExamined",
)  # fmt: skip

# files whose outcome is known (corpus README, "Deliberately malformed and edge-case files"; pydicom's
# own test-file descriptions); corpus paths are relative to files/, pydicom ones are prefixed "pydicom:"
EXPECTED_REJECTS = {
    # a copy cut 8 bytes short: pydicom parses the file meta only
    "pydicom__pydicom-data/data_store__data__emri_small_jpeg_2k_lossless_too_short.dcm": "truncated",
    "pydicom:MR_truncated.dcm": "truncated",  # native pixels shorter than Rows x Columns
    # no SOP Class UID anywhere (the second also lacks Rows)
    "ivmartel__dwv/tests__data__dwv-test-anonymise.dcm": "missing_uid",
    "ivmartel__dwv/tests__data__dwv-test_no-number-rows.dcm": "missing_uid",
    "ivmartel__dwv/tests__data__DICOMDIR": "non_image_object",
    "cornerstonejs__cornerstoneWADOImageLoader/examples__test-images__no-pixel-data.dcm": "non_image_object",
    "ImagingDataCommons__highdicom/data__test_files__sm_annotations.dcm": "non_image_object",
    "pydicom__pydicom-data/data_store__data__liver_rle.dcm": "non_image_object",  # SEG
    # JPEG processes 6/8 and 10/12: no decoder at all, known from the header
    "cornerstonejs__cornerstoneWADOImageLoader/examples__test-images__CTImage.dcm_"
    "JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm": "undecodable_transfer_syntax",
    "cornerstonejs__cornerstoneWADOImageLoader/examples__test-images__CTImage.dcm_"
    "JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm": "undecodable_transfer_syntax",
    # 12-bit JPEG Extended: every installed plugin (gdcm, Pillow) refuses 12-bit precision
    "pydicom:JPGExtended.dcm": "undecodable_transfer_syntax",
    # a J2K codestream that the decoders fail on (plugins installed): a decode error, not a missing codec
    "pydicom:JPEG2000-embedded-sequence-delimiter.dcm": "decode_error",
    "pydicom:README.txt": "not_dicom",
    "pydicom:test1.json": "not_dicom",
    "pydicom:rtplan.dump": "not_dicom",
    "pydicom:zipMR.gz": "not_dicom",  # gzip of a DICOM file: not DICOM by content
    "pydicom:crayons.icc": "not_dicom",
    "pydicom:no_meta.dcm": "not_dicom",  # starts mid-element (0x20 0x08 ...)
    "pydicom:rtstruct.dcm": "non_image_object",
    "pydicom:rtplan.dcm": "non_image_object",
}
# files the README singles out as awkward but valid: they must become images
EXPECTED_IMAGES = (
    "pydicom__pydicom-data/data_store__data__OT-PAL-8-face.dcm",  # no preamble, no file meta, palette
    "pydicom__pydicom-data/data_store__data__bad_sequence.dcm",  # UN sequence, JPEG Lossless
    "pydicom__pydicom-data/data_store__data__explicit_VR-UN.dcm",  # nearly every VR is UN
    "neurolabusc__dcm_qa_12bit/In__12bitSigned_0x0F0F.dcm",  # junk above BitsStored
    "pydicom__pydicom-data/data_store__data__gdcm-US-ALOKA-16.dcm",  # 16-bit segmented palette
    "pydicom__pydicom-data/data_store__data__gdcm-US-ALOKA-16_big.dcm",
    "pydicom__pydicom-data/data_store__data__parametric_map_float.dcm",  # Float Pixel Data
    "pydicom__pydicom-data/data_store__data__parametric_map_double_float.dcm",
    "cornerstonejs__cornerstoneWADOImageLoader/testImages__US-YBR_FULL_422-EVRLE.dcm",
    "pydicom__pydicom-data/data_store__data__HTJ2KLossless_08_RGB.dcm",
)
# reason -> the stages it may be recorded at
REASON_STAGES = {
    "not_dicom": {"header"},
    "unreadable": {"list", "header", "decode"},
    "truncated": {"header", "decode"},
    "missing_uid": {"header"},
    "non_image_object": {"header", "select"},
    "no_pixel_data": {"select"},
    "invalid_pixel_module": {"select"},
    "modality_policy": {"select"},
    "too_large": {"header", "select", "decode"},
    "undecodable_transfer_syntax": {"select", "decode"},
    "decode_error": {"decode"},
    "decoder_crash": {"decode"},
    "timeout": {"decode"},
    "missing_window": {"export"},
    "value_policy": {"export"},
    "shape_policy": {"export"},
    "internal_error": {"header", "decode"},
    "derived_object": {"select"},
    "duplicate_instance": {"dedup"},
}
# transfer syntaxes that keep every stored value (a file without file meta is a raw, uncompressed dataset)
LOSSLESS = {None, "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2"}
LOSSLESS |= {"1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"}
LOSSLESS |= {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.201"}
_UID_LIKE = re.compile(r"^[0-9.]+$")


def _pydicom_files() -> list[str]:
    import pydicom.data

    return sorted(p for p in pydicom.data.get_testdata_files() if os.path.isfile(p))


def _corpus_files() -> list[str]:
    if not (CORPUS_DIR / "inventory.csv").is_file():
        return []
    top = CORPUS_DIR / "files"
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(top) for f in fs)


def _key(path: str) -> str:
    """Short name: corpus path relative to files/, or "pydicom:<relative path>"."""
    import pydicom.data

    pyd = os.path.join(os.path.dirname(pydicom.data.__file__), "test_files") + os.sep
    if path.startswith(pyd):
        return "pydicom:" + path[len(pyd) :]
    return os.path.relpath(path, CORPUS_DIR / "files")


def _source_facts(path: str) -> dict[str, Any]:
    """Independent header read of the source file: classes and identifier values."""
    import pydicom

    facts: dict[str, Any] = {"classes": set(), "identifiers": set(), "kept": set(), "uid": None}
    facts.update(patient_id=None, accession=None, photometric="", presentation_lut_shape="")
    facts["window_centers"] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, force=True, stop_before_pixels=True)
    except Exception:
        return facts
    meta = getattr(ds, "file_meta", None)
    ts = str(meta.get("TransferSyntaxUID", "") or "") if meta is not None else ""
    classes = facts["classes"]
    classes.update(name for name, uids in TS_CLASSES.items() if ts in uids)
    if not ts:
        classes.add("no_file_meta")

    def get(keyword: str) -> Any:
        try:
            return ds.get(keyword)
        except Exception:
            return None

    photometric = str(get("PhotometricInterpretation") or "").upper()
    if photometric == "MONOCHROME1":
        classes.add("monochrome1")
    elif photometric == "RGB":
        classes.add("rgb")
    elif photometric.startswith("YBR"):
        classes.add("ybr")
    elif photometric == "PALETTE COLOR":
        classes.add("palette")
    try:
        if int(get("NumberOfFrames") or 1) > 1:
            classes.add("multi_frame")
    except (TypeError, ValueError):
        pass
    if get("SharedFunctionalGroupsSequence"):
        classes.add("enhanced")
    if get("PixelRepresentation") == 1:
        classes.add("signed")
    facts["uid"] = str(get("SOPInstanceUID") or (meta or {}).get("MediaStorageSOPInstanceUID") or "") or None
    facts["photometric"] = photometric
    facts["presentation_lut_shape"] = str(get("PresentationLUTShape") or "").upper()
    for keyword in IDENTIFIER_KEYWORDS:
        value = get(keyword)
        values = value if isinstance(value, list | tuple) or type(value).__name__ == "MultiValue" else [value]
        for v in values:
            text = str(v or "").strip()
            # short or purely numeric-dotted values collide with ordinary content (UIDs, sizes, "CT")
            if len(text) >= 5 and not _UID_LIKE.match(text):
                facts["identifiers"].add(text)
    facts["kept"] = {str(get(k)) for k in KEPT_TEXT_KEYWORDS if get(k)}
    facts["patient_id"] = str(get("PatientID") or "") or None
    facts["accession"] = str(get("AccessionNumber") or "") or None
    try:
        centers = get("WindowCenter")
        facts["window_centers"] = (
            [float(c) for c in centers] if type(centers).__name__ == "MultiValue" else [float(centers)]
        )
    except (TypeError, ValueError):
        facts["window_centers"] = []
    return facts


def _read(root: RunRoot, table: str) -> pa.Table:
    if not root.has_table(table):
        return pa.table({"path": pa.array([], pa.string())})
    return pads.dataset(root.uri_of(table), format="parquet").to_table()


def _corpus_config(run_root: Path) -> IngestConfig:
    """Every modality and derived object decoded."""
    cfg = IngestConfig(
        input="unused",
        run_root=str(run_root),
        export=ExportConfig(size=SIZE, derived="keep"),
        decode=DecodeConfig(isolation="process", timeout_s=30.0),
    )
    cfg.validate()
    return cfg


def _process(cfg: IngestConfig, run_root: Path, batches: list[list[str]]) -> list[dict[str, Any]]:
    proc = BatchProcessor(cfg, SALT, RUN_ID, str(run_root))
    try:
        stats = []
        for chunk in batches:
            st = [os.stat(p) for p in chunk]
            stats.append(proc.process(chunk, [s.st_size for s in st], [s.st_mtime_ns for s in st]))
        return stats
    finally:
        proc.close()


def _batches_without_duplicates(paths: list[str], facts: dict[str, dict]) -> list[list[str]]:
    """Batches of at most ``BATCH`` paths, none holding two files of one SOP Instance UID."""
    batches: list[list[str]] = []
    uids: list[set[str]] = []
    for path in paths:
        uid = facts[path]["uid"]
        free = (i for i, b in enumerate(batches) if len(b) < BATCH and (uid is None or uid not in uids[i]))
        i = next(free, len(batches))
        if i == len(batches):
            batches.append([])
            uids.append(set())
        batches[i].append(path)
        uids[i].add(uid)
    return batches


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory) -> dict[str, Any]:
    """Every corpus + pydicom file through BatchProcessor, every file's own outcome (see module doc)."""
    paths = _corpus_files() + _pydicom_files()
    facts = {p: _source_facts(p) for p in paths}
    run_root = tmp_path_factory.mktemp("corpus") / "run"
    stats = _process(_corpus_config(run_root), run_root, _batches_without_duplicates(paths, facts))
    root = RunRoot(run_root)
    tables = {name: _read(root, name) for name in (MANIFEST, TAGS, IMAGES, REJECTS)}
    return {
        "paths": paths,
        "stats": stats,
        "tables": tables,
        "facts": facts,
        "has_corpus": bool(_corpus_files()),
        "root": run_root,
    }


def _expected_duplicates(run: dict[str, Any], paths: set[str]) -> dict[str, str]:
    """Loser -> kept path among ``paths`` by the rule (an image before none, lossless before lossy, path),
    from the per-file outcomes of ``run``."""
    images = _image_paths(run)
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for row in run["tables"][TAGS].select(["sop_instance_uid", "path", "transfer_syntax_uid"]).to_pylist():
        if row["path"] in paths:
            groups[row["sop_instance_uid"]].append(row)
    losers = {}
    for rows in groups.values():
        ranked = sorted(
            rows,
            key=lambda r: (r["path"] not in images, r["transfer_syntax_uid"] not in LOSSLESS, r["path"]),
        )
        losers.update((r["path"], ranked[0]["path"]) for r in ranked[1:])
    return losers


@pytest.fixture(scope="module")
def corpus_dedup(corpus_run, tmp_path_factory) -> dict[str, Any]:
    """``corpus_run``'s run root with its duplicate instances resolved (in the driver)."""
    run_root = tmp_path_factory.mktemp("dedup") / "run"
    shutil.copytree(corpus_run["root"], run_root)
    root = RunRoot(run_root)
    found = dedup.deduplicate(root, RUN_ID, 50_000, lambda rows: 1, "_staging/dedup-test")
    return {"found": found, "tables": {name: _read(root, name) for name in (MANIFEST, TAGS, IMAGES, REJECTS)}}


def _reasons(run: dict[str, Any]) -> dict[str, str]:
    rej = run["tables"][REJECTS]
    return dict(zip(rej["path"].to_pylist(), rej["reason"].to_pylist(), strict=True))


def _stages(run: dict[str, Any]) -> dict[str, str]:
    rej = run["tables"][REJECTS]
    return dict(zip(rej["path"].to_pylist(), rej["stage"].to_pylist(), strict=True))


def _image_paths(run: dict[str, Any]) -> set[str]:
    return set(run["tables"][IMAGES]["path"].to_pylist())


def test_every_file_accounted_for_exactly_once(corpus_run):
    paths, t = corpus_run["paths"], corpus_run["tables"]
    assert len(paths) == len(set(paths)) and len(paths) > 150
    manifest = t[MANIFEST]["path"].to_pylist()
    images = t[IMAGES]["path"].to_pylist()
    rejects = t[REJECTS]["path"].to_pylist()
    assert sorted(manifest) == sorted(paths)
    assert len(images) == len(set(images)) and len(rejects) == len(set(rejects))
    assert not set(images) & set(rejects)
    assert set(images) | set(rejects) == set(paths)
    assert len(images) + len(rejects) == len(paths)
    status = dict(zip(manifest, t[MANIFEST]["status"].to_pylist(), strict=True))
    assert {status[p] for p in images} <= {"ok"} and {status[p] for p in rejects} <= {"rejected"}
    # tags: one row per accepted instance, every image among them
    tag_paths = t[TAGS]["path"].to_pylist()
    assert len(tag_paths) == len(set(tag_paths)) and set(images) <= set(tag_paths) <= set(paths)
    assert t[TAGS]["sop_instance_uid"].null_count == 0 and t[TAGS]["sop_class_uid"].null_count == 0
    # the per-batch stats add up to the tables
    stats = corpus_run["stats"]
    assert sum(s["files"] for s in stats) == len(paths)
    assert sum(s["images"] for s in stats) == len(images)
    assert sum(s["rejects"] for s in stats) == len(rejects)
    assert sum(s["tags"] for s in stats) == len(tag_paths)
    folded: collections.Counter = collections.Counter()
    for s in stats:
        folded.update(s["reasons"])
    assert folded == collections.Counter(t[REJECTS]["reason"].to_pylist())
    assert sum(s["decoder_restarts"] for s in stats) == 0  # nothing crashed or hung the decoder


def test_rejects_have_documented_reason_stage_and_message(corpus_run):
    rej = corpus_run["tables"][REJECTS]
    for row in rej.to_pylist():
        assert row["reason"] in REASONS, row
        assert row["stage"] in STAGES and row["stage"] in REASON_STAGES[row["reason"]], row
        assert row["message"] and row["message"].strip(), row
        assert row["run_id"] == RUN_ID
    assert "internal_error" not in rej["reason"].to_pylist()


@pytest.mark.parametrize("name", sorted(EXPECTED_REJECTS))
def test_known_broken_or_non_image_files_rejected_with_reason(corpus_run, name):
    by_key = {_key(p): r for p, r in _reasons(corpus_run).items()}
    present = {_key(p) for p in corpus_run["paths"]}
    if name not in present:
        pytest.skip(f"{name} not present (corpus absent or pydicom without this file)")
    assert by_key.get(name) == EXPECTED_REJECTS[name], (name, by_key.get(name))


@pytest.mark.parametrize("name", EXPECTED_IMAGES)
def test_awkward_but_valid_files_become_images(corpus_run, name):
    if not corpus_run["has_corpus"]:
        pytest.skip("real DICOM corpus not found at ../shared/corpus; real-file tests skipped")
    keys = {_key(p) for p in _image_paths(corpus_run)}
    assert name in keys, _reasons(corpus_run).get(str(CORPUS_DIR / "files" / name))


def test_junk_files_are_not_dicom_and_get_no_tags_row(corpus_run):
    reasons = _reasons(corpus_run)
    tag_paths = set(corpus_run["tables"][TAGS]["path"].to_pylist())
    junk = [p for p, r in reasons.items() if r == "not_dicom"]
    assert junk and not set(junk) & tag_paths
    for path in junk:
        with open(path, "rb") as f:
            head = f.read(132)
        assert head[128:132] != b"DICM"


def test_exported_images_uint8_square_nondegenerate_and_consistent(corpus_run):
    t = corpus_run["tables"]
    images = t[IMAGES]
    assert images.num_rows > 100
    assert images.schema.field("pixels").type == pa.binary(SIZE * SIZE)
    pixels = pixels_to_numpy(images["pixels"])
    assert pixels.dtype == np.uint8 and pixels.shape == (images.num_rows, SIZE, SIZE)
    tags = {r["path"]: r for r in t[TAGS].to_pylist()}
    facts = corpus_run["facts"]
    for arr, row in zip(pixels, images.to_pylist(), strict=True):
        path = row["path"]
        assert len(np.unique(arr)) > 1, path  # not a constant image
        assert row["sop_instance_uid"] == tags[path]["sop_instance_uid"]
        # the exported frame is the header's image size, one of the first frames tried
        if tags[path]["rows"] and tags[path]["columns"]:
            assert (row["orig_rows"], row["orig_cols"]) == (tags[path]["rows"], tags[path]["columns"]), path
        assert 0 <= row["frame_index"] < min(row["n_frames"], ExportConfig().max_frames_tried)
        # aspect kept, longest side = SIZE, centred: everything outside the box is black padding
        r, c = row["orig_rows"], row["orig_cols"]
        new_r = max(1, min(SIZE, round(r * SIZE / max(r, c))))
        new_c = max(1, min(SIZE, round(c * SIZE / max(r, c))))
        top, left = (SIZE - new_r) // 2, (SIZE - new_c) // 2
        assert not arr[:top].any() and not arr[top + new_r :].any(), path
        assert not arr[:, :left].any() and not arr[:, left + new_c :].any(), path
        # window: finite, width >= 1, and taken from the header when the source says so
        center, width = row["window_center"], row["window_width"]
        assert np.isfinite(center) and np.isfinite(width) and width >= 1.0, path
        assert row["window_source"] in {"window_tags", "frame_voi", "percentile", "minmax"}
        if row["window_source"] == "window_tags":
            assert any(np.isclose(center, c) for c in facts[path]["window_centers"]), path
        ratio_floor = ExportConfig().min_occupancy
        assert ratio_floor < row["value_ratio"] <= 1.0 or tags[path]["modality"] == "XA", path
        # inversion: MONOCHROME1 xor PresentationLUTShape INVERSE (as read independently from the source)
        mono1 = facts[path]["photometric"] == "MONOCHROME1"
        inverse = facts[path]["presentation_lut_shape"] == "INVERSE"
        assert row["inverted"] == (mono1 != inverse), path


def test_same_pixels_in_lossless_encodings_export_identically(corpus_run):
    """dcm_qa_ts In__1..9: one MR slice in 9 lossless syntaxes -> identical exported images."""
    if not corpus_run["has_corpus"]:
        pytest.skip("real DICOM corpus not found at ../shared/corpus; real-file tests skipped")
    images = corpus_run["tables"][IMAGES]
    pixels = pixels_to_numpy(images["pixels"])
    by_key = {_key(p): i for i, p in enumerate(images["path"].to_pylist())}
    same = [by_key[k] for k in (f"neurolabusc__dcm_qa_ts/In__{i}.dcm" for i in range(1, 10)) if k in by_key]
    assert len(same) >= 7  # all lossless syntaxes with an installed decoder
    for i in same[1:]:
        assert np.array_equal(pixels[i], pixels[same[0]])


@pytest.mark.parametrize("cls", CLASSES)
def test_each_encoding_and_photometric_class_is_accepted(corpus_run, cls):
    members = [p for p, f in corpus_run["facts"].items() if cls in f["classes"]]
    if not members:
        pytest.skip(f"no input file of class {cls}")
    accepted = _image_paths(corpus_run) & set(members)
    assert accepted, (cls, {_key(p): _reasons(corpus_run).get(p) for p in members})


def test_no_direct_identifiers_in_any_output_row(corpus_run):
    t = corpus_run["tables"]
    secrets: set[str] = set()
    kept: set[str] = set()
    for f in corpus_run["facts"].values():
        secrets |= f["identifiers"]
        kept |= f["kept"]
    # e.g. InstitutionName "GE MEDICAL SYSTEMS" = Manufacturer: the kept column is not a leak
    secrets = {s for s in secrets if not any(s in k for k in kept)}
    assert len(secrets) > 20  # the sources do carry names, IDs, institutions

    texts: list[str] = []
    skip = {"path", "sop_instance_uid", "study_instance_uid", "series_instance_uid", "sop_class_uid"}
    skip |= {"transfer_syntax_uid", "other_tags"}

    def collect(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and not key.endswith(("UID", "UIDs")):
            texts.append(value)

    for name in (TAGS, IMAGES):
        table = t[name]
        for field in table.schema:
            if field.name in skip or not pa.types.is_string(field.type):
                continue
            texts.extend(v for v in table[field.name].to_pylist() if v)
    for blob in t[TAGS]["other_tags"].to_pylist():
        collect(json.loads(blob))
    for row in t[REJECTS].to_pylist():  # a message may name the path: that part is the input's own
        texts.extend(str(row[k] or "").replace(row["path"], "") for k in ("stage", "reason", "message"))
    blob = "\n".join(texts)
    leaked = sorted(s for s in secrets if s in blob)
    assert not leaked, leaked[:20]
    # and none of the dropped keywords appear as other_tags keys
    keys = set()
    for text in t[TAGS]["other_tags"].to_pylist():
        keys |= set(json.loads(text))
    assert not keys & set(IDENTIFIER_KEYWORDS)


def test_patient_and_accession_keys_are_salted_hashes(corpus_run):
    tags = corpus_run["tables"][TAGS].to_pylist()
    facts = corpus_run["facts"]
    checked = 0
    for row in tags:
        f = facts[row["path"]]
        for col, raw in (("patient_key", f["patient_id"]), ("accession_key", f["accession"])):
            expected = hash_key(raw, SALT)
            assert row[col] == expected, (row["path"], col)
            if expected is not None:
                assert re.fullmatch(r"[0-9a-f]{32}", row[col]) and row[col] != raw.strip()
                assert row[col] != hash_key(raw, SALT + b"-other")
                checked += 1
    assert checked > 50


def test_header_pass_with_job_defaults_differs_only_by_the_derived_policy(corpus_run):
    """The job's defaults export every modality: the header outcomes differ from ``corpus_run``'s only
    where a secondary capture is rejected (derived_object), for every file."""
    cfg = IngestConfig(input="unused", run_root="unused")
    assert cfg.export.modalities == [] and cfg.export.derived == "reject"
    reasons, stages = _reasons(corpus_run), _stages(corpus_run)
    images = _image_paths(corpus_run)
    after_header = {"decode", "export"}
    tag_paths = set(corpus_run["tables"][TAGS]["path"].to_pylist())
    derived, selected = collections.Counter(), collections.Counter()
    for path in corpus_run["paths"]:
        res = inspect_file(path, os.path.getsize(path), SALT, RUN_ID, cfg)
        assert (res.tags is not None) == (path in tag_paths), path
        if res.reject is not None and res.reject[1] == "derived_object":
            derived[res.tags["modality"]] += 1
            assert res.tags["sop_class_uid"] in SECONDARY_CAPTURE_CLASSES
            assert path in images or stages[path] in after_header, path
            continue
        if res.reject is not None:
            assert reasons[path] == res.reject[1], path
        else:
            assert path in images or stages[path] in after_header, path
            assert res.tags["sop_class_uid"] not in SECONDARY_CAPTURE_CLASSES
            selected[res.tags["modality"]] += 1
    assert sum(derived.values()) > (20 if corpus_run["has_corpus"] else 5), derived
    if corpus_run["has_corpus"]:  # whole-slide microscopy and OT parametric maps reach the decoder
        assert selected["SM"] and selected["OT"], selected


def _read_ahead_off(paths: list[str], facts: dict[str, dict], run_root: Path) -> RunRoot:
    cfg = _corpus_config(run_root)
    cfg.decode.read_ahead_files = 0
    _process(cfg, run_root, _batches_without_duplicates(paths, facts))
    return RunRoot(run_root)


def test_reading_ahead_changes_no_outcome_and_no_pixel(corpus_run, tmp_path):
    """``corpus_run`` reads ahead (the default); every other file without read-ahead ends the same."""
    paths = corpus_run["paths"][::2]
    chosen = set(paths)
    root = _read_ahead_off(paths, corpus_run["facts"], tmp_path / "run")
    rej = _read(root, REJECTS)
    assert dict(zip(rej["path"].to_pylist(), rej["reason"].to_pylist(), strict=True)) == {
        p: r for p, r in _reasons(corpus_run).items() if p in chosen
    }

    def pixels_by_path(images: pa.Table) -> dict[str, bytes]:
        arr = pixels_to_numpy(images["pixels"])
        return {p: arr[i].tobytes() for i, p in enumerate(images["path"].to_pylist()) if p in chosen}

    off = pixels_by_path(_read(root, IMAGES))
    assert off and off == pixels_by_path(corpus_run["tables"][IMAGES])


def _outcome(tables: dict[str, pa.Table]) -> dict[str, Any]:
    """Kept tags / image paths and (reason, message) per rejected path."""
    rej = tables[REJECTS]
    return {
        "tags": sorted(tables[TAGS]["path"].to_pylist()),
        "images": sorted(tables[IMAGES]["path"].to_pylist()),
        "rejects": {
            r["path"]: (r["reason"], r["message"])
            for r in rej.select(["path", "reason", "message"]).to_pylist()
        },
    }


def test_duplicate_instances_leave_one_row_per_uid_and_reject_the_others(corpus_run, corpus_dedup):
    """Copies of one instance (the same study in several encodings, re-exports) among the corpus and
    pydicom's files: one tags / images row per SOP Instance UID, every other copy a duplicate_instance
    reject naming the copy kept by the rule."""
    before, after = corpus_run["tables"], corpus_dedup["tables"]
    expected = _expected_duplicates(corpus_run, set(corpus_run["paths"]))
    found = corpus_dedup["found"]
    assert found["demoted"] == len(expected) > (60 if corpus_run["has_corpus"] else 25), found
    uids = after[TAGS]["sop_instance_uid"].to_pylist()
    assert len(uids) == len(set(uids)) and set(uids) == set(before[TAGS]["sop_instance_uid"].to_pylist())
    image_uids = after[IMAGES]["sop_instance_uid"].to_pylist()
    assert len(image_uids) == len(set(image_uids))
    assert set(after[TAGS]["path"].to_pylist()) == set(before[TAGS]["path"].to_pylist()) - set(expected)
    assert set(after[IMAGES]["path"].to_pylist()) == _image_paths(corpus_run) - set(expected)
    rejects = {r["path"]: r for r in after[REJECTS].to_pylist()}
    for path, kept in expected.items():
        row = rejects[path]
        assert (row["reason"], row["stage"]) == ("duplicate_instance", "dedup"), row
        assert row["message"].endswith(f": {kept}") and row["sop_instance_uid"], row
    # every other file keeps its own outcome; the manifest still holds every file once
    old = {p: r for p, r in _reasons(corpus_run).items() if p not in expected}
    assert {p: r["reason"] for p, r in rejects.items() if p not in expected} == old
    status = dict(
        zip(after[MANIFEST]["path"].to_pylist(), after[MANIFEST]["status"].to_pylist(), strict=True)
    )
    assert sorted(status) == sorted(corpus_run["paths"])
    assert {p for p, s in status.items() if s == "ok"} == set(after[IMAGES]["path"].to_pylist())
    if corpus_run["has_corpus"]:
        by_key = {_key(p): _key(k) for p, k in expected.items()}
        # lossless before lossy, although the lossy copies come first by path
        assert by_key["pydicom:693_J2KI.dcm"] == "pydicom__pydicom-data/data_store__data__693_UNCI.dcm"
        assert by_key["pydicom__pydicom-data/data_store__data__US1_J2KI.dcm"].endswith("US1_UNCI.dcm")
        # a copy whose pixels are cut short loses to one that decodes
        assert by_key["pydicom:MR_truncated.dcm"] == "pydicom:MR_small.dcm"
        assert by_key["pydicom:JPEG2000-embedded-sequence-delimiter.dcm"].endswith("JPEG2000_UNC.dcm")


def test_batches_with_duplicates_end_as_resolving_every_file_alone(corpus_run, corpus_dedup, tmp_path):
    """The ingest's own batches (copies side by side, resolved by the worker, then across batches)
    give exactly the outcome of resolving the per-file outcomes at once."""
    paths = corpus_run["paths"]
    run_root = tmp_path / "run"
    stats = _process(
        _corpus_config(run_root), run_root, [paths[i : i + BATCH] for i in range(0, len(paths), BATCH)]
    )
    assert sum(s["duplicates"] for s in stats) > 10  # copies met in their batch
    root = RunRoot(run_root)
    found = dedup.deduplicate(root, RUN_ID, 50_000, lambda rows: 1, "_staging/dedup-test")
    assert found["repointed"] > 0  # a batch's choice that a copy in another batch beats
    tables = {name: _read(root, name) for name in (MANIFEST, TAGS, IMAGES, REJECTS)}
    assert _outcome(tables) == _outcome(corpus_dedup["tables"])


def test_ray_stage_over_the_corpus_agrees_with_the_batch_function_and_uses_the_pool(
    corpus_run, ray_local, tmp_path
):
    """The job's Ray Data stage over the corpus directory (duplicates resolved on Ray): the outcome of
    each file alone, then the rule over the copies; several actors busy."""
    if not corpus_run["has_corpus"]:
        pytest.skip("real DICOM corpus not found at ../shared/corpus; real-file tests skipped")
    from pacslabel.ingest import ingest_new_files

    root = RunRoot(tmp_path / "run")
    top = str(CORPUS_DIR / "files")
    cfg = IngestConfig(
        input=top,
        run_root=root.uri,
        batch_size=16,
        num_workers=2,
        inline_max_files=0,
        driver_dedup_max_rows=0,
        export=ExportConfig(size=SIZE, derived="keep"),
        decode=DecodeConfig(timeout_s=30.0),
    )
    summary = ingest_new_files(top, root, cfg, salt=SALT)
    corpus = {p for p in corpus_run["paths"] if p.startswith(top)}
    manifest = _read(root, MANIFEST)["path"].to_pylist()
    assert len(manifest) == len(set(manifest)) and set(manifest) == corpus
    rej = _read(root, REJECTS)
    stage_reasons = dict(zip(rej["path"].to_pylist(), rej["reason"].to_pylist(), strict=True))
    duplicates = _expected_duplicates(corpus_run, corpus)
    batch_reasons = {p: r for p, r in _reasons(corpus_run).items() if p in corpus}
    assert stage_reasons == {**batch_reasons, **dict.fromkeys(duplicates, "duplicate_instance")}
    images = _read(root, IMAGES)
    assert set(images["path"].to_pylist()) == (_image_paths(corpus_run) & corpus) - set(duplicates)
    assert summary["duplicates"]["partitions"] >= 1 and summary["duplicates"]["candidates"] > 100
    assert summary["files"] == len(corpus) and summary["images"] + summary["rejects"] == len(corpus)
    assert summary["images"] == images.num_rows and summary["tags"] == _read(root, TAGS).num_rows
    assert summary["reasons"] == dict(sorted(collections.Counter(stage_reasons.values()).items()))
    assert summary["batches"] == -(-len(corpus) // 16)
    # both actors took batches (the reader's single coalesced block used to go to one actor)
    assert summary["actors_used"] == 2, summary


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "Unable to decode as exceptions were raised by all available plugins:\n"
            "  gdcm: GDCM does not support 'JPEG Extended' for samples with 12-bit precision\n"
            "  pillow: Pillow does not support 'JPEG Extended' for samples with 12-bit precision",
            "undecodable_transfer_syntax",
        ),
        (
            "Unable to decode as exceptions were raised by all available plugins:\n"
            "  gdcm: 'NoneType' object has no attribute 'encode'\n"
            "  pylibjpeg: Error decoding the J2K data: failed to read the header",
            "decode_error",
        ),
        (
            "Unable to decompress 'JPEG 2000' pixel data because all plugins are missing dependencies:",
            "undecodable_transfer_syntax",
        ),
    ],
)
def test_decode_error_classification(message, reason):
    """Plugins that tried and failed on the data are a decode error; refusals by capability are not."""
    assert _classify_decode_error(RuntimeError(message))[0] == reason
