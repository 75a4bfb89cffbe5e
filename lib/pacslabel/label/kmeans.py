"""FAISS k-means with honest device selection.

``faiss.Kmeans(gpu=True)`` on a faiss-cpu build silently trains on the CPU, so the device is resolved here
first: ``"gpu"`` fails unless FAISS itself reports a GPU (``faiss.get_num_gpus() > 0``), ``"auto"`` takes
the GPU when there is one and the CPU otherwise, and the fitted model records which one it used.
Distances returned by :meth:`FaissKMeans.predict` are Euclidean (FAISS's squared L2, square-rooted).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from pacslabel.label.distance import nearest_centroid

log = logging.getLogger(__name__)

MIN_POINTS_PER_CENTROID = 39  # FAISS warns below this many training points per centroid


class DeviceUnavailableError(RuntimeError):
    """``device: gpu`` was asked for but FAISS sees no GPU."""


def faiss_num_gpus() -> int:
    """GPUs FAISS can use (0 on faiss-cpu builds or machines without CUDA)."""
    import faiss

    get = getattr(faiss, "get_num_gpus", None)
    return int(get()) if get is not None else 0


def resolve_device(device: str) -> str:
    """``"auto" | "cpu" | "gpu"`` -> ``"cpu" | "gpu"``; ``"gpu"`` without a FAISS GPU raises."""
    if device not in ("auto", "cpu", "gpu"):
        raise ValueError(f"device {device!r}: choose one of 'auto', 'cpu', 'gpu'")
    if device == "cpu":
        return "cpu"
    n = faiss_num_gpus()
    if device == "gpu" and n == 0:
        import faiss

        build = (
            "a faiss GPU build" if hasattr(faiss, "StandardGpuResources") else "faiss-cpu (no GPU support)"
        )
        raise DeviceUnavailableError(
            f"device=gpu but faiss.get_num_gpus() is 0 ({build} {faiss.__version__}); install faiss-gpu "
            "(pip install -e '.[gpu]') on a machine with a CUDA GPU, or set device=auto or device=cpu"
        )
    return "gpu" if n > 0 else "cpu"


def check_k(k: int, n: int, what: str = "k-means") -> None:
    """Raise when ``k > n``; warn when fewer than 39 training points per centroid (``k > n / 39``)."""
    if k < 1:
        raise ValueError(f"{what}: k must be >= 1, got {k}")
    if k > n:
        raise ValueError(f"{what}: k={k} is larger than the {n} training points")
    if k * MIN_POINTS_PER_CENTROID > n:
        log.warning(
            "%s: k=%d with %d points is below 39 points per centroid (keep k <= n/39 = %d)",
            what,
            k,
            n,
            n // MIN_POINTS_PER_CENTROID,
        )


INITS = {"random": "RANDOM", "kmeans++": "KMEANS_PLUS_PLUS", "afkmc2": "AFK_MC2"}


def _set_init(km, init: str) -> None:
    """Centroid initialisation (FAISS >= 1.14 has k-means++ and AFK-MC2; older builds only random)."""
    import faiss

    if init not in INITS:
        raise ValueError(f"init {init!r}: choose one of {sorted(INITS)}")
    value = getattr(faiss, f"ClusteringInitMethod_{INITS[init]}", None)
    if value is None or not hasattr(km.cp, "init_method"):
        if init != "random":
            log.warning("this FAISS build has no %s initialisation; using random", init)
        return
    km.cp.init_method = value


class FaissKMeans:
    """k-means on float32 rows with FAISS (CPU or GPU), scikit-learn style.

    Learned: ``centroids_`` (k, d) float32, ``inertia_`` (sum of squared distances of the training points
    FAISS used, last iteration), ``objective_`` (per iteration), ``device_`` ("cpu" | "gpu"), ``n_gpus_``,
    ``n_train_``, ``seconds_``.
    """

    def __init__(
        self,
        k: int,
        niter: int = 25,
        nredo: int = 1,
        spherical: bool = False,
        seed: int = 1234,
        device: str = "auto",
        max_points_per_centroid: int = 256,
        init: str = "kmeans++",
        verbose: bool = False,
    ):
        self.k = int(k)
        self.niter = int(niter)
        self.nredo = int(nredo)
        self.spherical = bool(spherical)
        self.seed = int(seed)
        self.device = device
        self.max_points_per_centroid = int(max_points_per_centroid)
        self.init = init
        self.verbose = verbose

    def fit(self, x: np.ndarray) -> FaissKMeans:
        import faiss

        x = np.ascontiguousarray(x, dtype=np.float32)
        check_k(self.k, len(x))
        self.device_ = resolve_device(self.device)
        self.n_gpus_ = faiss_num_gpus() if self.device_ == "gpu" else 0
        started = time.perf_counter()
        km = faiss.Kmeans(
            x.shape[1],
            self.k,
            niter=self.niter,
            nredo=self.nredo,
            spherical=self.spherical,
            seed=self.seed,
            gpu=self.n_gpus_ if self.device_ == "gpu" else False,
            verbose=self.verbose,
            max_points_per_centroid=self.max_points_per_centroid,
            min_points_per_centroid=1,
        )
        _set_init(km, self.init)
        km.train(x)
        if self.device_ == "gpu" and not km.gpu:
            raise DeviceUnavailableError("FAISS trained on the CPU although a GPU was resolved")
        self.seconds_ = time.perf_counter() - started
        self.centroids_ = np.ascontiguousarray(km.centroids, dtype=np.float32)
        self.objective_ = [float(v) for v in km.obj]
        self.inertia_ = self.objective_[-1] if self.objective_ else float("nan")
        self.n_train_ = int(min(len(x), self.k * self.max_points_per_centroid))
        self.n_features_in_ = int(x.shape[1])
        log.info(
            "faiss k-means k=%d on %d x %d (%d used) on %s in %.2fs, inertia %.4g",
            self.k,
            len(x),
            x.shape[1],
            self.n_train_,
            self.device_,
            self.seconds_,
            self.inertia_,
        )
        return self

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest centroid index (int32) and Euclidean distance (float32) per row."""

        return nearest_centroid(x, self.centroids_)

    def summary(self) -> dict:
        return {
            "k": self.k,
            "device": self.device_,
            "n_gpus": self.n_gpus_,
            "n_train": self.n_train_,
            "niter": self.niter,
            "nredo": self.nredo,
            "spherical": self.spherical,
            "seconds": round(self.seconds_, 3),
            "inertia": self.inertia_,
            "init": self.init,
        }
