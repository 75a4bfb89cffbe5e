"""Scheduled relabelling of new studies with the frozen models (see :mod:`pacslabel.relabel.job`)."""

from pacslabel.relabel.job import RelabelConfig, run_relabel

__all__ = ["RelabelConfig", "run_relabel"]
