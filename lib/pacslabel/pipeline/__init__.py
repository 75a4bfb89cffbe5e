"""End-to-end orchestration: run the stages in order, skipping those whose outputs are current."""

from pacslabel.pipeline.run import PipelineConfig, run_pipeline

__all__ = ["PipelineConfig", "run_pipeline"]
