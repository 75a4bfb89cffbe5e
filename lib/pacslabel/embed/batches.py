"""The ``map_batches`` callable of the embed stage: a trained model loaded once per actor."""

from __future__ import annotations

import numpy as np

from pacslabel.imagecol import pixels_to_numpy
from pacslabel.models.store import load_model
from pacslabel.runroot import UID
from pacslabel.train import engine


class Embedder:
    """Callable class for ``map_batches``: loads ``models/<name>/`` once per actor.

    Input batch (numpy): ``sop_instance_uid`` and ``pixels (B, H, W) uint8`` or ``features (B, d)``.
    Output: ``sop_instance_uid``, ``embedding (B, e) float32``, ``model_version``, and for DEC models
    ``soft_assignment (B, K) float32``.
    """

    def __init__(self, run_root: str, name: str, use_gpu: bool = False, bf16: bool = True):
        import torch

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

    def __call__(self, batch: dict) -> dict:
        import torch

        raw = pixels_to_numpy(batch[self.column]) if self.is_image else batch[self.column]
        x = self.prep(np.ascontiguousarray(raw))
        with torch.no_grad():
            with engine.autocast(self.device, self.bf16):
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
