"""Search stage: a FAISS nearest-neighbour index over the fused embeddings the labels are made in, built
after labelling and updated by relabels; queries by archive instance or by a new DICOM file."""

from pacslabel.search.config import IndexConfig, SearchConfig
from pacslabel.search.query import search
from pacslabel.search.run import run_search, update_index

__all__ = ["IndexConfig", "SearchConfig", "run_search", "search", "update_index"]
