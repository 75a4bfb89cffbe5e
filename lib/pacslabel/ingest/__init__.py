"""Ingest: a PACS dump -> manifest/, tags/, images/, rejects/ (and reports/) under a run root.

Modules: ``listing`` (parallel directory walk), ``sniff`` (DICOM by content), ``header`` (header pass
and selection), ``tags`` (typed, flattened tags row), ``deid`` (what never leaves a worker),
``export`` (the window chain and policies as array functions), ``pixels`` (decode + export of one
file), ``decode`` (isolated decoder process), ``rejects`` (reason codes), ``tables`` (schemas, atomic
shards), ``incremental`` (commit, resume, supersede), ``reports`` (reports join), ``worker`` (batch
UDF) and ``stage`` (the Ray stage runner).

Accounting invariant (tested): every manifest path is in exactly one of images/ (status ok) or
rejects/ (status rejected); every tags/ and images/ row's path is in the manifest; every images/ row
has a tags/ row. tags/ has one row per accepted instance (a parsed header with SOP Class and SOP
Instance UIDs), including instances whose pixels were then rejected.
"""

from __future__ import annotations

from pacslabel.ingest.config import DecodeConfig, ExportConfig, IngestConfig
from pacslabel.ingest.export import PolicyReject, export_image
from pacslabel.ingest.rejects import REASONS
from pacslabel.ingest.stage import ingest_new_files, run_ingest

__all__ = [
    "REASONS",
    "DecodeConfig",
    "ExportConfig",
    "IngestConfig",
    "PolicyReject",
    "export_image",
    "ingest_new_files",
    "run_ingest",
]
