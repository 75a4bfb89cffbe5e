"""Gallery thumbnails: pick sample instances per cluster and turn their pixels into PNG data URIs.

Thumbnails are made from images/, whose pixels are already redacted (burned-in text filled at ingest);
an image kept out of visual outputs (``redaction`` = excluded) gets none.
"""

from __future__ import annotations

import base64
import io
import logging

import numpy as np

from pacslabel.evaluate.frame import InstanceFrame
from pacslabel.evaluate.tables import as_images, table_exists, take_rows
from pacslabel.imagecol import pixels_to_numpy
from pacslabel.ingest.redact import EXCLUDED
from pacslabel.runroot import IMAGES, UID, RunRoot

log = logging.getLogger(__name__)


def png_bytes(pixels: np.ndarray, px: int | None = None, optimize: bool = True) -> bytes:
    """A uint8 greyscale image as PNG bytes, resized to px × px (area averaging) when ``px`` is given."""
    from PIL import Image

    img = Image.fromarray(np.ascontiguousarray(pixels, dtype=np.uint8))
    if px is not None and img.size != (px, px):
        img = img.resize((px, px), Image.Resampling.BOX if px < min(img.size) else Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=optimize)
    return buf.getvalue()


def png_data_uri(pixels: np.ndarray, px: int) -> str:
    """A uint8 greyscale image resized to px × px (area averaging) as a base64 PNG data URI."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels, px)).decode("ascii")


def pick_samples(label_index: np.ndarray, n_clusters: int, per_cluster: int, seed: int) -> list[np.ndarray]:
    """Per dense label, up to ``per_cluster`` seeded-random frame rows (in display order)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(label_index, kind="stable")
    bounds = np.searchsorted(label_index[order], np.arange(n_clusters + 1))
    out = []
    for k in range(n_clusters):
        members = order[bounds[k] : bounds[k + 1]]
        if members.size > per_cluster:
            members = rng.choice(members, size=per_cluster, replace=False)
        out.append(np.asarray(members, dtype=np.int64))
    return out


def load_thumbnails(root: RunRoot, uids: set[str], px: int) -> dict[str, str]:
    """uid -> PNG data URI for the wanted uids found in images/ (first row per uid; none for an image
    whose ``redaction`` is excluded)."""
    if not uids or not table_exists(root, IMAGES):
        return {}
    out: dict[str, str] = {}
    for table in take_rows(root, IMAGES, UID, uids, ["pixels", "redaction"]):
        if "pixels" not in table.column_names:
            break
        keys = table.column(UID).to_pylist()
        imgs = as_images(pixels_to_numpy(table.column("pixels")))
        shown = (
            table.column("redaction").to_pylist() if "redaction" in table.column_names else [None] * len(keys)
        )
        for key, img, redaction in zip(keys, imgs, shown, strict=True):
            if key not in out and redaction != EXCLUDED:
                out[key] = png_data_uri(img, px)
    log.info("made %d thumbnails", len(out))
    return out


def cluster_galleries(
    root: RunRoot,
    frame: InstanceFrame,
    label_index: np.ndarray,
    n_clusters: int,
    per_cluster: int,
    px: int,
    seed: int,
    extra_uids: set[str] | None = None,
) -> tuple[list[list[str]], dict[str, str]]:
    """(per dense label: data URIs of its sample thumbnails, uid -> data URI of ``extra_uids``)."""
    if per_cluster == 0 and not extra_uids:
        return [[] for _ in range(n_clusters)], {}
    # twice the wanted number, so that instances without an exported image can be skipped
    picks = pick_samples(label_index, n_clusters, 2 * per_cluster, seed)
    wanted = {str(frame.uids[p]) for rows in picks for p in rows}
    wanted |= extra_uids or set()
    thumbs = load_thumbnails(root, wanted, px)
    galleries = []
    for rows in picks:
        uris = [thumbs[u] for u in (str(frame.uids[p]) for p in rows) if u in thumbs]
        galleries.append(uris[:per_cluster])
    extra = {u: thumbs[u] for u in (extra_uids or set()) if u in thumbs}
    return galleries, extra
