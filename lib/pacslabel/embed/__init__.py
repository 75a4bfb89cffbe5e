"""Batch inference with trained models on Ray Data: embeddings (and DEC soft assignments) per row.

Modules: ``config`` (config dataclasses), ``run`` (the Ray runner), ``batches`` (the per-actor model).
"""

from pacslabel.embed.batches import Embedder
from pacslabel.embed.config import EmbedConfig
from pacslabel.embed.run import run_embed

__all__ = ["EmbedConfig", "Embedder", "run_embed"]
