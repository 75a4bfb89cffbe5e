"""Export stage: labelled instances as a training set (WebDataset shards or an ImageFolder of PNGs)
with a Parquet manifest and patient-disjoint splits; incremental (a relabel's new images are added)."""

from pacslabel.export.config import ExportConfig
from pacslabel.export.run import run_export

__all__ = ["ExportConfig", "run_export"]
