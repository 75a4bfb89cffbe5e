"""Synthetic PACS archive generator: a DICOM tree with messy tags, reports and ground truth."""

from pacslabel.synth.config import SynthConfig
from pacslabel.synth.generate import generate

__all__ = ["SynthConfig", "generate"]
