"""Training on Ray Train: the TorchTrainer harness, the shared training steps, run-root inputs.

Modules: ``config`` (config dataclasses), ``run`` (the TorchTrainer runner), ``batches`` (``map_batches``
callables of the inputs), ``data`` (run-root inputs), ``loop`` (the worker loop), ``engine`` (training
steps shared with ``inprocess``, in-memory training on bounded samples).
"""

from pacslabel.train.config import OptimConfig, ScalingOptions, TrainConfig
from pacslabel.train.run import run_train

__all__ = ["OptimConfig", "ScalingOptions", "TrainConfig", "run_train"]
