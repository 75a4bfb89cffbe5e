"""Shared fixtures: one local Ray for the whole session (2 CPUs, as in CI) and small temp run roots."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("RAY_DEDUP_LOGS", "0")
os.environ.setdefault("RAY_TRAIN_V2_ENABLED", "1")


@pytest.fixture(scope="session")
def ray_local():
    """A local Ray started once per test session; jobs called in tests reuse it."""
    import ray

    from pacslabel.runtime import RayConfig, init_ray

    init_ray(RayConfig(num_cpus=2, progress_bars=False))
    yield ray
    ray.shutdown()


@pytest.fixture
def run_root(tmp_path):
    from pacslabel.runroot import RunRoot

    return RunRoot(tmp_path / "run")
