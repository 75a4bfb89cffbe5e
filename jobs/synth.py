"""Generate a synthetic PACS archive (DICOM tree, reports.csv, truth.parquet) for tests and demos."""

from pacslabel.jobrunner import run_job
from pacslabel.synth import SynthConfig, generate


def main(argv=None):
    return run_job("synth", SynthConfig, generate, argv)


if __name__ == "__main__":
    main()
