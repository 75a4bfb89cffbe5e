"""Narrative reports: cleaning, stemming, text embedders (BOW, TF-IDF, doc2vec), inference, evaluation."""

from pacslabel.reports.clean import CleanConfig, Cleaner, build_vocab, clean_table, tokenize
from pacslabel.reports.embedders import ReportEmbedder, load_embedder, make_embedder, save_embedder
from pacslabel.reports.job import ReportsConfig, run_reports

__all__ = [
    "CleanConfig",
    "Cleaner",
    "ReportEmbedder",
    "ReportsConfig",
    "build_vocab",
    "clean_table",
    "load_embedder",
    "make_embedder",
    "run_reports",
    "save_embedder",
    "tokenize",
]
