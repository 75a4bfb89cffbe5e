"""Ablation of the labelling model (paper 003, Table 7): sources x fusion x partitioning on one sample."""

from pacslabel.ablation import AblateConfig, run_ablation
from pacslabel.jobrunner import run_job


def main(argv=None):
    return run_job("ablate", AblateConfig, run_ablation, argv)


if __name__ == "__main__":
    main()
