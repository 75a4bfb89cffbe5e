"""The variants of the ablation: every non-empty subset of the sources x fusion x partitioning, and the
sample restricted to one subset of sources or of rows."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from pacslabel.label.inputs import Sample


@dataclass(frozen=True)
class Variant:
    sources: tuple[str, ...]
    fusion: str
    partition_by: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{'+'.join(self.sources)} / {self.fusion} / {partition_name(self.partition_by)}"


def partition_name(by) -> str:
    """``"modality,region"``, or ``"global"`` for one partition (the paper's k-means)."""
    return ",".join(by) or "global"


def source_subsets(sources: list[str]) -> list[tuple[str, ...]]:
    """Every non-empty subset, singles first, in the order of ``sources``."""
    return [c for r in range(1, len(sources) + 1) for c in combinations(sources, r)]


def variants(sources: list[str], fusions: list[str], partitionings: list[list[str]]) -> list[Variant]:
    return [
        Variant(subset, fusion, tuple(by))
        for subset in source_subsets(sources)
        for fusion in fusions
        for by in partitionings
    ]


def with_sources(sample: Sample, sources) -> Sample:
    """The sample with only ``sources`` among its parts (same rows, uids and context)."""
    return Sample(
        sample.uids,
        {s: sample.parts[s] for s in sources},
        {s: sample.present[s] for s in sources},
        sample.context,
        sample.summary,
    )


def with_rows(sample: Sample, keep: np.ndarray) -> Sample:
    """The sample restricted to the rows ``keep`` (bool)."""
    return Sample(
        sample.uids[keep],
        {s: p[keep] for s, p in sample.parts.items()},
        {s: m[keep] for s, m in sample.present.items()},
        {c: v[keep] for c, v in sample.context.items()},
        sample.summary,
    )
