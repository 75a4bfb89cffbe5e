"""Ray start-up: Arrow's memory pool in the driver and in Ray workers."""

from __future__ import annotations

import pyarrow as pa


def test_driver_and_workers_run_arrow_on_the_system_allocator(ray_local):
    @ray_local.remote
    def worker_pool() -> str:
        import pyarrow

        return pyarrow.default_memory_pool().backend_name

    assert pa.default_memory_pool().backend_name == "system"
    assert ray_local.get(worker_pool.remote()) == "system"


def test_the_pool_named_in_the_environment_replaces_the_default(monkeypatch):
    from pacslabel.runtime import ARROW_POOL_VARIABLE, use_arrow_pool_from_environment

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv(ARROW_POOL_VARIABLE, "mimalloc")
        use_arrow_pool_from_environment()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.setenv(ARROW_POOL_VARIABLE, "no-such-pool")  # unknown names change nothing
        use_arrow_pool_from_environment()
        assert pa.default_memory_pool().backend_name == "mimalloc"
    finally:
        pa.set_memory_pool(before)
