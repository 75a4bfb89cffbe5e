"""Evaluation of a labelled run: metrics.json (label quality) and report.html (a browsable report)."""

from pacslabel.evaluate.config import EvaluateConfig, ReportConfig
from pacslabel.evaluate.run import run_evaluate

__all__ = ["EvaluateConfig", "ReportConfig", "run_evaluate"]
