"""Comparison of the deep models against the classic baselines over seeds (papers 001 / 000)."""

from pacslabel.compare.run import CompareConfig, run_compare

__all__ = ["CompareConfig", "run_compare"]
