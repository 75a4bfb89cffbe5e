"""Burned-in text: redacted before images/ is written, in the report's thumbnails too; the fallback
without an OCR engine; images the policy leaves alone keep their pixels; no input path in the outputs.

The archive holds a name, an ID and a date burned into the pixels of grey, RGB and multi-frame images
(several fonts and sizes), in a folder named after the patient, beside a CT without text. The
adversary (:func:`burned_fixtures.read_words`) reads with other Tesseract settings than the redactor.
"""

from __future__ import annotations

import base64
import io
import re
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from burned_fixtures import (
    SC_CLASS,
    US_CLASS,
    US_MULTIFRAME_CLASS,
    burned_image,
    found_tokens,
    read_words,
    secret,
    write_image,
)
from ingest_fixtures import write_dicom

from pacslabel.config import ConfigError, load_config
from pacslabel.imagecol import pixels_to_numpy
from pacslabel.ingest import DecodeConfig, ExportConfig, IngestConfig, ingest_new_files
from pacslabel.ingest import redact as redact_module
from pacslabel.ingest.config import RedactConfig
from pacslabel.ingest.redact import fill_boxes, mask_bands, rule_for
from pacslabel.runroot import IMAGES, RunRoot

PATIENT_DIR = "KRAMPITZ_FRIDOLIN_4711923"
STUDY_DIR = "ACC8812345_20230514"


def _ocr_missing() -> str | None:
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
    except Exception as exc:
        return f"no Tesseract OCR engine ({type(exc).__name__}); `make ocr` installs it (root + apt)"
    return None


needs_ocr = pytest.mark.skipif(_ocr_missing() is not None, reason=str(_ocr_missing()))

