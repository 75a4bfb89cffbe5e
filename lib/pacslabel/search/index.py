"""FAISS index functions: build (IVF-Flat, HNSW or exact flat), train, move to a GPU, search.

Distances are Euclidean (FAISS L2 indexes return squared distances; :func:`knn` takes the root), the
metric of the label stage's centroids. IVF partitions the space into ``nlist`` Voronoi cells and searches
``nprobe`` of them; HNSW walks a graph of ``hnsw_m`` links per node with ``ef_search`` candidates.
"""

from __future__ import annotations

import math

import numpy as np

KINDS = ("ivf", "hnsw", "flat")


def nlist_for(n: int, nlist: int = 0) -> int:
    """IVF lists: ``nlist`` when given, else about 4 sqrt(n), with at least 39 training rows per list."""
    if nlist:
        return max(1, min(nlist, n))
    return max(1, min(int(4 * math.sqrt(max(n, 1))), n // 39))


def new_index(kind: str, d: int, n: int, *, nlist: int = 0, hnsw_m: int = 32, ef_construction: int = 80):
    """An empty CPU index for ``n`` expected vectors of ``d`` dims (IVF still needs :func:`train`)."""
    import faiss

    if kind == "ivf":
        return faiss.index_factory(d, f"IVF{nlist_for(n, nlist)},Flat", faiss.METRIC_L2)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, hnsw_m, faiss.METRIC_L2)
        index.hnsw.efConstruction = ef_construction
        return index
    if kind == "flat":
        return faiss.IndexFlatL2(d)
    raise ValueError(f"index kind {kind!r}: choose one of {KINDS}")


def set_search_params(index, nprobe: int = 64, ef_search: int = 128) -> None:
    """Query-time effort: IVF lists probed, HNSW candidates kept."""
    import faiss

    base = faiss.extract_index_ivf(index) if _is_ivf(index) else index
    if hasattr(base, "nprobe"):
        base.nprobe = nprobe
    if hasattr(base, "hnsw"):
        base.hnsw.efSearch = ef_search


def _is_ivf(index) -> bool:
    import faiss

    try:
        faiss.extract_index_ivf(index)
    except RuntimeError:
        return False
    return True


def gpu_available(device: str) -> bool:
    """True when ``device`` allows a GPU and faiss sees one; ``gpu`` without one raises."""
    import faiss

    n = faiss.get_num_gpus() if hasattr(faiss, "get_num_gpus") else 0
    if device == "gpu" and n == 0:
        raise RuntimeError("device=gpu but faiss sees no GPU (install faiss-gpu on a GPU machine)")
    return device != "cpu" and n > 0


class OnDevice:
    """The index to build or search with: a GPU copy of an IVF index when one is allowed and present
    (``.index``), else the CPU index itself; :meth:`cpu` gives back a CPU index to save."""

    def __init__(self, index, device: str = "auto"):
        self.gpu = _is_ivf(index) and gpu_available(device)
        if self.gpu:
            import faiss

            self.resources = faiss.StandardGpuResources()
            self.index = faiss.index_cpu_to_gpu(self.resources, 0, index)
        else:
            self.index = index

    def cpu(self):
        if not self.gpu:
            return self.index
        import faiss

        return faiss.index_gpu_to_cpu(self.index)


def train(index, sample: np.ndarray) -> None:
    """Train an untrained index (IVF: k-means of the coarse quantiser) on ``sample`` rows."""
    if not index.is_trained:
        index.train(np.ascontiguousarray(sample, dtype=np.float32))


def knn(index, x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(Euclidean distances, row ids) of the ``k`` nearest rows per query, ``(q, k)`` each; id -1 and
    distance inf where the index returned fewer than ``k``."""
    d2, ids = index.search(np.ascontiguousarray(x, dtype=np.float32), k)
    dist = np.sqrt(np.maximum(d2, 0.0)).astype(np.float32)
    dist[ids < 0] = np.inf
    return dist, ids


def to_bytes(index) -> bytes:
    import faiss

    return faiss.serialize_index(index).tobytes()


def from_bytes(data: bytes):
    import faiss

    return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
