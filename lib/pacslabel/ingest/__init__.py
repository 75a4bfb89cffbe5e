"""Ingest: a PACS dump -> manifest/, tags/, images/, rejects/ (and reports/) under a run root.

Modules: ``config`` (config dataclasses), ``run`` (the Ray runner), ``batches`` (the ``map_batches``
callables: per-batch worker, diff classification), ``listing`` (parallel directory walk), ``diff``
(listing / manifest diff on Ray), ``sniff`` (DICOM by content), ``header`` (header pass and selection),
``tag_row`` (typed, flattened tags row), ``values`` (header values), ``deid`` (what never leaves a worker),
``export`` (the window chain and policies as array functions), ``pixels`` (decode + export of one
file), ``redact`` (burned-in text: policy, OCR, fallback), ``decode`` (isolated decoder process),
``readahead`` (header prefetch), ``rejects`` (reason codes), ``tables`` (schemas, atomic shards),
``incremental`` (commit, resume, supersede), ``dedup`` (one instance per SOP Instance UID),
``reports`` (reports join).

Accounting invariant (tested): every manifest path is in exactly one of images/ (status ok) or
rejects/ (status rejected); every tags/ and images/ row's path is in the manifest; every images/ row
has a tags/ row. tags/ has one row per accepted instance (a parsed header with SOP Class and SOP
Instance UIDs), including instances whose pixels were then rejected, and one per SOP Instance UID:
further files of an instance are rejects (``duplicate_instance``) naming the copy kept.
"""

from __future__ import annotations

from pacslabel.ingest.config import DecodeConfig, ExportConfig, IngestConfig
from pacslabel.ingest.export import PolicyReject, export_image
from pacslabel.ingest.rejects import REASONS
from pacslabel.ingest.run import ingest_new_files, run_ingest

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
