"""Score the labels of a run and write metrics.json and report.html at the run root."""

from pacslabel.evaluate import EvaluateConfig, run_evaluate
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("evaluate", EvaluateConfig, run_evaluate, argv)


if __name__ == "__main__":
    main()
