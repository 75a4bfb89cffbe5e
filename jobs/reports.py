"""Clean narrative reports, train a text embedder, embed every kept report, evaluate the embeddings."""

from pacslabel.jobrunner import run_job
from pacslabel.text import TextConfig, run_text


def main(argv=None):
    return run_job("reports", TextConfig, run_text, argv)


if __name__ == "__main__":
    main()
