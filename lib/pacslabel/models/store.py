"""Trained models on disk: ``models/<name>/`` holds ``model.pt`` (state dict), ``config.yaml``
(architecture + the resolved training config) and ``meta.json`` (kind, version, dimensions, metrics)."""

from __future__ import annotations

import hashlib
import io
import json
import time
from typing import Any

import pyarrow.fs as pafs
import yaml

from pacslabel.models.cae import CAEConfig, build_cae
from pacslabel.models.dec import build_dec_model
from pacslabel.models.tag_ae import TagAEConfig, build_tag_ae
from pacslabel.runroot import MODELS, RunRoot, embeddings_table

DEC_KINDS = ("dec", "idec", "constrained_dec")
KINDS = ("cae", "tag_ae", *DEC_KINDS)


def build_model(arch: dict[str, Any]):
    """Rebuild an untrained module from the ``arch`` mapping stored in ``config.yaml``."""

    kind = arch["kind"]
    if kind == "tag_ae":
        return build_tag_ae(TagAEConfig(**arch["tag_ae"]))
    ae = build_cae(CAEConfig(**arch["cae"]))
    if kind == "cae":
        return ae
    if kind in DEC_KINDS:
        return build_dec_model(ae, int(arch["k"]), float(arch.get("nu", 1.0)))
    raise ValueError(f"unknown model kind {kind!r}; valid: {', '.join(KINDS)}")


def state_bytes(state_dict) -> bytes:
    import torch

    buf = io.BytesIO()
    torch.save(state_dict, buf)
    return buf.getvalue()


def save_model(
    run_root: RunRoot, name: str, arch: dict, state_dict, train_config: dict, meta: dict | None = None
) -> dict:
    """Write weights, config and meta under ``models/<name>/``; returns the meta dict."""
    blob = state_bytes(state_dict)
    version = f"{name}-{hashlib.sha256(blob).hexdigest()[:12]}"
    full_meta = {
        "name": name,
        "kind": arch["kind"],
        "model_version": version,
        "created_unix": round(time.time(), 3),
        **(meta or {}),
    }
    run_root.write_bytes(blob, MODELS, name, "model.pt")
    run_root.write_text(
        yaml.safe_dump({"arch": arch, "train": train_config}, sort_keys=False), MODELS, name, "config.yaml"
    )
    run_root.write_json(full_meta, MODELS, name, "meta.json")
    return full_meta


def load_model(run_root: RunRoot | str, name: str, map_location: str = "cpu"):
    """Return ``(module in eval mode, arch dict, meta dict)`` for ``models/<name>/``."""
    import torch

    rr = run_root if isinstance(run_root, RunRoot) else RunRoot(run_root)
    if not rr.exists(MODELS, name, "model.pt"):
        raise FileNotFoundError(f"no trained model at {rr.path(MODELS, name)}")
    cfg = yaml.safe_load(rr.read_text(MODELS, name, "config.yaml"))
    meta = json.loads(rr.read_text(MODELS, name, "meta.json"))
    model = build_model(cfg["arch"])
    state = torch.load(io.BytesIO(rr.read_bytes(MODELS, name, "model.pt")), map_location=map_location)
    model.load_state_dict(state)
    model.eval()
    return model, cfg["arch"], meta


def saved_config(rr: RunRoot, model: str) -> dict[str, Any]:
    """The resolved config ``models/<model>/`` was made with."""
    return yaml.safe_load(rr.read_text(MODELS, model, "config.yaml")) or {}


def embedding_model(rr: RunRoot, source: str) -> str:
    """Name of the model under ``models/`` that produced ``embeddings/<source>/`` (by model_version)."""
    table = rr.dataset(embeddings_table(source))
    head = table.head(1, columns=["model_version"]).column(0).to_pylist()
    if not head:
        raise FileNotFoundError(
            f"{rr.uri_of(embeddings_table(source))} is empty; run the full pipeline first"
        )
    for info in rr.fs.get_file_info(pafs.FileSelector(rr.path(MODELS))):
        name = info.base_name
        if (
            info.type == pafs.FileType.Directory
            and rr.exists(MODELS, name, "meta.json")
            and rr.read_json(MODELS, name, "meta.json").get("model_version") == head[0]
        ):
            return name
    raise FileNotFoundError(f"no model under {rr.uri_of(MODELS)} has model_version {head[0]!r}")
