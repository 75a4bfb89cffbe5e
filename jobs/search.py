"""Build or update the nearest-neighbour index of a labelled run root; answer a query (uid or DICOM file)."""

from pacslabel.jobrunner import run_job
from pacslabel.search import SearchConfig, run_search


def main(argv=None):
    return run_job("search", SearchConfig, run_search, argv)


if __name__ == "__main__":
    main()
