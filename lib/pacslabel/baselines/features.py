"""Fixed image descriptors of paper 001 (HOG, LBP, PCA) for the "<features> + k-means" baselines.

HOG and LBP are batched NumPy re-implementations of ``skimage.feature.hog`` and
``skimage.feature.local_binary_pattern`` (same gradients, orientation bins, bilinear sampling and
pattern codes; the tests check them against scikit-image image by image). They work on a whole
(N, H, W) batch at once instead of one Cython call per image. ``*_reference`` functions are the
plain per-image scikit-image loops, kept as the correctness oracle and the benchmark baseline.

Paper parameters (001 section III-B, 000 section 3.3): HOG with 8x8-pixel cells and 2x2-cell
blocks; LBP with radius 1, 8 neighbours, histograms over 16x16-pixel cells; PCA to 20 dimensions.
Neither paper names the HOG orientation count, block norm or LBP coding, so scikit-image's
defaults are used (9 orientations, L2-Hys) and LBP uses ``method="uniform"`` (P + 2 = 10 codes
per cell; ``"default"`` gives 2**P = 256 codes per cell, i.e. 65,536 dimensions on 256x256).
"""

from __future__ import annotations

import functools
import logging
from typing import Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

log = logging.getLogger(__name__)

LbpMethod = Literal["uniform", "default"]


def _as_batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (N, H, W), got {images.shape}")
    return images


# ----------------------------------------------------------------------------------------------- HOG
def hog_output_dim(
    height: int,
    width: int,
    *,
    orientations: int = 9,
    pixels_per_cell: tuple[int, int] = (8, 8),
    cells_per_block: tuple[int, int] = (2, 2),
) -> int:
    """Length of one HOG vector: blocks_row * blocks_col * cells_per_block * orientations."""
    n_cells_r, n_cells_c = height // pixels_per_cell[0], width // pixels_per_cell[1]
    n_blocks_r = n_cells_r - cells_per_block[0] + 1
    n_blocks_c = n_cells_c - cells_per_block[1] + 1
    if n_blocks_r <= 0 or n_blocks_c <= 0:
        raise ValueError(
            f"image {height}x{width} too small for {pixels_per_cell}-pixel cells, {cells_per_block} blocks"
        )
    return n_blocks_r * n_blocks_c * cells_per_block[0] * cells_per_block[1] * orientations


def _orientation_bins(g_row: np.ndarray, g_col: np.ndarray, orientations: int) -> np.ndarray:
    """Orientation bin of each gradient, ``orientations`` for the few scikit-image drops.

    Orientation is ``arctan2(g_row, g_col)`` in degrees modulo 180; bin i holds [edge_i, edge_i+1)
    with the edges rounded to float32, exactly as scikit-image compares them.
    """
    orientation = np.arctan2(g_row, g_col) * (180 / np.pi) % 180
    edges = (180.0 / orientations * np.arange(orientations + 1)).astype(np.float32).astype(np.float64)
    return np.searchsorted(edges, orientation, side="right") - 1


