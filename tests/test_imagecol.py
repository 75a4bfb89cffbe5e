"""The images/ pixels column: fixed-size binary storage and its readers."""

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pacslabel.imagecol import pixels_array, pixels_as_tensor, pixels_to_numpy


def images(n=5, side=8):
    return np.arange(n * side * side, dtype=np.int64).reshape(n, side, side).astype(np.uint8)


def test_round_trip_through_parquet_and_slices(tmp_path):
    x = images()
    arr = pixels_array(x)
    assert arr.type == pa.binary(64) and len(arr) == 5
    pq.write_table(pa.table({"pixels": arr}), tmp_path / "p.parquet")
    back = pq.read_table(tmp_path / "p.parquet")["pixels"]
    assert (pixels_to_numpy(back) == x).all()
    assert (pixels_to_numpy(arr.slice(2, 2)) == x[2:4]).all()  # an offset into the data buffer
    chunked = pa.chunked_array([arr.slice(0, 2), arr.slice(2)])
    assert (pixels_to_numpy(chunked) == x).all()


def test_other_forms_of_the_column_read_the_same():
    x = images()
    tensor = pa.FixedShapeTensorArray.from_numpy_ndarray(x)  # tables written before binary storage
    assert (pixels_to_numpy(tensor) == x).all()
    as_objects = np.array([r.tobytes() for r in x], dtype=object)  # a Ray numpy batch
    assert (pixels_to_numpy(as_objects) == x).all()
    variable = pa.array([r.tobytes() for r in x], pa.binary())  # after a pandas round trip
    assert (pixels_to_numpy(variable) == x).all()
    assert pixels_to_numpy(x) is x
    with pytest.raises(ValueError, match="not a square"):
        pixels_to_numpy(pa.array([b"abc"], pa.binary(3)))


def test_pixels_as_tensor_converts_only_binary_pixels():
    x = images()
    table = pa.table({"sop_instance_uid": list("abcde"), "pixels": pixels_array(x)})
    out = pixels_as_tensor(table)
    assert isinstance(out["pixels"].type, pa.FixedShapeTensorType)
    assert (out["pixels"].combine_chunks().to_numpy_ndarray() == x).all()
    assert pixels_as_tensor(out) is out
