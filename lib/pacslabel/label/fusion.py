"""Fusion of per-source embeddings (tags, images, reports) into one vector per instance (paper 003, §2.3.3).

Three methods, all built on the same per-source preprocessing:

1. every source embedding is optionally centred (minus its fitted mean) and L2-normalised, so each source
   has unit length whatever its dimension or scale;
2. a source that is missing for an instance (e.g. a study without a report) follows the ``missing``
   policy: ``"mean"`` imputes the fitted mean of the normalised embeddings (after centring that is the zero
   vector, so the source adds nothing and the instance is not pulled towards any cluster), ``"zeros"``
   writes zeros and appends one 0/1 indicator column per source (1 = missing), so instances lacking a source
   can group together;
3. the per-source blocks are concatenated, each multiplied by ``w_s / sqrt(sum_s w_s^2)`` (default
   ``w_s = 1``, i.e. ``1/sqrt(#sources)``): with every source present the fused vector has unit norm and
   each source contributes the same share of the squared Euclidean distance.

Per-method block for source ``s`` (``e`` its normalised embedding, ``c_sj`` the ``k_s`` per-source k-means
centroids fitted on a sample, ``d_sj = ||e - c_sj||``):

- ``embeddings``: ``e`` itself (paper's direct concatenation);
- ``clusterdists``: ``(d_sj - dmin_s) / (dmax_s - dmin_s)`` clipped to [0, 1], with ``dmin_s`` / ``dmax_s``
  fitted on the sample (the paper normalises all distances to a fixed range before concatenation);
- ``clusterprobs``: ``p_sj = exp(-d_sj / T) / sum_l exp(-d_sl / T)`` (paper Eq. 5, softmax over negative
  distances, with a configurable temperature ``T``; ``T = 1`` is the paper's form. Because the embeddings
  here are unit-length, distances lie in [0, 2] and the default ``T = 0.1`` keeps the probabilities from
  being almost uniform).

Arrays: ``parts[s]`` is float32 ``(n, d_s)`` (rows of missing instances are ignored), ``present[s]`` is bool
``(n,)``. The fitted state is plain arrays so it can be saved beside the k-means centroids and shipped to
assignment workers.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

import numpy as np

from pacslabel.label.distance import pairwise_distances
from pacslabel.label.kmeans import FaissKMeans

log = logging.getLogger(__name__)

FUSIONS = ("embeddings", "clusterdists", "clusterprobs")
MISSING = ("mean", "zeros")


# ---------------------------------------------------------------- array functions


def l2_normalise(x: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Rows divided by their L2 norm; all-zero rows stay zero. ``(n, d) -> (n, d)`` float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.where(norms > eps, x / np.maximum(norms, eps), 0.0).astype(np.float32)


def source_weights(sources: list[str], weights: dict[str, float] | None = None) -> dict[str, float]:
    """``w_s / sqrt(sum w^2)`` per source (default ``w_s = 1`` gives ``1/sqrt(#sources)``)."""
    raw = {s: float((weights or {}).get(s, 1.0)) for s in sources}
    if any(w < 0 for w in raw.values()):
        raise ValueError(f"source weights must be >= 0, got {raw}")
    norm = float(np.sqrt(sum(w * w for w in raw.values())))
    if norm == 0:
        raise ValueError("at least one source weight must be positive")
    return {s: w / norm for s, w in raw.items()}


def scale_distances(d: np.ndarray, dmin: float, dmax: float) -> np.ndarray:
    """Min-max scale distances with fitted bounds, clipped to [0, 1]."""
    span = max(float(dmax) - float(dmin), 1e-12)
    return np.clip((np.asarray(d, np.float32) - dmin) / span, 0.0, 1.0).astype(np.float32)


def softmax_neg(d: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``-d / T`` (paper 003 Eq. 5); rows sum to 1. ``(n, k) -> (n, k)`` float32."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = -np.asarray(d, dtype=np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


# ---------------------------------------------------------------- fitted fusion


@dataclass
class Fusion:
    """Fit per-source normalisation (and per-source centroids) on a sample; transform any batch.

    scikit-learn contract: ``fit`` returns self, learned state ends in ``_``, ``save``/``load`` explicit.
    """

    sources: list[str]
    method: str = "embeddings"
    weights: dict[str, float] = field(default_factory=dict)
    center: bool = True
    missing: str = "mean"
    source_k: int = 20
    temperature: float = 0.1
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.method not in FUSIONS:
            raise ValueError(f"fusion {self.method!r}: choose one of {FUSIONS}")
        if self.missing not in MISSING:
            raise ValueError(f"missing {self.missing!r}: choose one of {MISSING}")
        if not self.sources:
            raise ValueError("fusion needs at least one source")

    # -- helpers
    def _normalised(self, s: str, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if self.center:
            x = x - self.means_[s]
        return l2_normalise(x)

    def _block(self, s: str, e: np.ndarray) -> np.ndarray:
        if self.method == "embeddings":
            return e
        d = pairwise_distances(e, self.centroids_[s])
        if self.method == "clusterdists":
            return scale_distances(d, self.dmin_[s], self.dmax_[s])
        return softmax_neg(d, self.temperature)

    # -- fit / transform
    def fit(self, parts: dict[str, np.ndarray], present: dict[str, np.ndarray]) -> Fusion:
        """Learn means, imputation fills and (for cluster* methods) per-source centroids and scales."""

        self.means_, self.fill_, self.centroids_ = {}, {}, {}
        self.dmin_, self.dmax_, self.dims_, self.k_ = {}, {}, {}, {}
        self.weights_ = source_weights(self.sources, self.weights)
        for s in self.sources:
            x = np.asarray(parts[s], dtype=np.float32)
            mask = np.asarray(present[s], dtype=bool)
            if not mask.any():
                raise ValueError(f"source {s!r} has no present rows in the fitting sample")
            xs = x[mask]
            self.dims_[s] = int(x.shape[1])
            self.means_[s] = xs.mean(axis=0).astype(np.float32) if self.center else np.zeros(x.shape[1], "f4")
            e = self._normalised(s, xs)
            self.fill_[s] = (
                e.mean(axis=0).astype(np.float32) if self.missing == "mean" else np.zeros_like(e[0])
            )
            if self.method != "embeddings":
                k = int(min(self.source_k, len(e)))
                km = FaissKMeans(k=k, seed=self.seed, device=self.device).fit(e)
                self.centroids_[s] = km.centroids_
                self.k_[s] = k
                d = pairwise_distances(e, km.centroids_)
                self.dmin_[s], self.dmax_[s] = float(d.min()), float(d.max())
        self.n_features_out_ = int(sum(self.block_dims().values()) + self.n_indicators())
        log.info(
            "fusion %s fitted on %d rows: %s -> %d dims",
            self.method,
            len(mask),
            self.dims_,
            self.n_features_out_,
        )
        return self

    def block_dims(self) -> dict[str, int]:
        return {s: (self.dims_[s] if self.method == "embeddings" else self.k_[s]) for s in self.sources}

    def n_indicators(self) -> int:
        return len(self.sources) if self.missing == "zeros" else 0

    def transform(self, parts: dict[str, np.ndarray], present: dict[str, np.ndarray]) -> np.ndarray:
        """Fused float32 ``(n, n_features_out_)``; see the module docstring for the layout."""
        n = len(next(iter(present.values())))
        blocks, indicators = [], []
        for s in self.sources:
            mask = np.asarray(present[s], dtype=bool)
            x = np.asarray(parts[s], dtype=np.float32)
            if x.ndim != 2 or x.shape[1] != self.dims_[s]:
                raise ValueError(f"source {s!r}: expected (n, {self.dims_[s]}), got {x.shape}")
            e = np.empty((n, self.dims_[s]), dtype=np.float32)
            e[mask] = self._normalised(s, x[mask]) if mask.any() else e[mask]
            e[~mask] = self.fill_[s]
            b = self._block(s, e)
            if self.missing == "zeros":
                b[~mask] = 0.0
                indicators.append((~mask).astype(np.float32) * self.weights_[s])
            blocks.append(b * self.weights_[s])
        out = np.concatenate(blocks + [i[:, None] for i in indicators], axis=1)
        return np.ascontiguousarray(out, dtype=np.float32)

    def fit_transform(self, parts, present) -> np.ndarray:
        return self.fit(parts, present).transform(parts, present)

    # -- persistence
    def params(self) -> dict:
        return {
            "sources": list(self.sources),
            "method": self.method,
            "weights": dict(self.weights),
            "center": self.center,
            "missing": self.missing,
            "source_k": self.source_k,
            "temperature": self.temperature,
            "seed": self.seed,
        }

    def state(self) -> dict:
        """JSON-able summary of the fitted state (arrays go to :meth:`to_npz`)."""
        return {
            "dims": self.dims_,
            "k": self.k_,
            "weights_applied": self.weights_,
            "dmin": self.dmin_,
            "dmax": self.dmax_,
            "n_features_out": self.n_features_out_,
        }

    def to_npz(self) -> bytes:
        arrays = {}
        for s in self.sources:
            arrays[f"mean__{s}"] = self.means_[s]
            arrays[f"fill__{s}"] = self.fill_[s]
            if s in self.centroids_:
                arrays[f"centroids__{s}"] = self.centroids_[s]
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_saved(cls, params: dict, state: dict, npz: bytes, device: str = "cpu") -> Fusion:
        obj = cls(**params, device=device)
        arrays = np.load(io.BytesIO(npz))
        obj.means_ = {s: arrays[f"mean__{s}"] for s in obj.sources}
        obj.fill_ = {s: arrays[f"fill__{s}"] for s in obj.sources}
        obj.centroids_ = {s: arrays[f"centroids__{s}"] for s in obj.sources if f"centroids__{s}" in arrays}
        obj.dims_ = {s: int(v) for s, v in state["dims"].items()}
        obj.k_ = {s: int(v) for s, v in state["k"].items()}
        obj.weights_ = {s: float(v) for s, v in state["weights_applied"].items()}
        obj.dmin_ = {s: float(v) for s, v in state["dmin"].items()}
        obj.dmax_ = {s: float(v) for s, v in state["dmax"].items()}
        obj.n_features_out_ = int(state["n_features_out"])
        return obj
