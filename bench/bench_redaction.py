"""Burned-in text: what OCR still reads in images/ after ingest, with redaction off and on.

    .venv/bin/python bench/bench_redaction.py [--images 40] [--clean 8]

Generates ``images`` DICOM files with a patient's name, ID and date burned into the pixels (the
fonts and sizes of ``tests/ingest/burned_fixtures.py``: PIL's bitmap font and TrueType fonts; grey and
RGB; every fifth one multi-frame; US, or SC / CR with BurnedInAnnotation YES) and ``clean`` US images
without text, then ingests them twice in this process: ``redact.when=[]`` and the default policy.
Printed: images redacted by kind, identifier tokens the adversary OCR (other Tesseract settings than
the redactor's) reads before and after, redaction time per image, and the share of content pixels
blacked out in images with text and in images without (what redaction costs the labels).
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.dataset as pads

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "lib"), str(REPO / "tests" / "ingest")]

from burned_fixtures import (  # noqa: E402
    SC_CLASS,
    US_CLASS,
    US_MULTIFRAME_CLASS,
    background,
    burned_image,
    found_tokens,
    read_words,
    secret,
    write_image,
)

from pacslabel.imagecol import pixels_to_numpy  # noqa: E402
from pacslabel.ingest import DecodeConfig, ExportConfig, IngestConfig, ingest_new_files  # noqa: E402
from pacslabel.ingest.config import RedactConfig  # noqa: E402
from pacslabel.runroot import IMAGES, RunRoot  # noqa: E402
from pacslabel.runtime import RayConfig, init_ray  # noqa: E402

SIZES = [(256, 256), (480, 640), (600, 800), (768, 1024), (512, 512)]


def make_archive(top: Path, n: int, clean: int) -> dict[str, int]:
    """File stem -> index of its secret (-1: no text)."""
    top.mkdir(parents=True)
    out = {}
    for i in range(n):
        rows, cols = SIZES[i % len(SIZES)]
        pixels = burned_image(rows, cols, i, secret(i), seed=i, rgb=i % 3 == 2)
        kind = i % 4
        modality, sop_class, burned_in = [
            ("US", US_CLASS, None),
            ("US", US_CLASS, "YES"),
            ("OT", SC_CLASS, "YES"),
            ("CR", "1.2.840.10008.5.1.4.1.1.1", "YES"),
        ][kind]
        frames = 3 if i % 5 == 4 else 1
        if frames > 1:
            modality, sop_class = "US", US_MULTIFRAME_CLASS
        write_image(top / f"t{i:03d}.dcm", i, pixels, modality, sop_class, burned_in, frames)
        out[f"t{i:03d}"] = i
    for j in range(clean):
        rows, cols = SIZES[j % len(SIZES)]
        pixels = background(rows, cols, seed=500 + j).astype(np.uint8)
        write_image(top / f"c{j:03d}.dcm", 1000 + j, pixels, "US", US_CLASS, None)
        out[f"c{j:03d}"] = -1
    return out


def ingest(top: Path, run: Path, **redact) -> tuple[dict, dict[str, dict]]:
    root = RunRoot(run)
    cfg = IngestConfig(
        input=str(top),
        run_root=root.uri,
        inline_max_files=10_000,
        export=ExportConfig(derived="keep"),
        decode=DecodeConfig(isolation="none"),
        redact=RedactConfig(**redact),
    )
    cfg.redact.validate()
    summary = ingest_new_files(str(top), root, cfg)
    table = pads.dataset(root.uri_of(IMAGES), format="parquet").to_table()
    pixels = pixels_to_numpy(table["pixels"])
    rows = {Path(r["path"]).stem: {**r, "pixels": pixels[i]} for i, r in enumerate(table.to_pylist())}
    return summary, rows


def hits(rows: dict[str, dict], which: dict[str, int]) -> dict[str, set[str]]:
    return {
        stem: found_tokens(read_words(rows[stem]["pixels"]), secret(i)) for stem, i in which.items() if i >= 0
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--images", type=int, default=40)
    p.add_argument("--clean", type=int, default=8)
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    init_ray(RayConfig(num_cpus=2, progress_bars=False))  # the listing's object store; the files run here
    with tempfile.TemporaryDirectory() as tmp:
        which = make_archive(Path(tmp) / "pacs", args.images, args.clean)
        _, off = ingest(Path(tmp) / "pacs", Path(tmp) / "off", when=[])
        t0 = time.perf_counter()
        summary, on = ingest(Path(tmp) / "pacs", Path(tmp) / "on")
        seconds = time.perf_counter() - t0
        before, after = hits(off, which), hits(on, which)
    tokens = sum(len(secret(i).tokens()) for i in which.values() if i >= 0)

    def blacked(stems: list[str]) -> float:
        shares = [
            float(((on[s]["pixels"] == 0) & (off[s]["pixels"] != 0)).sum())
            / max(1, int((off[s]["pixels"] != 0).sum()))
            for s in stems
        ]
        return float(np.mean(shares)) if shares else 0.0

    texted = [s for s, i in which.items() if i >= 0]
    clean = [s for s, i in which.items() if i < 0]
    print(f"images: {len(on)} ({len(texted)} with burned-in text, {len(clean)} US without)")
    print(f"redaction: {dict(collections.Counter(r['redaction'] for r in on.values()))}")
    print(f"words filled: {summary['redacted_words']}")
    searched = sum(r["redaction"] != "none" for r in on.values())
    print(f"OCR time per searched image: {summary['redact_seconds'] / max(1, searched):.2f} s")
    print(f"ingest with redaction: {seconds:.1f} s")
    print(
        f"OCR hits before: {sum(map(len, before.values()))} of {tokens} tokens, "
        f"in {sum(map(bool, before.values()))} of {len(texted)} images"
    )
    print(
        f"OCR hits after:  {sum(map(len, after.values()))} of {tokens} tokens, "
        f"in {sum(map(bool, after.values()))} of {len(texted)} images"
    )
    for stem, found in sorted(after.items()):
        if found:
            print(f"  still read in {stem}: {sorted(found)}")
    print(f"content pixels blacked: {blacked(texted):.3f} with text, {blacked(clean):.3f} without")


if __name__ == "__main__":
    main()
