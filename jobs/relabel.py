"""Label the studies that arrived since the last run with the frozen models (no retraining)."""

from pacslabel.jobrunner import run_job
from pacslabel.relabel import RelabelConfig, run_relabel


def main(argv=None):
    return run_job("relabel", RelabelConfig, run_relabel, argv)


if __name__ == "__main__":
    main()
