"""Burned-in text: which images are searched, where their text is, and what is painted over it.

Redaction works on the stored image (the exported frame, ``S x S`` uint8), before it is written:

* policy (``redact.when``): an image is searched when one rule of the list matches it:
  ``burned_in_annotation`` (BurnedInAnnotation is YES), ``secondary_capture`` (an SC SOP class),
  ``derived`` (ImageType value 2 is SECONDARY: screen saves, reformats, 3D renderings), or its
  Modality code (``US``, ``XA``, ``RF``, ``CR`` ...). Every other image is stored as exported.
* OCR (``ocr``): Tesseract's word boxes (``pytesseract.image_to_data``) on the image enlarged
  ``upscale`` times, one read per page segmentation mode of ``psm``; every word holding a letter or a
  digit, with confidence at least ``min_confidence``, is filled black with ``margin`` pixels around it.
  Reads repeat on the filled image (``passes``) until no new word is found.
* fallback, when no engine is installed or a read fails: ``band`` blacks out the top and bottom
  ``band_fraction`` of the image content (where scanners write names, IDs and dates); ``exclude``
  stores a black image, which no visual output shows.

What was done is the ``redaction`` column of images/: :data:`NONE`, :data:`OCR`, :data:`BAND` or
:data:`EXCLUDED`.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import numpy as np
from PIL import Image

from pacslabel.ingest.export import content_box
from pacslabel.vocab import code_value

log = logging.getLogger(__name__)

NONE, OCR, BAND, EXCLUDED = "none", "ocr", "band", "excluded"
RULES = ("burned_in_annotation", "secondary_capture", "derived")
MODALITY_CODE = re.compile(r"[A-Z][A-Z0-9]{1,15}")
_WORD = re.compile(r"[^\W_]", re.UNICODE)  # a letter or a digit

Box = tuple[int, int, int, int]  # (top, left, bottom, right), bottom / right exclusive


def rule_for(
    when: list[str],
    burned_in: str | None,
    modality: str | None,
    sop_class: str | None,
    image_type: list[str],
    secondary_capture_classes: frozenset[str],
) -> str | None:
    """The first rule of ``when`` that matches the image, or None when it is stored as exported."""
    for rule in when:
        if rule == "burned_in_annotation" and (burned_in or "").strip().upper() == "YES":
            return rule
        if rule == "secondary_capture" and sop_class in secondary_capture_classes:
            return rule
        if rule == "derived" and len(image_type) > 1 and image_type[1].strip().upper() == "SECONDARY":
            return rule
        if rule == code_value(modality):
            return rule
    return None


def fill_boxes(u8: np.ndarray, boxes: list[Box], margin: int) -> np.ndarray:
    """A copy of ``u8`` with every box, grown by ``margin`` pixels, set to 0."""
    out = u8.copy()
    rows, cols = u8.shape
    for top, left, bottom, right in boxes:
        out[
            max(0, top - margin) : min(rows, bottom + margin),
            max(0, left - margin) : min(cols, right + margin),
        ] = 0
    return out


def mask_bands(u8: np.ndarray, orig_rows: int, orig_cols: int, fraction: float) -> np.ndarray:
    """A copy of ``u8`` with the top and bottom ``fraction`` of the image content set to 0."""
    top, left, rows, cols = content_box(orig_rows, orig_cols, u8.shape[0])
    band = max(1, round(rows * fraction))
    out = u8.copy()
    out[top : top + band, left : left + cols] = 0
    out[top + rows - band : top + rows, left : left + cols] = 0
    return out


def word_boxes(data: dict[str, list], scale: int, min_confidence: float) -> list[Box]:
    """Boxes (in the unscaled image) of the words of a ``pytesseract.image_to_data`` dict."""
    boxes = []
    for text, conf, left, top, width, height in zip(
        data["text"], data["conf"], data["left"], data["top"], data["width"], data["height"], strict=True
    ):
        if not _WORD.search(str(text)) or float(conf) < min_confidence:
            continue
        boxes.append(
            (
                int(top) // scale,
                int(left) // scale,
                -(-(int(top) + int(height)) // scale),
                -(-(int(left) + int(width)) // scale),
            )
        )
    return boxes


def upscaled(u8: np.ndarray, scale: int) -> Image.Image:
    """``u8`` as a PIL image enlarged ``scale`` times (Lanczos): small burned-in text becomes legible."""
    img = Image.fromarray(np.ascontiguousarray(u8))
    if scale == 1:
        return img
    return img.resize((u8.shape[1] * scale, u8.shape[0] * scale), Image.Resampling.LANCZOS)


class Tesseract:
    """The Tesseract engine through pytesseract (one ``tesseract`` process per read, one thread each)."""

    def __init__(self, cfg: Any):
        import pytesseract

        self.cfg = cfg
        self.pytesseract = pytesseract
        pytesseract.get_tesseract_version()  # raises when the tesseract program is not installed
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # the worker's CPU, not every core per read

    def boxes(self, u8: np.ndarray) -> list[Box]:
        """Word boxes of every read (one per page segmentation mode) of ``u8``."""
        cfg = self.cfg
        img = upscaled(u8, cfg.upscale)
        found: list[Box] = []
        for psm in cfg.psm:
            data = self.pytesseract.image_to_data(
                img,
                config=f"--psm {psm}",
                output_type=self.pytesseract.Output.DICT,
                timeout=cfg.timeout_s,
            )
            found += word_boxes(data, cfg.upscale, cfg.min_confidence)
        return found


def load_engine(cfg: Any) -> Tesseract | None:
    """The configured OCR engine, or None (with a warning) when it is off or not installed."""
    if cfg.engine == "none":
        return None
    try:
        return Tesseract(cfg)
    except Exception as exc:  # ImportError, or pytesseract's TesseractNotFoundError
        log.warning("no OCR engine (%s: %s): burned-in text falls back to %s", cfg.engine, exc, cfg.fallback)
        return None


class Redactor:
    """Redacts the stored images that the policy selects; holds the OCR engine (loaded once per worker)."""

    def __init__(self, cfg: Any):
        self.cfg = cfg
        self.engine = load_engine(cfg) if cfg.when else None

    def __call__(self, u8: np.ndarray, orig_rows: int, orig_cols: int) -> tuple[np.ndarray, str, int]:
        """(pixels to store, redaction, words filled) of an image that the policy selected."""
        if self.engine is not None:
            try:
                return self.ocr(u8)
            except Exception as exc:  # a read that fails or times out: the fallback, never the raw image
                log.warning("OCR failed (%s: %s); %s instead", type(exc).__name__, exc, self.cfg.fallback)
        if self.cfg.fallback == "band":
            return mask_bands(u8, orig_rows, orig_cols, self.cfg.band_fraction), BAND, 0
        return np.zeros_like(u8), EXCLUDED, 0

    def ocr(self, u8: np.ndarray) -> tuple[np.ndarray, str, int]:
        out, words = u8, 0
        for _ in range(self.cfg.passes):
            boxes = self.engine.boxes(out)
            if not boxes:
                break
            out, words = fill_boxes(out, boxes, self.cfg.margin), words + len(boxes)
        return out, OCR, words
