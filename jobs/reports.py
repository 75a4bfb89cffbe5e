"""Clean narrative reports, train a text embedder, embed every kept report, evaluate the embeddings."""

from pacslabel.jobrunner import run_job
from pacslabel.reports import ReportsConfig, run_reports


def main(argv=None):
    return run_job("reports", ReportsConfig, run_reports, argv)


if __name__ == "__main__":
    main()
