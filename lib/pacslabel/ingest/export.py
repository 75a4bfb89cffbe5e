"""The RadiologyNET-style image export, as array functions (float32, vectorised).

``export_image(frame, meta, cfg) -> (uint8 [size, size] | None, info)``, in this order:

1. colour to grey: RGB -> ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B); YBR_* -> its Y plane
   (decode with ``raw=True`` so the Y plane is the luminance); PALETTE COLOR is expanded to RGB first
   (see :mod:`pacslabel.ingest.pixels`).
2. modality LUT: ``x * slope + intercept`` (slope 1, intercept 0 when absent), or a LUT already applied
   by the caller (``meta["modality_lut_applied"]``).
3. window, first that applies (``window_source``):
   ``window_tags`` / ``frame_voi`` (first pair with finite centre and width >= 1, top level then
   functional groups) -> ``percentile`` (p_low..p_high of the pixels left after removing a most common
   extreme value covering more than ``background_fraction`` of the image; an evenly strided sample of
   at most ``percentile_max_samples`` pixels) -> ``minmax`` (same pixels).
   Mapping (RadiologyNET's, not DICOM's LINEAR): ``y = (x - (c - w/2)) / w * 255`` clipped to 0..255.
   Constant images are rejected (``value_policy``).
4. MONOCHROME1 XOR PresentationLUTShape INVERSE -> ``y = 255 - y`` (after windowing).
5. 8-bit: ``floor(y + 0.5)`` as uint8.
6. policies: shape ``min(r, c) / max(r, c) >= min_aspect``; value on the 8-bit image: max >= 1,
   ``floor(log2(max)) + 1 >= min_bits`` and occupancy (non-empty grey levels / (2**bits - 1)) above
   ``min_occupancy`` (``min_occupancy_multiframe_xa`` for multi-frame XA). ``value_ratio`` = occupancy.
7. resize keeping aspect, longest side -> ``size`` (box / area filter when shrinking, bilinear when
   enlarging), on the float image, then 8-bit.
8. centre on a zero ``size x size`` canvas (padding stays black because inversion came first).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PIL import Image

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


class PolicyReject(Exception):
    """A frame was refused by a policy; ``reason`` is a documented reject code."""

    def __init__(self, reason: str, message: str, info: dict[str, Any] | None = None):
        super().__init__(message)
        self.reason = reason
        self.info = info or {}


def to_gray(frame: np.ndarray, photometric: str | None) -> np.ndarray:
    """(H, W) or (H, W, 3) -> float32 (H, W)."""
    arr = np.asarray(frame)
    if arr.ndim == 2:
        return arr.astype(np.float32, copy=False)
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        if (photometric or "").upper().startswith("YBR"):
            return arr[..., 0].astype(np.float32)
        return arr[..., :3].astype(np.float32) @ LUMA
    if arr.ndim == 3 and arr.shape[-1] == 1:
        return arr[..., 0].astype(np.float32)
    raise ValueError(f"unexpected frame shape {arr.shape}")


def first_valid_window(centers: Any, widths: Any) -> tuple[float, float] | None:
    """First (centre, width) pair with finite centre and width >= 1 (unequal lists pair up to the shorter)."""
    for c, w in zip(_seq(centers), _seq(widths), strict=False):
        try:
            c, w = float(c), float(w)
        except (TypeError, ValueError):
            continue
        if math.isfinite(c) and math.isfinite(w) and w >= 1.0:
            return c, w
    return None


def _seq(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, str | bytes | int | float):
        if isinstance(values, bytes):
            values = values.decode("latin-1")
        return values.split("\\") if isinstance(values, str) else [values]
    try:
        return list(values)
    except TypeError:
        return [values]


def _sample(x: np.ndarray, max_samples: int) -> np.ndarray:
    flat = x.reshape(-1)
    if flat.size > max_samples:
        flat = flat[:: math.ceil(flat.size / max_samples)]
    return flat


def foreground(x: np.ndarray, background_fraction: float, max_samples: int) -> np.ndarray:
    """Pixels left after dropping the min and/or max value when one covers > ``background_fraction``."""
    flat = _sample(x, max_samples)
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return flat
    lo, hi = flat.min(), flat.max()
    keep = np.ones(flat.shape, dtype=bool)
    for extreme in (lo, hi):
        hit = flat == extreme
        if hit.mean() > background_fraction:
            keep &= ~hit
    out = flat[keep]
    return out if out.size else flat


def choose_window(x: np.ndarray, meta: dict[str, Any], cfg: Any) -> tuple[float, float, str]:
    """(centre, width, source) by the fallback chain; raises PolicyReject when nothing applies."""
    for centers, widths, source in (
        (meta.get("window_center"), meta.get("window_width"), "window_tags"),
        (meta.get("frame_window_center"), meta.get("frame_window_width"), "frame_voi"),
    ):
        pair = first_valid_window(centers, widths)
        if pair is not None:
            return pair[0], pair[1], source
    if getattr(cfg, "strict_window", False):
        raise PolicyReject("missing_window", "no valid window centre/width and export.strict_window is set")
    fg = foreground(x, cfg.background_fraction, cfg.percentile_max_samples)
    if fg.size == 0:
        raise PolicyReject("value_policy", "no finite pixel values")
    lo, hi = np.percentile(fg, [cfg.percentile_low, cfg.percentile_high])
    source = "percentile"
    if not hi > lo:
        lo, hi = float(fg.min()), float(fg.max())
        source = "minmax"
    if not hi > lo:
        raise PolicyReject("value_policy", f"constant image (all pixels {float(lo):g})")
    lo, hi = float(lo), float(hi)
    return (lo + hi) / 2.0, hi - lo, source


def apply_window(x: np.ndarray, center: float, width: float) -> np.ndarray:
    """RadiologyNET mapping of c - w/2 .. c + w/2 to 0..255 (float32, clipped)."""
    y = x - np.float32(center - width / 2.0)
    y *= np.float32(255.0 / width)
    np.clip(y, 0.0, 255.0, out=y)
    return y


def to_uint8(y: np.ndarray) -> np.ndarray:
    """``floor(y + 0.5)`` as uint8, for y in 0..255 (truncation is the floor of non-negative values)."""
    return (y + np.float32(0.5)).astype(np.uint8)


def value_policy(u8: np.ndarray, cfg: Any, multiframe_xa: bool = False) -> tuple[float, str | None]:
    """(occupancy ratio, failure message or None) on the full-resolution 8-bit image."""
    hist = np.asarray(Image.fromarray(np.ascontiguousarray(u8)).histogram()) if u8.size else np.zeros(1)
    mx = int(np.flatnonzero(hist).max()) if u8.size else 0
    if mx < cfg.min_max_value:
        return 0.0, f"black image (max {mx})"
    bits = math.floor(math.log2(mx)) + 1
    ratio = min(1.0, float(np.count_nonzero(hist[: 2**bits])) / float(2**bits - 1)) if bits > 0 else 0.0
    if bits < cfg.min_bits:
        return ratio, f"near-black image (max {mx}, {bits} bits < {cfg.min_bits})"
    threshold = cfg.min_occupancy_multiframe_xa if multiframe_xa else cfg.min_occupancy
    if ratio <= threshold:
        return ratio, f"too few grey levels (occupancy {ratio:.3f} <= {threshold})"
    return ratio, None


def content_box(rows: int, cols: int, size: int) -> tuple[int, int, int, int]:
    """(top, left, rows, cols) of a rows x cols image inside its size x size export (see resize_pad)."""
    scale = size / max(rows, cols)
    new_r = max(1, min(size, round(rows * scale)))
    new_c = max(1, min(size, round(cols * scale)))
    return (size - new_r) // 2, (size - new_c) // 2, new_r, new_c


def resize_pad(y: np.ndarray, size: int) -> np.ndarray:
    """Float (H, W) in 0..255 -> uint8 (size, size): aspect kept, longest side = size, centred, zero pad."""
    rows, cols = y.shape
    top, left, new_r, new_c = content_box(rows, cols, size)
    if (new_r, new_c) != (rows, cols):
        resample = Image.Resampling.BOX if size < max(rows, cols) else Image.Resampling.BILINEAR
        img = Image.fromarray(np.ascontiguousarray(y, dtype=np.float32), mode="F")
        y = np.asarray(img.resize((new_c, new_r), resample=resample), dtype=np.float32)
    out = np.zeros((size, size), dtype=np.uint8)
    out[top : top + new_r, left : left + new_c] = to_uint8(np.clip(y, 0.0, 255.0))
    return out


def export_image(frame: np.ndarray, meta: dict[str, Any], cfg: Any) -> tuple[np.ndarray, dict[str, Any]]:
    """One decoded frame -> (uint8 [cfg.size, cfg.size], info); raises :class:`PolicyReject` on a policy.

    ``meta`` keys (all optional): photometric_interpretation, presentation_lut_shape, rescale_slope,
    rescale_intercept, modality_lut_applied, window_center / window_width (top level, single or
    multi-valued), frame_window_center / frame_window_width (functional groups), modality, n_frames.
    ``info`` holds window_source, window_center, window_width, inverted, value_ratio, orig_rows, orig_cols.
    """
    photometric = (meta.get("photometric_interpretation") or "").upper()
    x = to_gray(frame, photometric)
    rows, cols = x.shape
    info: dict[str, Any] = {"orig_rows": int(rows), "orig_cols": int(cols)}
    aspect = min(rows, cols) / max(rows, cols) if max(rows, cols) else 0.0
    if aspect < cfg.min_aspect:
        raise PolicyReject("shape_policy", f"aspect {aspect:.3f} < {cfg.min_aspect} ({rows}x{cols})", info)
    if not meta.get("modality_lut_applied"):
        slope = meta.get("rescale_slope")
        intercept = meta.get("rescale_intercept")
        slope = 1.0 if slope is None or not math.isfinite(slope) or slope == 0 else float(slope)
        intercept = 0.0 if intercept is None or not math.isfinite(intercept) else float(intercept)
        if slope != 1.0 or intercept != 0.0:
            x = x * np.float32(slope)
            x += np.float32(intercept)
    center, width, source = choose_window(x, meta, cfg)
    info.update(window_source=source, window_center=float(center), window_width=float(width))
    y = apply_window(x, center, width)
    inverse = (meta.get("presentation_lut_shape") or "").upper() == "INVERSE"
    inverted = (photometric == "MONOCHROME1") != inverse
    if inverted:
        np.subtract(np.float32(255.0), y, out=y)
    info["inverted"] = bool(inverted)
    u8 = to_uint8(y)
    multiframe_xa = (meta.get("modality") or "").upper() == "XA" and int(meta.get("n_frames") or 1) > 1
    ratio, failure = value_policy(u8, cfg, multiframe_xa)
    info["value_ratio"] = ratio
    if failure:
        raise PolicyReject("value_policy", failure, info)
    return resize_pad(y, cfg.size), info
