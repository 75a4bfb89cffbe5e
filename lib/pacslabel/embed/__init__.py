"""Batch inference with trained models on Ray Data: embeddings (and DEC soft assignments) per row."""

from pacslabel.embed.run import EmbedConfig, Embedder, run_embedding

__all__ = ["EmbedConfig", "Embedder", "run_embedding"]
