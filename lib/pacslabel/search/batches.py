"""The ``map_batches`` callable of the search stage: fusion-input rows -> fused vectors."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pacslabel.label.assign import batch_context, batch_parts
from pacslabel.runroot import UID


def fused_rows(batch: pa.Table, model) -> np.ndarray:
    """``(n, D)`` float32: the rows of a fusion-input batch in the labelling model's fused space (what
    its centroids are compared with)."""
    if batch.num_rows == 0:
        return np.zeros((0, model.centroids.shape[1]), np.float32)
    parts, present = batch_parts(batch, model.fusion.sources, model.fusion.dims_)
    return model.fused(parts, present, batch_context(batch))[0]


class FuseBatch:
    """Holds the labelling model once per actor; pyarrow batch -> ``sop_instance_uid`` + ``vector``."""

    def __init__(self, model):
        self.model = model

    def __call__(self, batch: pa.Table) -> dict[str, np.ndarray]:
        return {
            UID: np.asarray(batch.column(UID).to_pylist(), dtype=object),
            "vector": fused_rows(batch, self.model),
        }
