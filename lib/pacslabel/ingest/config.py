"""Typed configuration of the ingest job (every key is documented in configs/ingest.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pacslabel.config import ConfigError
from pacslabel.ingest.redact import MODALITY_CODE, RULES
from pacslabel.runtime import RayConfig
from pacslabel.vocab import code_value

DERIVED_POLICIES = ("keep", "reject")
REDACT_ENGINES = ("tesseract", "none")
REDACT_FALLBACKS = ("band", "exclude")


@dataclass
class ExportConfig:
    """The RadiologyNET-style image export (window chain, policies, resize).

    ``modalities`` empty: every modality whose files carry image pixels (objects without them are
    rejected whatever the list); ``derived``: what becomes of secondary captures.
    """

    size: int = 256
    modalities: list[str] = field(default_factory=list)
    derived: Literal["keep", "reject"] = "reject"
    strict_window: bool = False
    percentile_low: float = 0.5
    percentile_high: float = 99.5
    background_fraction: float = 0.2
    percentile_max_samples: int = 65_536
    min_aspect: float = 0.1
    min_max_value: int = 1
    min_bits: int = 7
    min_occupancy: float = 0.1
    min_occupancy_multiframe_xa: float = 0.2
    max_frames_tried: int = 8

    def validate(self) -> None:
        if self.size < 8:
            raise ConfigError(f"export.size: {self.size} is too small (>= 8)")
        if not 0.0 <= self.percentile_low < self.percentile_high <= 100.0:
            raise ConfigError("export.percentile_low/high: need 0 <= low < high <= 100")
        if not 0.0 < self.background_fraction <= 1.0:
            raise ConfigError("export.background_fraction: need 0 < value <= 1")
        if self.max_frames_tried < 1:
            raise ConfigError("export.max_frames_tried: need >= 1")
        if self.derived not in DERIVED_POLICIES:
            raise ConfigError(f"export.derived: {self.derived!r}; valid: {', '.join(DERIVED_POLICIES)}")
        self.modalities = [m for m in map(code_value, self.modalities) if m]


@dataclass
class RedactConfig:
    """Burned-in text in the stored pixels (:mod:`pacslabel.ingest.redact`): which images are searched
    (``when``: rules and Modality codes; [] = none), the OCR engine, and the ``fallback`` without one."""

    when: list[str] = field(
        default_factory=lambda: ["burned_in_annotation", "secondary_capture", "derived", "US"]
    )
    engine: Literal["tesseract", "none"] = "tesseract"
    fallback: Literal["band", "exclude"] = "band"
    band_fraction: float = 0.15
    upscale: int = 3
    psm: list[int] = field(default_factory=lambda: [11])
    min_confidence: float = 0.0
    margin: int = 2
    passes: int = 2
    timeout_s: float = 30.0

    def validate(self) -> None:
        when = []
        for rule in self.when:
            rule = rule.strip()
            if rule not in RULES and not MODALITY_CODE.fullmatch(rule):
                raise ConfigError(
                    f"redact.when: {rule!r} is not valid; choose rules from {', '.join(RULES)} "
                    "or upper-case Modality codes (US, XA, RF, CR ...)"
                )
            when.append(rule)
        self.when = when
        if self.engine not in REDACT_ENGINES:
            raise ConfigError(f"redact.engine: {self.engine!r}; valid: {', '.join(REDACT_ENGINES)}")
        if self.fallback not in REDACT_FALLBACKS:
            raise ConfigError(f"redact.fallback: {self.fallback!r}; valid: {', '.join(REDACT_FALLBACKS)}")
        if not 0.0 < self.band_fraction <= 0.5:
            raise ConfigError("redact.band_fraction: need 0 < value <= 0.5")
        if self.upscale < 1 or self.passes < 1 or self.margin < 0 or self.timeout_s <= 0:
            raise ConfigError("redact: need upscale >= 1, passes >= 1, margin >= 0 and timeout_s > 0")
        if not self.psm or any(p not in range(14) for p in self.psm):
            raise ConfigError(f"redact.psm: {self.psm}; Tesseract page segmentation modes are 0..13")


@dataclass
class DecodeConfig:
    """Where and under which limits pixels are decoded."""

    isolation: Literal["process", "none"] = "process"
    native_in_process: bool = True  # uncompressed pixel data: decoded in the worker from the header read
    timeout_s: float = 60.0
    max_file_bytes: int = 4 * 2**30
    max_frame_bytes: int = 512 * 2**20
    max_total_pixel_bytes: int = 16 * 2**30
    header_read_bytes: int = 64 * 2**20
    read_ahead_files: int = 8
    read_ahead_bytes: int = 256 * 2**20
    child_memory_gb: float = 0.0
    fault_hook: str = ""

    def validate(self) -> None:
        if self.timeout_s <= 0:
            raise ConfigError("decode.timeout_s: must be > 0")
        if self.read_ahead_files < 0 or self.read_ahead_bytes < 0:
            raise ConfigError("decode.read_ahead_files and decode.read_ahead_bytes: must be >= 0 (0 = off)")
        if self.fault_hook and ":" not in self.fault_hook:
            raise ConfigError("decode.fault_hook: expected 'module:function'")


@dataclass
class IngestConfig:
    """``python -m jobs.ingest input=DIR run_root=DIR [reports=FILE]``."""

    input: str = ""
    run_root: str = ""
    reports: str = ""
    batch_size: int = 128
    inline_max_files: int = 256  # this few new files are ingested in the driver process (no actor pool)
    driver_list_max_files: int = 50_000  # inputs of at most this many files are listed in the driver
    driver_diff_max_rows: int = 50_000  # listing + manifest rows diffed in the driver; beyond: a Ray join
    diff_partitions: int = 16  # hash partitions of the Ray diff, at least
    diff_partition_rows: int = 1_000_000  # ... and one per this many listing + manifest rows beyond
    driver_dedup_max_rows: int = 50_000  # tags rows deduplicated in the driver; beyond: a Ray aggregation
    num_workers: int = 0
    cpus_per_worker: float = 1.0
    list_cpus_per_task: float = 0.5
    settle_seconds: float = 0.0
    fail_after_batches: int = 0
    export: ExportConfig = field(default_factory=ExportConfig)
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    redact: RedactConfig = field(default_factory=RedactConfig)
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.input:
            raise ConfigError("input: must be set to the PACS dump directory")
        if not self.run_root:
            raise ConfigError("run_root: must be set")
        if self.batch_size < 1:
            raise ConfigError("batch_size: must be >= 1")
        if self.inline_max_files < 0:
            raise ConfigError("inline_max_files: must be >= 0 (0 = always on the actor pool)")
        if self.driver_diff_max_rows < 0 or self.diff_partitions < 1:
            raise ConfigError("driver_diff_max_rows: must be >= 0 and diff_partitions >= 1")
        if self.diff_partition_rows < 1:
            raise ConfigError("diff_partition_rows: must be >= 1")
        if self.driver_dedup_max_rows < 0:
            raise ConfigError("driver_dedup_max_rows: must be >= 0 (0 = always on Ray)")
        if self.driver_list_max_files < 0:
            raise ConfigError("driver_list_max_files: must be >= 0 (0 = always list with Ray tasks)")
        if self.num_workers < 0:
            raise ConfigError("num_workers: must be >= 0 (0 = one per CPU)")
        if self.cpus_per_worker <= 0:
            raise ConfigError("cpus_per_worker: must be > 0")
