"""Compare CAE+k-means, CDEC, CIDEC, constrained DEC and the classic baselines over seeds."""

from pacslabel.compare import CompareConfig, run_compare
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("compare", CompareConfig, run_compare, argv)


if __name__ == "__main__":
    main()