# (file, index of the secret and font, rows, cols, rgb, modality, SOP class, BurnedInAnnotation, frames)
BURNED = [
    ("us_grey", 1, 480, 640, False, "US", US_CLASS, None, 1),
    ("us_rgb", 2, 600, 800, True, "US", US_CLASS, None, 1),
    ("sc_bitmap_font", 0, 256, 256, False, "OT", SC_CLASS, "YES", 1),
    ("us_multiframe", 3, 480, 640, False, "US", US_MULTIFRAME_CLASS, None, 3),
    ("cr_burned_in", 4, 768, 1024, False, "CR", "1.2.840.10008.5.1.4.1.1.1", "YES", 1),
    ("sc_bitmap_rgb", 5, 480, 640, True, "OT", SC_CLASS, "YES", 1),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("redact") / "export_zollner_2023"
    study = top / PATIENT_DIR / STUDY_DIR
    study.mkdir(parents=True)
    for i, (name, k, rows, cols, rgb, modality, sop_class, burned_in, frames) in enumerate(BURNED):
        pixels = burned_image(rows, cols, k, secret(k), seed=k, rgb=rgb)
        write_image(study / f"{name}.dcm", i, pixels, modality, sop_class, burned_in, frames)
    write_dicom(study / "ct_plain.dcm", "9001", rows=64, cols=64, seed=3)
    return top


def _ingest(archive: Path, root: RunRoot, **redact) -> dict:
    cfg = IngestConfig(
        input=str(archive),
        run_root=root.uri,
        inline_max_files=100,
        export=ExportConfig(derived="keep"),
        decode=DecodeConfig(isolation="none"),
        redact=RedactConfig(**redact),
    )
    cfg.redact.validate()
    return ingest_new_files(str(archive), root, cfg)


def _images(root: RunRoot) -> dict[str, dict]:
    table = pads.dataset(root.uri_of(IMAGES), format="parquet").to_table()
    pixels = pixels_to_numpy(table["pixels"])
    return {Path(row["path"]).stem: {**row, "pixels": pixels[i]} for i, row in enumerate(table.to_pylist())}


@pytest.fixture(scope="module")
def runs(ray_local, archive, tmp_path_factory) -> dict[str, dict]:
    """The archive ingested with redaction off, and on (with the default policy)."""
    out = {}
    for name, redact in (("off", {"when": []}), ("on", {})):
        root = RunRoot(tmp_path_factory.mktemp(name) / "run")
        out[name] = {"root": root, "summary": _ingest(archive, root, **redact), "images": _images(root)}
    return out


def _secret_of(name: str):
    return secret(next(k for n, k, *_ in BURNED if n == name))


def test_policy_rules_and_config_validation():
    sc = frozenset({SC_CLASS})
    when = ["burned_in_annotation", "secondary_capture", "derived", "US"]
    assert rule_for(when, "YES", "CT", "x", [], sc) == "burned_in_annotation"
    assert rule_for(when, "NO", "OT", SC_CLASS, [], sc) == "secondary_capture"
    assert rule_for(when, None, "CT", "x", ["DERIVED", "SECONDARY", "MIP"], sc) == "derived"
    assert rule_for(when, "NO", "US", "x", ["ORIGINAL", "PRIMARY"], sc) == "US"  # the modality decides
    assert rule_for(when, None, "CT", "x", ["ORIGINAL", "PRIMARY", "AXIAL"], sc) is None
    assert (
        rule_for(["XA"], None, "XA", "x", [], sc) == "XA"
        and rule_for([], "YES", "US", SC_CLASS, [], sc) is None
    )
    with pytest.raises(ConfigError, match="burned_in_annotation, secondary_capture, derived"):
        load_config(IngestConfig, None, ["input=x", "run_root=y", "redact.when=[burned_in]"])
    with pytest.raises(ConfigError, match="'band', 'exclude'"):
        load_config(IngestConfig, None, ["input=x", "run_root=y", "redact.fallback=skip"])
    cfg = load_config(IngestConfig, None, ["input=x", "run_root=y", "redact.when=[US, XA, RF, CR]"])
    assert cfg.redact.when == ["US", "XA", "RF", "CR"]


def test_fill_and_band_masks_stay_inside_their_regions():
    u8 = np.full((16, 16), 200, np.uint8)
    filled = fill_boxes(u8, [(4, 5, 6, 9)], margin=1)
    assert not filled[3:7, 4:10].any() and (filled == 0).sum() == 4 * 6
    banded = mask_bands(u8, 100, 200, 0.25)  # content rows 4..11 of the 16 x 16 export
    assert not banded[4:6].any() and not banded[10:12].any() and (banded[6:10] == 200).all()
    assert (banded[:4] == 200).all() and (banded[12:] == 200).all()


@needs_ocr
def test_no_burned_in_identifier_is_readable_after_ingest(runs):
    off, on = runs["off"]["images"], runs["on"]["images"]
    before = {name: found_tokens(read_words(off[name]["pixels"]), _secret_of(name)) for name, *_ in BURNED}
    after = {name: found_tokens(read_words(on[name]["pixels"]), _secret_of(name)) for name, *_ in BURNED}
    print("OCR hits (tokens read) before:", before, "after:", after)
    # the adversary reads the identifiers of every image that was not redacted ...
    assert all(before.values()) and sum(map(len, before.values())) >= 2 * len(BURNED)
    # ... and none once ingest redacted them
    assert not any(after.values()), after
    assert {name: row["redaction"] for name, row in on.items()} == {
        **{name: "ocr" for name, *_ in BURNED},
        "ct_plain": "none",
    }
    assert all(row["redaction"] == "none" for row in off.values())
    assert runs["on"]["summary"]["redactions"] == {"none": 1, "ocr": len(BURNED)}
    assert runs["on"]["summary"]["redacted_words"] >= 3 * len(BURNED)
    assert on["us_multiframe"]["frame_index"] == 1  # the stored frame (the first one is black) was redacted


def test_images_outside_the_policy_keep_their_pixels(runs):
    off, on = runs["off"]["images"], runs["on"]["images"]
    assert on["ct_plain"]["redaction"] == "none"
    assert on["ct_plain"]["pixels"].tobytes() == off["ct_plain"]["pixels"].tobytes()
    for name, *_ in BURNED:  # redaction only ever blacks pixels out
        changed = on[name]["pixels"] != off[name]["pixels"]
        assert changed.any() and not on[name]["pixels"][changed].any(), name


@pytest.mark.parametrize("fallback", ["band", "exclude"])
def test_without_an_ocr_engine_the_fallback_is_applied_and_recorded(
    ray_local, archive, tmp_path, monkeypatch, fallback
):
    def absent(cfg):
        raise ImportError("pytesseract is not installed")

    monkeypatch.setattr(redact_module, "Tesseract", absent)
    root = RunRoot(tmp_path / "run")
    summary = _ingest(archive, root, fallback=fallback)
    images = _images(root)
    kind = {"band": "band", "exclude": "excluded"}[fallback]
    assert summary["redactions"] == {"none": 1, kind: len(BURNED)}
    for name, *_ in BURNED:
        row = images[name]
        assert row["redaction"] == kind
        if fallback == "exclude":
            assert not row["pixels"].any()
        else:
            expected = mask_bands(np.full_like(row["pixels"], 1), row["orig_rows"], row["orig_cols"], 0.15)
            assert not row["pixels"][expected == 0].any() and row["pixels"].any()
    from pacslabel.evaluate.thumbnails import load_thumbnails

    thumbs = load_thumbnails(root, {row["sop_instance_uid"] for row in images.values()}, 96)
    assert len(thumbs) == (1 if fallback == "exclude" else len(images))  # excluded images get none


def _data_uri_pixels(uri: str) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("L"))


