"""Run the whole pipeline (ingest → tags → train → embed → reports → label → evaluate) on one archive."""

from pacslabel.jobrunner import run_job
from pacslabel.pipeline import PipelineConfig, run_pipeline


def main(argv=None):
    return run_job("pipeline", PipelineConfig, run_pipeline, argv)


if __name__ == "__main__":
    main()
