"""Ray start-up: connect to a cluster when one is named, else start Ray in-process."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)
ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


@dataclass
class RayConfig:
    """Where Ray runs. ``address`` None means: the cluster of ``ray job submit`` if any, else local."""

    address: str | None = None
    num_cpus: int | None = None
    object_store_memory_gb: float | None = None
    progress_bars: bool = True


def init_ray(cfg: RayConfig) -> None:
    """Start or join Ray once per process and set the Ray Data defaults pacslabel relies on."""
    import ray
    from ray.data.context import DataContext

    if not ray.is_initialized():
        # inherited by a local Ray's raylet and workers; cluster nodes set it in cluster.yaml
        os.environ.setdefault(ARROW_POOL_VARIABLE, "system")
        use_arrow_pool_from_environment()
        address = cfg.address or os.environ.get("RAY_ADDRESS")
        if address:
            ray.init(address=address, log_to_driver=True)
            log.info("joined Ray cluster at %s", address)
        else:
            kwargs = {"include_dashboard": False}
            if cfg.num_cpus:
                kwargs["num_cpus"] = cfg.num_cpus
            if cfg.object_store_memory_gb:
                kwargs["object_store_memory"] = int(cfg.object_store_memory_gb * 2**30)
            ray.init(**kwargs)
            log.info("started local Ray with %s", ray.cluster_resources())
    ctx = DataContext.get_current()
    configure_tensor_format(ctx)
    ctx.enable_progress_bars = cfg.progress_bars
    settle_fsspec_http()


def use_arrow_pool_from_environment() -> None:
    """Switch this process to the Arrow memory pool that ``ARROW_DEFAULT_MEMORY_POOL`` names (system,
    mimalloc or jemalloc), in case it was set after pyarrow chose its default at import.

    pacslabel runs Arrow on the system allocator: Arrow's default (mimalloc) keeps freed pages for
    reuse, so a long-lived driver or pooled Ray worker stays as large as the largest tables it ever held
    (+40 MB private memory at 10x the files in ``bench/bench_ingest_memory.py --on-ray``).
    """
    import pyarrow as pa

    name = os.environ.get(ARROW_POOL_VARIABLE, "")
    make = getattr(pa, f"{name}_memory_pool", None) if name in ("system", "mimalloc", "jemalloc") else None
    if make is not None and pa.default_memory_pool().backend_name != name:
        pa.set_memory_pool(make())


def settle_fsspec_http() -> None:
    """Mark fsspec's HTTP filesystem absent when it cannot be imported (no aiohttp).

    Ray Data resolves the paths of a file list in several threads, each importing
    ``fsspec.implementations.http``; a thread that meets another's half-failed import gets ``ImportError``,
    which Ray does not catch (it expects ``ModuleNotFoundError``), and the read fails. A ``None`` entry
    in ``sys.modules`` makes every later import raise ``ModuleNotFoundError`` at once.
    """
    import sys

    try:
        import fsspec.implementations.http  # noqa: F401
    except ImportError:
        sys.modules["fsspec.implementations.http"] = None


def configure_tensor_format(ctx) -> None:
    """Write fixed-shape tensors in Arrow's canonical extension type, readable without Ray."""
    from ray.data._internal.tensor_extensions.arrow import FixedShapeTensorFormat

    ctx.arrow_fixed_shape_tensor_format = FixedShapeTensorFormat.ARROW_NATIVE


def gpu_count() -> int:
    """Number of CUDA devices visible to torch (0 when torch has no CUDA)."""
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def join_kwargs(n_joins: int, partitions: int) -> dict:
    """``Dataset.join`` arguments that keep all chained joins' aggregators within a fifth of the CPUs.

    Ray sizes each join's aggregators alone (up to 25 % of the cluster per join); a chain of joins then
    holds most of a small cluster and the reads feeding them can no longer be scheduled. A fifth, not
    more: with the label assigners' half CPU beside them, a 2-CPU cluster keeps a whole CPU free for
    the reads and shuffle tasks, which need one each.
    """
    import ray

    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    share = 0.2 * cpus / max(1, n_joins * partitions)
    return {
        "num_partitions": partitions,
        "aggregator_ray_remote_args": {"num_cpus": round(min(4.0, max(0.01, share)), 3)},
    }
