"""DICOM images with a patient's name, ID and date burned into their pixels, and an OCR reader for them.

Every image holds an anatomy-like blob with speckle, and three annotation lines written with PIL
(top left, top right, bottom left) in one of :func:`fonts`: PIL's bitmap font and, where the system
has them, TrueType fonts at several sizes. ``read_secrets`` is the adversary: Tesseract with other
page segmentation modes and scales than the redactor's, matching words loosely.
"""

from __future__ import annotations

import difflib
import glob
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

UID_ROOT = "1.2.826.0.1.3680043.8.498.77"
CT_CLASS = "1.2.840.10008.5.1.4.1.1.2"
US_CLASS = "1.2.840.10008.5.1.4.1.1.6.1"
US_MULTIFRAME_CLASS = "1.2.840.10008.5.1.4.1.1.3.1"
SC_CLASS = "1.2.840.10008.5.1.4.1.1.7"
SURNAMES = (
    "ZOLLNER",
    "KRAMPITZ",
    "WOJCIECHOWSKA",
    "HAVERKAMP",
    "BRUNNHOLD",
    "OKONKWO",
    "LINDQVIST",
    "MERIWEATHER",
)
GIVEN = ("QUIRINUS", "ERMENGARD", "THEOBALD", "WALBURGA", "FRIDOLIN", "ADAEZE", "SIGVALD", "PERPETUA")


@dataclass(frozen=True)
class Secret:
    """The burned-in identifiers of one image, and the tokens a reader must never recover."""

    name: str
    patient_id: str
    date: str

    def lines(self) -> list[str]:
        return [self.name, f"ID {self.patient_id}", self.date]

    def tokens(self) -> list[str]:
        return [*_words(self.name.replace("^", " ")), self.patient_id, self.date.replace("-", "")]


def secret(i: int) -> Secret:
    rng = np.random.default_rng(1000 + i)
    name = f"{SURNAMES[i % len(SURNAMES)]}^{GIVEN[(3 * i + 1) % len(GIVEN)]}"
    year, month, day = 1930 + int(rng.integers(80)), 1 + int(rng.integers(12)), 1 + int(rng.integers(28))
    return Secret(name, f"{int(rng.integers(10**6, 10**7))}", f"{year:04d}-{month:02d}-{day:02d}")


def fonts() -> list[tuple[str, ImageFont.ImageFont]]:
    """(name, font): PIL's bitmap font drawn twice as large, and TrueType fonts of the system."""
    out: list[tuple[str, ImageFont.ImageFont]] = [("pil-bitmap", ImageFont.load_default_imagefont())]
    for pattern, sizes in (
        ("DejaVuSans.ttf", (18, 26)),
        ("DejaVuSansMono.ttf", (22,)),
        ("LiberationSerif-Regular.ttf", (24,)),
    ):
        found = sorted(glob.glob(f"/usr/share/fonts/**/{pattern}", recursive=True))
        out += [(f"{pattern.split('.')[0]}-{s}", ImageFont.truetype(found[0], s)) for s in sizes if found]
    return out