def _label_and_report(root: RunRoot, px: int) -> str:
    """labels/ from the label job over embeddings made from the stored pixels, then the report."""
    from pacslabel.evaluate import EvaluateConfig, run_evaluate
    from pacslabel.label import LabelConfig, run_label
    from pacslabel.label.arrow import matrix_to_tensor_array

    table = pads.dataset(root.uri_of(IMAGES), format="parquet").to_table(
        columns=["sop_instance_uid", "pixels"]
    )
    pixels = pixels_to_numpy(table["pixels"]).astype(np.float32)
    vectors = pixels.reshape(len(pixels), 8, 32, 8, 32).mean(axis=(2, 4)).reshape(len(pixels), -1) / 255
    embeddings = pa.table(
        {
            "sop_instance_uid": table["sop_instance_uid"],
            "embedding": matrix_to_tensor_array(vectors.astype(np.float32)),
            "model_version": ["pixels"] * len(pixels),
        }
    )
    import pyarrow.parquet as pq

    pq.write_table(embeddings, f"{root.makedirs('embeddings', 'images')}/part-0.parquet")
    run_label(LabelConfig(run_root=root.uri, sources=["images"], partition_by=[], k=1, min_rows_per_label=1))
    report = EvaluateConfig(run_root=root.uri)
    report.report.thumb_px = px
    run_evaluate(report)
    return root.read_text("report.html")


@needs_ocr
def test_report_thumbnails_show_no_identifier_and_outputs_name_no_input_folder(runs, archive):
    root = runs["on"]["root"]
    html = _label_and_report(root, px=256)  # thumbnails as large as the stored images
    uris = set(re.findall(r'src="(data:image/png;base64,[^"]+)"', html))
    assert len(uris) == len(BURNED) + 1
    words = [w for uri in uris for w in read_words(_data_uri_pixels(uri))]
    assert not any(found_tokens(words, _secret_of(name)) for name, *_ in BURNED)
    # outputs meant to leave the hospital: no input path, folder or file name
    names = {archive.name, PATIENT_DIR, STUDY_DIR, "4711923", *(f"{n}.dcm" for n, *_ in BURNED), "ct_plain"}
    labels = pads.dataset(root.uri_of("labels"), format="parquet").to_table()
    shared = {
        "report.html": html,
        "metrics.json": root.read_text("metrics.json"),
        "labels/": str(labels.to_pylist()),
        "models/kmeans/meta.json": root.read_text("models", "kmeans", "meta.json"),
    }
    assert "path" not in labels.column_names
    for output, text in shared.items():
        assert not [n for n in names if n in text], output
