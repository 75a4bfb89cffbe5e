"""Ingest a PACS dump into the run root's manifest/, tags/, images/, rejects/ and reports/ tables."""

from pacslabel.ingest import IngestConfig, run_ingest
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("ingest", IngestConfig, run_ingest, argv)


if __name__ == "__main__":
    main()
