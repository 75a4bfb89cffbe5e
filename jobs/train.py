"""Train a CAE, tag AE, DEC, IDEC or constrained DEC model on Ray Train and store it under models/."""

from pacslabel.jobrunner import run_job
from pacslabel.train import TrainConfig, run_train


def main(argv=None):
    return run_job("train", TrainConfig, run_train, argv)


if __name__ == "__main__":
    main()
