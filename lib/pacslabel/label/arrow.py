"""Moving embedding columns between Arrow and NumPy without Ray's tensor conversion.

Embedding tables hold ``embedding`` as Arrow's canonical ``fixed_shape_tensor`` (or Ray's own tensor
type, or a plain list). Joins in Ray Data 2.58 cannot infer schemas with ``fixed_shape_tensor`` columns,
so before joining every embedding becomes a plain ``fixed_size_list<float32>[d]``; after a left join a
missing source shows up as a null list.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def column_to_matrix(
    col: pa.Array | pa.ChunkedArray, dim: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(n, d)`` float32 matrix (zeros for null rows) and a bool ``present`` mask."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks else pa.array([], type=col.type)
    n = len(col)
    if isinstance(col, pa.ExtensionArray):
        storage = col.storage
        if not (
            pa.types.is_fixed_size_list(storage.type)
            or pa.types.is_list(storage.type)
            or pa.types.is_large_list(storage.type)
        ):
            arr = np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float32).reshape(n, -1)
            return arr, np.ones(n, dtype=bool)
        col = storage
    present = (
        np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool) if n else np.zeros(0, bool)
    )
    if pa.types.is_fixed_size_list(col.type):
        d = col.type.list_size
        values = col.values.slice(col.offset * d, n * d)
        flat = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float32)
        mat = flat.reshape(n, d).copy()
    elif pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        d = dim
        rows = col.to_pylist()
        if d is None:
            d = next((len(r) for r in rows if r is not None), 0)
        mat = np.zeros((n, d), dtype=np.float32)
        for i, r in enumerate(rows):
            if r is not None:
                mat[i] = r
    else:
        raise TypeError(f"embedding column of type {col.type} is not a tensor or list column")
    mat[~present] = 0.0
    if dim is not None and mat.shape[1] != dim:
        raise ValueError(f"embedding dimension {mat.shape[1]} does not match the expected {dim}")
    return mat, present


def matrix_to_list_array(x: np.ndarray, present: np.ndarray | None = None) -> pa.FixedSizeListArray:
    """``(n, d)`` -> ``fixed_size_list<float32>[d]`` with nulls where ``present`` is False."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    _n, d = x.shape
    mask = None if present is None else pa.array(~np.asarray(present, dtype=bool))
    return pa.FixedSizeListArray.from_arrays(pa.array(x.reshape(-1)), d, mask=mask)


def matrix_to_tensor_array(x: np.ndarray) -> pa.ExtensionArray:
    """``(n, d)`` -> Arrow canonical ``fixed_shape_tensor`` column."""
    return pa.FixedShapeTensorArray.from_numpy_ndarray(np.ascontiguousarray(x, dtype=np.float32))
