"""Scheduled relabelling of new studies with the frozen models (see :mod:`pacslabel.relabel.run`)."""

from pacslabel.relabel.config import RelabelConfig
from pacslabel.relabel.run import run_relabel

__all__ = ["RelabelConfig", "run_relabel"]
