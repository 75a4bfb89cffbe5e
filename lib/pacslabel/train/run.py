"""Ray Train harness: one ``TorchTrainer`` run per model, data streamed from the run root's tables,
a checkpoint per epoch (with the resolved config), resume by re-using ``(storage_path, run_name)``,
and the trained model exported to ``models/<name>/``. The worker loop is :mod:`.loop`.
"""

from __future__ import annotations

import os
import time
from typing import Any

from pacslabel.config import to_dict
from pacslabel.models.store import DEC_KINDS, save_model
from pacslabel.runroot import (
    CONSTRAINTS,
    FEATURES_TAGS,
    IMAGES,
    MODELS,
    TRAIN_STORAGE,
    RunRoot,
    Tables,
    model_dir,
)
from pacslabel.train.config import TrainConfig
from pacslabel.train.data import constraint_pool, feature_width, image_datasets, tag_datasets
from pacslabel.train.loop import STATE_FILE, train_loop_per_worker


def tables(cfg: TrainConfig) -> Tables:
    """What training ``cfg.model`` reads (a DEC model: its pretrained CAE too) and writes."""
    if cfg.model == "tag_ae":
        reads = [FEATURES_TAGS]
    else:
        reads = [IMAGES]
        if cfg.model in DEC_KINDS:
            reads.append(model_dir(cfg.dec.pretrained))
        if cfg.model == "constrained_dec":
            reads.append(CONSTRAINTS)
    return Tables(reads=tuple(reads), writes=(model_dir(cfg.model_name),))


def _storage(cfg: TrainConfig, rr: RunRoot) -> str:
    """Ray Train's storage: ``storage_path``, else ``<run_root>/_train``; a local one is created."""
    storage = cfg.storage_path or rr.uri_of(TRAIN_STORAGE)
    if "://" not in storage:
        storage = os.path.abspath(storage)
        os.makedirs(storage, exist_ok=True)
    return storage


def _worker_resources(cfg: TrainConfig) -> tuple[bool, dict[str, float]]:
    """Whether the workers use GPUs (when the cluster has any, unless set) and each one's resources."""
    import ray

    use_gpu = cfg.scaling.use_gpu
    if use_gpu is None:
        use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
    resources = dict(cfg.scaling.resources_per_worker)
    if use_gpu:
        resources.setdefault("GPU", 1.0)
    else:
        resources.pop("GPU", None)
    return use_gpu, resources


def _inputs(cfg: TrainConfig, rr: RunRoot) -> tuple[dict, dict[str, Any], dict[str, int]]:
    """``(datasets, loop config, constraint pool sizes)`` of the model kind."""
    import ray

    loop_config: dict[str, Any] = {"cfg": cfg, "run_root": rr.uri}
    oc = cfg.optim
    if cfg.model == "tag_ae":
        datasets = tag_datasets(rr, oc.val_fraction, cfg.max_rows)
        loop_config["n_features"] = feature_width(rr)
        shard_mb = (
            rr.count_rows(FEATURES_TAGS) * loop_config["n_features"] * 4 / cfg.scaling.num_workers / 2**20
        )
        loop_config["in_memory"] = 0 < shard_mb <= oc.in_memory_mb
    else:
        datasets = image_datasets(rr, oc.val_fraction if cfg.model == "cae" else 0.0, cfg.max_rows)
    pool_info = {}
    if cfg.model == "constrained_dec":
        images, must, cannot, _ = constraint_pool(rr, cfg.dec.max_constraints, cfg.seed)
        if len(must) == 0 or len(cannot) == 0:
            raise ValueError(
                f"constrained_dec needs must-link and cannot-link pairs with images; constraints/ gave "
                f"{len(must)} must and {len(cannot)} cannot"
            )
        loop_config["pool"] = ray.put((images, must, cannot))
        pool_info = {"pool_images": len(images), "pool_must": len(must), "pool_cannot": len(cannot)}
    return datasets, loop_config, pool_info


def run_train(cfg: TrainConfig) -> dict:
    """Train ``cfg.model`` with Ray Train and write ``models/<name>/``; returns its summary."""
    import torch
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    rr = RunRoot(cfg.run_root)
    name = cfg.model_name
    run_name = cfg.run_name or f"{name}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    storage = _storage(cfg, rr)
    use_gpu, resources = _worker_resources(cfg)
    datasets, loop_config, pool_info = _inputs(cfg, rr)
    trainer = TorchTrainer(
        train_loop_per_worker,
        train_loop_config=loop_config,
        scaling_config=ScalingConfig(
            num_workers=cfg.scaling.num_workers, use_gpu=use_gpu, resources_per_worker=resources
        ),
        datasets=datasets,
        run_config=RunConfig(
            name=run_name,
            storage_path=storage,
            failure_config=FailureConfig(max_failures=cfg.scaling.max_failures),
            checkpoint_config=CheckpointConfig(num_to_keep=cfg.scaling.keep_checkpoints),
        ),
    )
    started = time.time()
    result = trainer.fit()
    if result.error is not None:
        raise result.error
    if result.checkpoint is None:
        raise RuntimeError(f"Ray Train run {run_name} ended without a checkpoint")
    with result.checkpoint.as_directory() as d:
        state = torch.load(os.path.join(d, STATE_FILE), map_location="cpu", weights_only=False)
    weights = state["best_model"] if state.get("best_model") is not None else state["model"]
    history = state["history"]
    last = history[-1] if history else {}
    meta = save_model(
        rr,
        name,
        state["arch"],
        weights,
        to_dict(cfg),
        {
            "ray_run_name": run_name,
            "storage_path": storage,
            "epochs_run": state["epoch"] + 1,
            "stopped_early": bool(state.get("stopped")),
            "history": history,
            "cluster_health": state.get("guard", []),
            "device": state.get("device"),
            "world_size": state.get("world_size"),
            **pool_info,
        },
    )
    return {
        "model": cfg.model,
        "name": name,
        "model_version": meta["model_version"],
        "path": rr.uri_of(MODELS, name),
        "ray_run_name": run_name,
        "storage_path": storage,
        "epochs_run": state["epoch"] + 1,
        "stopped_early": bool(state.get("stopped")),
        "train_seconds": round(time.time() - started, 3),
        "final_metrics": last,
        "use_gpu": bool(use_gpu),
        "num_workers": cfg.scaling.num_workers,
        **pool_info,
    }
