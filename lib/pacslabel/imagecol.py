"""The images/ ``pixels`` column: each S×S uint8 image is one fixed-size binary value of S² bytes.

Parquet writes and reads a fixed-size binary column as plain bytes, about ten times faster than a
``fixed_shape_tensor`` column (whose S² list elements per row are encoded one by one). Readers get
``(n, S, S)`` uint8 arrays back without a copy; tables written with tensor pixels still read.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

PIXELS = "pixels"


def pixels_type(size: int) -> pa.DataType:
    return pa.binary(size * size)


def pixels_array(images: np.ndarray) -> pa.FixedSizeBinaryArray:
    """``(n, S, S)`` uint8 images as one fixed-size binary array (zero-copy)."""
    images = np.ascontiguousarray(images, dtype=np.uint8)
    n, rows, cols = images.shape
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(rows * cols), n, [None, pa.py_buffer(images)])


def _side(width: int) -> int:
    side = math.isqrt(width)
    if side * side != width:
        raise ValueError(f"a pixels value of {width} bytes is not a square image")
    return side


def pixels_to_numpy(column) -> np.ndarray:
    """``(n, S, S)`` uint8 from a pixels column: Arrow fixed-size binary, binary or tensor (chunked or
    not), or a Ray numpy batch column (an object array of bytes, or already an ndarray)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(column, pa.FixedSizeBinaryArray):
        width = column.type.byte_width
        data = np.frombuffer(column.buffers()[1], np.uint8, len(column) * width, column.offset * width)
        side = _side(width)
        return data.reshape(len(column), side, side)
    if isinstance(column, pa.ExtensionArray):
        return column.to_numpy_ndarray()
    if isinstance(column, pa.Array):  # variable-size binary, e.g. after a pandas round trip
        column = np.asarray(column.to_pylist(), dtype=object)
    column = np.asarray(column)
    if column.dtype == object:
        if len(column) == 0:
            return np.zeros((0, 0, 0), np.uint8)
        side = _side(len(column[0]))
        return np.frombuffer(b"".join(column), np.uint8).reshape(len(column), side, side)
    return column


def pixels_as_tensor(batch: pa.Table) -> pa.Table:
    """``batch`` with a fixed-size binary pixels column turned into a ``fixed_shape_tensor`` column (no
    copy), for Ray pipelines whose numpy / torch batches need ``(n, S, S)`` arrays."""
    if PIXELS not in batch.column_names:
        return batch
    col = batch.column(PIXELS)
    if not pa.types.is_fixed_size_binary(col.type):
        return batch
    tensor = pa.FixedShapeTensorArray.from_numpy_ndarray(pixels_to_numpy(col))
    return batch.set_column(batch.column_names.index(PIXELS), PIXELS, tensor)
