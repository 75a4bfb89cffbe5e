"""Radiology report text: cleaning, stemming, text embedders (BOW, TF-IDF, doc2vec), inference, evaluation.

Modules: ``config`` (config dataclasses), ``run`` (the runner of job ``reports``), ``batches`` (the
``map_batches`` callables), ``clean`` and ``stemmers`` (text to tokens), ``corpus`` (streamed token
table), ``base``, ``embedders`` and ``doc2vec`` (BOW, TF-IDF, PV-DM, PV-DBOW), ``infer`` (embedding
the token table), ``evaluation`` (k-means scores of text embeddings).
"""

from pacslabel.text.clean import Cleaner, build_vocab, clean_table, tokenize
from pacslabel.text.config import CleanConfig, TextConfig
from pacslabel.text.embedders import ReportEmbedder, load_embedder, make_embedder, save_embedder
from pacslabel.text.run import run_text

__all__ = [
    "CleanConfig",
    "Cleaner",
    "ReportEmbedder",
    "TextConfig",
    "build_vocab",
    "clean_table",
    "load_embedder",
    "make_embedder",
    "run_text",
    "save_embedder",
    "tokenize",
]
