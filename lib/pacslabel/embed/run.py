"""Embed every row of images/ or features/tags/ with a trained model → ``embeddings/<source>/``.

Ray Data ``map_batches`` with an actor pool: each actor loads the model once; GPU actors take one GPU
and an integer batch size. The output table is written to a temporary directory and swapped in, so a
re-run replaces the previous embeddings instead of adding rows twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from pacslabel.config import ConfigError
from pacslabel.imagecol import pixels_to_numpy
from pacslabel.runroot import EMBEDDINGS, FEATURES_TAGS, IMAGES, RunRoot
from pacslabel.runtime import RayConfig

log = logging.getLogger(__name__)

UID = "sop_instance_uid"
DEFAULT_MODEL = {"images": "cae", "tags": "tag_ae"}


@dataclass
class EmbedConfig:
    """Which table to embed with which model under models/, and how many inference actors to run."""

    run_root: str = ""
    source: Literal["images", "tags"] = "images"
    model: str = ""  # models/<model>/; "" = cae for images, tag_ae for tags
    batch_size: int = 256
    min_actors: int = 1
    max_actors: int = 1
    cpus_per_actor: float = 1.0
    use_gpu: bool | None = None  # None = one GPU per actor when the Ray cluster has GPUs
    bf16: bool = True  # bf16 autocast on CUDA
    rows_per_file: int = 100_000  # hint for the output Parquet files
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required")
        if self.batch_size < 1:
            raise ConfigError("batch_size: must be >= 1 (GPU actors need an integer batch size)")
        if self.min_actors < 1 or self.max_actors < self.min_actors:
            raise ConfigError("min_actors / max_actors: need 1 <= min_actors <= max_actors")

    @property
    def model_name(self) -> str:
        return self.model or DEFAULT_MODEL[self.source]


class Embedder:
    """Callable class for ``map_batches``: loads ``models/<name>/`` once per actor.

    Input batch (numpy): ``sop_instance_uid`` and ``pixels (B, H, W) uint8`` or ``features (B, d)``.
    Output: ``sop_instance_uid``, ``embedding (B, e) float32``, ``model_version``, and for DEC models
    ``soft_assignment (B, K) float32``.
    """

    def __init__(self, run_root: str, name: str, use_gpu: bool = False, bf16: bool = True):
        import torch

        from pacslabel.models.store import load_model
        from pacslabel.train import engine

        self.device = torch.device("cuda" if use_gpu and torch.cuda.is_available() else "cpu")
        self.model, self.arch, self.meta = load_model(run_root, name, map_location="cpu")
        self.model.to(self.device)
        self.version = self.meta["model_version"]
        self.bf16 = bf16 and self.device.type == "cuda"
        self.is_image = self.arch["kind"] != "tag_ae"
        self.column = "pixels" if self.is_image else "features"
        if self.is_image:
            self.prep = engine.image_prep(self.arch["cae"]["input_size"], self.device)
        else:
            self.prep = engine.vector_prep(self.device)
        self.has_q = hasattr(self.model, "centres")
        self._autocast = engine.autocast

    def __call__(self, batch: dict) -> dict:
        import torch

        raw = pixels_to_numpy(batch[self.column]) if self.is_image else batch[self.column]
        x = self.prep(np.ascontiguousarray(raw))
        with torch.no_grad():
            with self._autocast(self.device, self.bf16):
                z = self.model.encode(x)
            z = z.float()
            out = {
                UID: batch[UID],
                "embedding": z.cpu().numpy().astype(np.float32),
                "model_version": np.full(len(z), self.version, dtype=object),
            }
            if self.has_q:
                out["soft_assignment"] = self.model.assign(z).cpu().numpy().astype(np.float32)
        return out


def _swap_in(rr: RunRoot, tmp: str, final: str) -> None:
    """Replace ``final`` by ``tmp`` (both paths relative to the run root)."""
    old = None
    if rr.exists(final):
        old = f"{final}.old-{uuid.uuid4().hex[:8]}"
        rr.fs.move(rr.path(final), rr.path(old))
    rr.fs.move(rr.path(tmp), rr.path(final))
    if old is not None:
        try:
            rr.fs.delete_dir(rr.path(old))
        except OSError:
            log.warning("could not delete the previous embeddings at %s", rr.path(old))


def run_embedding(cfg: EmbedConfig) -> dict:
    """Embed every row of the source table; returns counts, model version and the device used."""
    import ray

    rr = RunRoot(cfg.run_root)
    table = IMAGES if cfg.source == "images" else FEATURES_TAGS
    column = "pixels" if cfg.source == "images" else "features"
    if not rr.has_table(table):
        raise FileNotFoundError(f"{rr.uri_of(table)} has no Parquet files")
    name = cfg.model_name
    meta = rr.read_json("models", name, "meta.json")
    if (meta["kind"] == "tag_ae") != (cfg.source == "tags"):
        raise ConfigError(f"model: {name!r} is a {meta['kind']} model, it cannot embed source={cfg.source}")
    use_gpu = cfg.use_gpu
    if use_gpu is None:
        use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
    ds = ray.data.read_parquet(rr.uri_of(table), columns=[UID, column])
    out = ds.map_batches(
        Embedder,
        fn_constructor_kwargs={"run_root": rr.uri, "name": name, "use_gpu": use_gpu, "bf16": cfg.bf16},
        batch_size=cfg.batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(min_size=cfg.min_actors, max_size=cfg.max_actors),
        num_cpus=cfg.cpus_per_actor,
        num_gpus=1 if use_gpu else 0,
    )
    final = f"{EMBEDDINGS}/{cfg.source}"
    tmp = f"{EMBEDDINGS}/.{cfg.source}-tmp-{uuid.uuid4().hex[:8]}"
    out.write_parquet(rr.uri_of(tmp), min_rows_per_file=min(cfg.rows_per_file, 10_000))
    written = rr.count_rows(tmp)
    rows_in = rr.count_rows(table)
    if written != rows_in:
        raise RuntimeError(f"embedding wrote {written} rows for {rows_in} input rows; kept at {rr.path(tmp)}")
    _swap_in(rr, tmp, final)
    return {
        "source": cfg.source,
        "model": name,
        "model_version": meta["model_version"],
        "rows": written,
        "output": rr.uri_of(final),
        "use_gpu": bool(use_gpu),
        "soft_assignment": meta["kind"] in ("dec", "idec", "constrained_dec"),
    }
