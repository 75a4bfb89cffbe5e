"""Comparison of the deep models against the classic baselines over seeds (papers 001 / 000).

Modules: ``config`` (config dataclasses and method names), ``run`` (the runner), ``sample`` (the bounded
sample of images/), ``report`` (scores, summary over seeds, Markdown).
"""

from pacslabel.compare.config import CompareConfig
from pacslabel.compare.run import run_compare

__all__ = ["CompareConfig", "run_compare"]
