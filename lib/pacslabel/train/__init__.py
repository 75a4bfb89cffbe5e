"""Training on Ray Train: the TorchTrainer harness, the shared training steps, run-root inputs."""

from pacslabel.train.config import OptimConfig, ScalingOptions, TrainConfig
from pacslabel.train.raytrain import run_training

__all__ = ["OptimConfig", "ScalingOptions", "TrainConfig", "run_training"]
