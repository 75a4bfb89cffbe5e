"""Export labelled instances as a training set: WebDataset shards or ImageFolder PNGs plus a manifest."""

from pacslabel.export import ExportConfig, run_export
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("export", ExportConfig, run_export, argv)


if __name__ == "__main__":
    main()