def _text_layer(
    shape: tuple[int, int], font: ImageFont.ImageFont, s: Secret, bitmap_scale: int
) -> np.ndarray:
    """A float mask (0..1) of the three annotation lines; the bitmap font is drawn small and enlarged."""
    rows, cols = shape
    small = (rows // bitmap_scale, cols // bitmap_scale)
    layer = Image.new("L", (small[1], small[0]), 0)
    draw = ImageDraw.Draw(layer)
    name, pid, date = s.lines()
    margin = max(3, small[0] // 60)
    right = draw.textbbox((0, 0), pid, font=font)[2]
    bottom = draw.textbbox((0, 0), date, font=font)[3]
    draw.text((margin, margin), name, fill=255, font=font)
    draw.text((small[1] - right - margin, margin), pid, fill=255, font=font)
    draw.text((margin, small[0] - bottom - margin), date, fill=255, font=font)
    if bitmap_scale > 1:
        layer = layer.resize((cols, rows), Image.Resampling.NEAREST)
    return np.asarray(layer, dtype=np.float32) / 255.0


def background(rows: int, cols: int, seed: int) -> np.ndarray:
    """An anatomy-like bright blob with speckle, 0..200, float32."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:rows, :cols].astype(np.float32)
    cy, cx = rows * (0.45 + 0.1 * rng.random()), cols * (0.45 + 0.1 * rng.random())
    blob = np.exp(-(((yy - cy) / (rows / 3.2)) ** 2 + ((xx - cx) / (cols / 3.0)) ** 2))
    return np.clip(blob * 170 + rng.normal(0, 12, (rows, cols)) * blob + 8, 0, 200).astype(np.float32)


def burned_image(
    rows: int, cols: int, font_index: int, s: Secret, seed: int, rgb: bool = False
) -> np.ndarray:
    """uint8 (rows, cols) or (rows, cols, 3): the background with the secret written in white (or yellow)."""
    name, font = fonts()[font_index % len(fonts())]
    scale = 2 if name == "pil-bitmap" else 1
    text = _text_layer((rows, cols), font, s, scale)
    grey = background(rows, cols, seed)
    if not rgb:
        return np.clip(grey * (1 - text) + 255 * text, 0, 255).astype(np.uint8)
    colour = np.array([255, 230, 40], np.float32)  # yellow annotations, as many scanners draw them
    out = grey[..., None] * (1 - text[..., None]) + colour * text[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def write_image(
    path,
    index: int,
    pixels: np.ndarray,
    modality: str,
    sop_class: str,
    burned_in: str | None = "YES",
    frames: int = 1,
) -> str:
    """Write ``pixels`` (8-bit grey or RGB) as a DICOM file; ``frames`` > 1: a black first frame, then
    the image (the export stores the first frame that passes its policies: the second one)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    uid = f"{UID_ROOT}.{index}"
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, uid
    ds.StudyInstanceUID, ds.SeriesInstanceUID = f"{uid}.1", f"{uid}.2"
    ds.Modality = modality
    ds.PatientID = f"P{index}"
    if burned_in is not None:
        ds.BurnedInAnnotation = burned_in
    rgb = pixels.ndim == 3
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.SamplesPerPixel = 3 if rgb else 1
    ds.PhotometricInterpretation = "RGB" if rgb else "MONOCHROME2"
    if rgb:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    data = pixels
    if frames > 1:
        ds.NumberOfFrames = frames
        data = np.stack([np.zeros_like(pixels), *([pixels] * (frames - 1))])
    ds.PixelData = np.ascontiguousarray(data).tobytes()
    ds.save_as(str(path), enforce_file_format=True)
    return str(path)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9A-Z]+", text.upper()) if w]


def read_words(u8: np.ndarray) -> list[str]:
    """Every word Tesseract reads in ``u8`` (page segmentation modes 3 and 11; scales 2 and 4)."""
    import pytesseract

    img = Image.fromarray(np.ascontiguousarray(u8))
    words: list[str] = []
    for scale in (2, 4):
        big = img.resize((img.width * scale, img.height * scale), Image.Resampling.LANCZOS)
        for psm in (3, 11):
            text = pytesseract.image_to_string(big, config=f"--psm {psm}")
            words += _words(text)
            words.append("".join(_words(text)))  # tokens split over several words
    return words


def found_tokens(words: list[str], s: Secret, ratio: float = 0.8) -> set[str]:
    """Tokens of ``s`` that appear in ``words``: inside one, or nearly equal to one (one misread
    character in five)."""
    hits = set()
    for token in s.tokens():
        for word in words:
            if token in word or difflib.SequenceMatcher(None, token, word).ratio() >= ratio:
                hits.add(token)
                break
    return hits