@functools.lru_cache(maxsize=8)
def _integer_gradient_table(orientations: int) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude and bin of every integer gradient pair (g_row, g_col) in [-255, 255]^2.

    Index ``(g_row + 255) * 511 + (g_col + 255)``; computed with the same float64 formulas as the
    per-pixel path, so looking up is exact for uint8 images.
    """
    g = np.arange(-255, 256, dtype=np.float64)
    g_row, g_col = np.meshgrid(g, g, indexing="ij")
    magnitude = np.hypot(g_col, g_row).ravel()
    bins = _orientation_bins(g_row, g_col, orientations).ravel().astype(np.int32)
    return magnitude, bins


def _hog_cell_histograms(
    images: np.ndarray, orientations: int, pixels_per_cell: tuple[int, int], transform_sqrt: bool
) -> np.ndarray:
    """(n, H, W) images -> (n, cells_r, cells_c, orientations) summed gradient magnitudes.

    Gradients are central differences (0 on the border rows / columns); only full cells are
    pooled, and the sums are not divided by the cell area (scikit-image 0.26 does neither).
    """
    n, h, w = images.shape
    c_row, c_col = pixels_per_cell
    n_cells_r, n_cells_c = h // c_row, w // c_col
    hh, ww = n_cells_r * c_row, n_cells_c * c_col
    if images.dtype == np.uint8 and not transform_sqrt:
        img = images.astype(np.int16)
        g_row = np.zeros((n, hh, ww), dtype=np.int32)
        g_col = np.zeros((n, hh, ww), dtype=np.int32)
        r_hi, c_hi = min(hh, h - 1), min(ww, w - 1)
        g_row[:, 1:r_hi, :] = img[:, 2 : r_hi + 1, :ww] - img[:, : r_hi - 1, :ww]
        g_col[:, :, 1:c_hi] = img[:, :hh, 2 : c_hi + 1] - img[:, :hh, : c_hi - 1]
        table_mag, table_bin = _integer_gradient_table(orientations)
        key = (g_row + 255) * 511 + (g_col + 255)
        magnitude = table_mag[key]
        o_bin = table_bin[key]
    else:
        img = images.astype(np.float64)
        if transform_sqrt:
            img = np.sqrt(img)
        g_row = np.zeros_like(img)
        g_col = np.zeros_like(img)
        g_row[:, 1:-1, :] = img[:, 2:, :] - img[:, :-2, :]
        g_col[:, :, 1:-1] = img[:, :, 2:] - img[:, :, :-2]
        g_row, g_col = g_row[:, :hh, :ww], g_col[:, :hh, :ww]
        magnitude = np.hypot(g_col, g_row)
        o_bin = _orientation_bins(g_row, g_col, orientations)
    n_bins = orientations + 1  # one spill bin for the pixels scikit-image drops
    flat_cell = (np.arange(hh) // c_row)[:, None] * n_cells_c + (np.arange(ww) // c_col)[None, :]
    index = (np.arange(n)[:, None, None] * (n_cells_r * n_cells_c) + flat_cell[None]) * n_bins + o_bin
    sums = np.bincount(index.ravel(), weights=magnitude.ravel(), minlength=n * n_cells_r * n_cells_c * n_bins)
    return sums.reshape(n, n_cells_r, n_cells_c, n_bins)[..., :orientations]


def _hog_normalise_blocks(hist: np.ndarray, cells_per_block: tuple[int, int], block_norm: str) -> np.ndarray:
    """(n, cells_r, cells_c, o) -> (n, blocks_r, blocks_c, b_row, b_col, o) normalised blocks."""

    b_row, b_col = cells_per_block
    blocks = sliding_window_view(hist, (b_row, b_col), axis=(1, 2))  # (n, br, bc, o, b_row, b_col)
    blocks = np.moveaxis(blocks, 3, 5)  # (n, br, bc, b_row, b_col, o)
    eps = 1e-5
    axes = (3, 4, 5)
    if block_norm == "L1":
        out = blocks / (np.abs(blocks).sum(axis=axes, keepdims=True) + eps)
    elif block_norm == "L1-sqrt":
        out = np.sqrt(blocks / (np.abs(blocks).sum(axis=axes, keepdims=True) + eps))
    elif block_norm == "L2":
        out = blocks / np.sqrt((blocks**2).sum(axis=axes, keepdims=True) + eps**2)
    elif block_norm == "L2-Hys":
        out = blocks / np.sqrt((blocks**2).sum(axis=axes, keepdims=True) + eps**2)
        out = np.minimum(out, 0.2)
        out = out / np.sqrt((out**2).sum(axis=axes, keepdims=True) + eps**2)
    else:
        raise ValueError(f"block_norm must be one of L1, L1-sqrt, L2, L2-Hys; got {block_norm!r}")
    return out


def hog_features(
    images: np.ndarray,
    *,
    orientations: int = 9,
    pixels_per_cell: tuple[int, int] = (8, 8),
    cells_per_block: tuple[int, int] = (2, 2),
    block_norm: str = "L2-Hys",
    transform_sqrt: bool = False,
    batch_size: int = 8,
) -> np.ndarray:
    """HOG descriptors of a batch of grey images, equal to ``skimage.feature.hog`` per image.

    images: (N, H, W) (or one (H, W) image), any real dtype (uint8 in the run root).
    Returns float32 (N, D) with D = ``hog_output_dim(H, W, ...)``; 34,596 for 256x256 with the
    paper's 8x8-pixel cells and 2x2-cell blocks, 1,764 for 64x64. Rows are laid out as scikit-image's
    ``feature_vector`` (blocks_row, blocks_col, cell_row, cell_col, orientation).
    ``batch_size`` images are processed at once; small batches keep the temporaries in cache.
    """
    images = _as_batch(images)
    n, h, w = images.shape
    dim = hog_output_dim(
        h, w, orientations=orientations, pixels_per_cell=pixels_per_cell, cells_per_block=cells_per_block
    )
    out = np.empty((n, dim), dtype=np.float32)
    step = max(1, int(batch_size))
    for start in range(0, n, step):
        batch = images[start : start + step]
        hist = _hog_cell_histograms(batch, orientations, tuple(pixels_per_cell), transform_sqrt)
        blocks = _hog_normalise_blocks(hist, tuple(cells_per_block), block_norm)
        out[start : start + len(batch)] = blocks.reshape(len(batch), -1)
    return out


def hog_features_reference(images: np.ndarray, **kwargs) -> np.ndarray:
    """Per-image ``skimage.feature.hog`` loop (oracle / benchmark baseline); same keywords as above."""
    from skimage.feature import hog

    images = _as_batch(images)
    kwargs.pop("batch_size", None)
    kwargs.setdefault("cells_per_block", (2, 2))
    return np.stack([hog(img, feature_vector=True, **kwargs) for img in images]).astype(np.float32)


# ----------------------------------------------------------------------------------------------- LBP
def lbp_n_bins(points: int, method: LbpMethod) -> int:
    """Number of distinct codes: P + 2 for "uniform", 2**P for "default"."""
    if method == "uniform":
        return points + 2
    if method == "default":
        return 2**points
    raise ValueError(f"LBP method must be 'uniform' or 'default', got {method!r}")


def lbp_codes(images: np.ndarray, *, radius: float = 1.0, points: int = 8, method: LbpMethod = "uniform"):
    """LBP code image of a batch, equal to ``skimage.feature.local_binary_pattern`` per image.

    images: (N, H, W). Returns int16/int32 (N, H, W) codes in [0, lbp_n_bins(points, method)).
    Neighbour p sits at (-R sin(2πp/P), R cos(2πp/P)) rounded to 5 decimals, sampled bilinearly
    with zeros outside the image; bit p is set when neighbour - centre >= 0.
    """
    images = _as_batch(images)
    n_bins = lbp_n_bins(points, method)
    angles = 2 * np.pi * np.arange(points, dtype=np.float64) / points
    rp = np.round(-float(np.float32(radius)) * np.sin(angles), 5)
    cp = np.round(float(np.float32(radius)) * np.cos(angles), 5)
    pad = int(np.ceil(np.abs(np.concatenate([rp, cp])).max())) + 1
    n, h, w = images.shape
    exact = np.issubdtype(images.dtype, np.integer)
    image = images.astype(np.int32 if exact else np.float64)
    padded = np.pad(image, ((0, 0), (pad, pad), (pad, pad)))
    centre = image.astype(np.float64) if not exact else image
    r_idx = np.arange(h, dtype=np.float64)
    c_idx = np.arange(w, dtype=np.float64)

    def shifted(dy: int, dx: int) -> np.ndarray:
        return padded[:, pad + dy : pad + dy + h, pad + dx : pad + dx + w]

    bits = np.empty((points, n, h, w), dtype=bool)
    for p in range(points):
        # Same floating-point steps as scikit-image's bilinear_interpolation; the fractional
        # offsets depend (in the last bits) on the row / column index, so they stay vectors.
        r, c = r_idx + rp[p], c_idx + cp[p]
        fr, fc = int(np.floor(rp[p])), int(np.floor(cp[p]))
        dr = (r - np.floor(r))[:, None]
        dc = (c - np.floor(c))[None, :]
        if not dr.any() and not dc.any():
            # on the pixel grid the interpolation returns the pixel itself
            bits[p] = shifted(fr, fc) >= centre
            continue
        cr, cc = int(np.ceil(rp[p])), int(np.ceil(cp[p]))
        top = (1 - dc) * shifted(fr, fc) + dc * shifted(fr, cc)
        bottom = (1 - dc) * shifted(cr, fc) + dc * shifted(cr, cc)
        texture = (1 - dr) * top + dr * bottom
        bits[p] = texture - centre >= 0
    code_dtype = np.int16 if n_bins <= np.iinfo(np.int16).max else np.int32
    if method == "default":
        codes = np.zeros((n, h, w), dtype=code_dtype)
        for p in range(points):
            codes |= bits[p].astype(code_dtype) << p
        return codes
    # uniform: number of 0/1 changes along p = 0..P-1 (non-circular, as scikit-image; equivalent to
    # the circular count for the <= 2 test), ones counted when uniform, P + 1 otherwise.
    changes = np.zeros((n, h, w), dtype=np.int16)
    for p in range(points - 1):
        changes += bits[p] != bits[p + 1]
    ones = bits.sum(axis=0, dtype=np.int16)
    return np.where(changes <= 2, ones, points + 1).astype(code_dtype)


def lbp_output_dim(
    height: int,
    width: int,
    *,
    points: int = 8,
    method: LbpMethod = "uniform",
    cell: tuple[int, int] = (16, 16),
) -> int:
    """Length of one LBP vector: (H // cell_h) * (W // cell_w) * n_bins."""
    return (height // cell[0]) * (width // cell[1]) * lbp_n_bins(points, method)


def _cell_histograms(codes: np.ndarray, n_bins: int, cell: tuple[int, int]) -> np.ndarray:
    """(n, H, W) int codes -> (n, cells_r * cells_c * n_bins) counts; partial edge cells dropped."""
    n, h, w = codes.shape
    cr, cc = h // cell[0], w // cell[1]
    if cr == 0 or cc == 0:
        raise ValueError(f"image {h}x{w} is smaller than one {cell} cell")
    codes = codes[:, : cr * cell[0], : cc * cell[1]]
    cell_id = (np.arange(cr * cell[0]) // cell[0])[:, None] * cc + (np.arange(cc * cell[1]) // cell[1])[
        None, :
    ]
    index = (np.arange(n)[:, None, None] * (cr * cc) + cell_id[None]) * n_bins + codes
    counts = np.bincount(index.ravel(), minlength=n * cr * cc * n_bins)
    return counts.reshape(n, cr * cc * n_bins)


def lbp_features(
    images: np.ndarray,
    *,
    radius: float = 1.0,
    points: int = 8,
    method: LbpMethod = "uniform",
    cell: tuple[int, int] = (16, 16),
    normalize: bool = False,
    batch_size: int = 4,
) -> np.ndarray:
    """LBP histograms over ``cell``-sized cells, concatenated in row-major cell order.

    images: (N, H, W). Returns float32 (N, (H//16)*(W//16)*n_bins): 2,560 for 256x256 with the
    uniform coding. Each cell's histogram holds pixel counts (sums to cell_h*cell_w) unless
    ``normalize`` divides it by that count.
    """
    images = _as_batch(images)
    n, h, w = images.shape
    n_bins = lbp_n_bins(points, method)
    dim = lbp_output_dim(h, w, points=points, method=method, cell=tuple(cell))
    out = np.empty((n, dim), dtype=np.float32)
    step = max(1, int(batch_size))
    for start in range(0, n, step):
        codes = lbp_codes(images[start : start + step], radius=radius, points=points, method=method)
        out[start : start + len(codes)] = _cell_histograms(codes, n_bins, tuple(cell))
    if normalize:
        out /= float(cell[0] * cell[1])
    return out


def lbp_features_reference(
    images: np.ndarray,
    *,
    radius: float = 1.0,
    points: int = 8,
    method: LbpMethod = "uniform",
    cell: tuple[int, int] = (16, 16),
    normalize: bool = False,
) -> np.ndarray:
    """Per-image ``skimage.feature.local_binary_pattern`` + per-cell histogram loop (oracle / baseline)."""
    from skimage.feature import local_binary_pattern

    images = _as_batch(images)
    n_bins = lbp_n_bins(points, method)
    rows = []
    for img in images:
        codes = local_binary_pattern(img, points, radius, method=method).astype(np.int64)
        hists = []
        for r in range(img.shape[0] // cell[0]):
            for c in range(img.shape[1] // cell[1]):
                block = codes[r * cell[0] : (r + 1) * cell[0], c * cell[1] : (c + 1) * cell[1]]
                hists.append(np.bincount(block.ravel(), minlength=n_bins))
        rows.append(np.concatenate(hists))
    out = np.stack(rows).astype(np.float32)
    if normalize:
        out /= float(cell[0] * cell[1])
    return out


# ----------------------------------------------------------------------------------------------- PCA
def flatten_images(x: np.ndarray) -> np.ndarray:
    """(N, H, W) images or (N, D) vectors -> float32 (N, D); uint8 pixels scaled to [0, 1]."""
    x = np.asarray(x)
    scale = x.dtype == np.uint8
    x = x.reshape(len(x), -1).astype(np.float32)
    if scale:
        x /= 255.0
    return x


def fit_pca(x: np.ndarray, n_components: int = 20, seed: int = 0, svd_solver: str = "auto"):
    """A fitted ``sklearn.decomposition.PCA`` on flattened images (fit returns the estimator).

    Paper 001 reduces images to 20 components (>= 80 % explained variance on its training set).
    Apply it to other images with ``pca.transform(flatten_images(images))``; save / load with joblib.
    """
    from sklearn.decomposition import PCA

    pca = PCA(n_components=n_components, random_state=seed, svd_solver=svd_solver)
    pca.fit(flatten_images(x))
    kept = float(pca.explained_variance_ratio_.sum())
    log.info("PCA %d components keep %.3f of the variance", n_components, kept)
    return pca


def pca_features(x: np.ndarray, n_components: int = 20, seed: int = 0) -> np.ndarray:
    """Fit PCA on ``x`` and return its float32 (N, n_components) projection, components ordered by
    decreasing explained variance."""
    pca = fit_pca(x, n_components=n_components, seed=seed)
    return pca.transform(flatten_images(x)).astype(np.float32)
