"""Collectives over the Ray Train worker group; on a single worker they return their input."""

from __future__ import annotations

from typing import Any

import numpy as np


def _group():
    """``torch.distributed`` when this worker is one of several, else None."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist
    return None


def allreduce(t):
    """``t`` summed over the workers, in place."""
    dist = _group()
    if dist is not None:
        dist.all_reduce(t)
    return t


def gather_rows(z: np.ndarray) -> np.ndarray:
    """Every worker's rows of ``z``, concatenated in rank order."""
    dist = _group()
    if dist is None:
        return z
    parts: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(parts, z)
    return np.concatenate(parts)


def broadcast(t):
    """Rank 0's ``t``, in place."""
    dist = _group()
    if dist is not None:
        dist.broadcast(t, src=0)
    return t


def sums(values: list[float], device) -> list[float]:
    """``values`` summed over the workers (float64)."""
    import torch

    return allreduce(torch.tensor(values, dtype=torch.float64, device=device)).tolist()
