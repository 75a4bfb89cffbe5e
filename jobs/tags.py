"""Tag features: regions, profile and selection, imputed / encoded features, Gower constraints."""

from pacslabel.jobrunner import run_job
from pacslabel.tags import TagsConfig, run_tags


def main(argv=None):
    return run_job("tags", TagsConfig, run_tags, argv)


if __name__ == "__main__":
    main()
