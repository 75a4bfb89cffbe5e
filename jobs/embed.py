"""Embed every image (or tag row) with a trained model into embeddings/<source>/ on Ray Data."""

from pacslabel.embed import EmbedConfig, run_embed
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("embed", EmbedConfig, run_embed, argv)


if __name__ == "__main__":
    main()
