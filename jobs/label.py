"""Label every instance: fuse source embeddings, choose K, train FAISS k-means, assign with Ray Data."""

from pacslabel.jobrunner import run_job
from pacslabel.label import LabelConfig, run_label


def main(argv=None):
    return run_job("label", LabelConfig, run_label, argv)


if __name__ == "__main__":
    main()
