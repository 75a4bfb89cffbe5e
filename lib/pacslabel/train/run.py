"""Ray Train harness: one ``TorchTrainer`` run per model, data streamed from the run root's tables,
a checkpoint per epoch (with the resolved config), resume by re-using ``(storage_path, run_name)``,
and the trained model exported to ``models/<name>/``.

Workers: DDP over ``scaling.num_workers`` (gloo on CPU, NCCL on GPU), bf16 autocast and channels-last
on CUDA. DEC-family models compute the target distribution with a streamed pass over each worker's
shard (frequencies and label changes all-reduced), so no per-row state is held in memory.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from typing import Any

import numpy as np

from pacslabel.config import to_dict
from pacslabel.models.collapse import CollapseGuard
from pacslabel.models.store import DEC_KINDS, load_model, save_model
from pacslabel.runroot import FEATURES_TAGS, MODELS, RunRoot
from pacslabel.train import engine
from pacslabel.train.config import TrainConfig
from pacslabel.train.data import constraint_pool, feature_width, image_datasets, tag_datasets

log = logging.getLogger(__name__)

STATE_FILE = "state.pt"


def _allreduce(t):
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.all_reduce(t)
    return t


def _gather_rows(z: np.ndarray) -> np.ndarray:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        parts: list[Any] = [None] * dist.get_world_size()
        dist.all_gather_object(parts, z)
        return np.concatenate(parts)
    return z


def _broadcast(t):
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        dist.broadcast(t, src=0)
    return t


def build_for_training(cfg: TrainConfig, n_features: int, run_root: RunRoot):
    """``(model, arch)`` for ``cfg.model``: fresh CAE / tag AE, or a DEC model on the pretrained CAE."""
    from pacslabel.models.cae import build_cae
    from pacslabel.models.dec import build_dec_model
    from pacslabel.models.tag_ae import TagAEConfig, build_tag_ae

    if cfg.model == "cae":
        return build_cae(cfg.cae), {"kind": "cae", "cae": to_dict(cfg.cae)}
    if cfg.model == "tag_ae":
        tcfg = TagAEConfig(**{**to_dict(cfg.tag_ae), "n_features": n_features})
        return build_tag_ae(tcfg), {"kind": "tag_ae", "tag_ae": to_dict(tcfg)}
    ae, arch, _ = load_model(run_root, cfg.dec.pretrained)
    if arch["kind"] != "cae":
        raise ValueError(f"dec.pretrained={cfg.dec.pretrained!r} is a {arch['kind']}, not a cae")
    model = build_dec_model(ae, cfg.dec.k, cfg.dec.nu)
    return model, {"kind": cfg.model, "cae": arch["cae"], "k": cfg.dec.k, "nu": cfg.dec.nu}


def effective_dec(cfg: TrainConfig):
    """The DEC config of the chosen kind: DEC has β = 0, only constrained DEC uses γ."""
    from dataclasses import replace

    d = cfg.dec
    if cfg.model == "dec":
        return replace(d, beta=0.0, gamma=0.0)
    if cfg.model == "idec":
        return replace(d, gamma=0.0)
    return d


def train_loop_per_worker(config: dict) -> None:
    """Ray Train worker loop for every model kind (see module docstring)."""
    import ray.train
    import ray.train.torch
    import torch

    cfg: TrainConfig = config["cfg"]
    run_root = RunRoot(config["run_root"])
    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    device = ray.train.torch.get_device()
    on_gpu = device.type == "cuda"
    bf16 = cfg.scaling.bf16 and on_gpu
    is_image = cfg.model != "tag_ae"
    channels_last = cfg.scaling.channels_last and on_gpu and is_image
    torch.manual_seed(cfg.seed)
    if cfg.scaling.torch_threads:
        torch.set_num_threads(cfg.scaling.torch_threads)
    dec_kind = cfg.model in DEC_KINDS
    dcfg = effective_dec(cfg)

    model, arch = build_for_training(cfg, config.get("n_features", 0), run_root)
    ckpt = ray.train.get_checkpoint()
    state: dict[str, Any] = {}
    if ckpt is not None:
        with ckpt.as_directory() as d:
            state = torch.load(os.path.join(d, STATE_FILE), map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        log.info("resuming %s from epoch %d", cfg.model, state["epoch"] + 1)
    model.to(device)
    if channels_last:
        model.to(memory_format=torch.channels_last)
    if is_image:
        prep = engine.image_prep(arch["cae"]["input_size"], device, channels_last)
    else:
        prep = engine.vector_prep(device)
    column = "pixels" if is_image else "features"
    bs, oc = cfg.optim.batch_size, cfg.optim

    cached: dict[str, Any] = {}
    shuffler = torch.Generator().manual_seed(cfg.seed + rank)

    def stream(name: str, shuffle: bool):
        it = ray.train.get_dataset_shard(name).iter_torch_batches(
            batch_size=bs,
            prefetch_batches=oc.prefetch_batches,
            local_shuffle_buffer_size=(oc.shuffle_buffer or None) if shuffle else None,
            device=device,
        )
        for b in it:
            yield b[column]

    def batches(name: str = "train", shuffle: bool = True):
        if not config.get("in_memory"):
            yield from stream(name, shuffle)
            return
        if name not in cached:  # the first pass streams and keeps the shard
            parts = []
            for x in stream(name, shuffle):
                parts.append(x)
                yield x
            cached[name] = torch.cat(parts) if parts else None
            return
        x = cached[name]
        if x is None:
            return
        order = torch.randperm(len(x), generator=shuffler).to(x.device) if shuffle else None
        for i in range(0, len(x), bs):
            yield x[order[i : i + bs]] if order is not None else x[i : i + bs]

    frozen = f = None
    guard = CollapseGuard(dcfg.collapse_max_fraction)
    guard.history = list(state.get("guard", []))
    if dec_kind:
        if ckpt is None:
            per_worker = max(1, dcfg.kmeans_sample // world)
            z = engine.encode_batches(
                model, batches(shuffle=False), prep, per_worker, device, bf16, drain=True
            )
            z = _gather_rows(z)
            centres = torch.zeros_like(model.centres.data)
            if rank == 0:
                centres = torch.from_numpy(engine.kmeans_centres(z, dcfg.k, dcfg.kmeans_n_init, cfg.seed))
            model.centres.data.copy_(_broadcast(centres.to(device)))
        frozen = engine.frozen_copy(model)
        if "frozen" in state:
            frozen.load_state_dict(state["frozen"])
            f = state["f"].to(device)
    kwargs = {"find_unused_parameters": True} if dec_kind and dcfg.beta == 0 else {}
    model = ray.train.torch.prepare_model(
        model, move_to_device=False, parallel_strategy_kwargs=kwargs or None
    )
    opt = torch.optim.Adam(model.parameters(), lr=oc.lr, weight_decay=oc.weight_decay)
    if "optim" in state:
        opt.load_state_dict(state["optim"])

    pool = None
    if cfg.model == "constrained_dec":
        import ray as _ray

        images, must, cannot = _ray.get(config["pool"])
        pool = engine.ConstraintPool(
            images,
            must,
            cannot,
            dcfg.constraint_batch_size,
            dcfg.pairs_per_batch,
            seed=cfg.seed + 1000 * rank + state.get("epoch", -1) + 1,
        )

    start = state.get("epoch", -1) + 1
    history = list(state.get("history", []))
    best_val = state.get("best_val", float("inf"))
    best_model = state.get("best_model")
    bad_epochs = state.get("bad_epochs", 0)
    updates = state.get("updates", 0)
    stopped = state.get("stopped", False)
    has_val = oc.val_fraction > 0
    for epoch in range(start, oc.epochs):
        if stopped:
            break
        t0 = time.time()
        metrics: dict[str, Any] = {"epoch": epoch}
        if dec_kind:
            if epoch % dcfg.update_interval == 0 or f is None:
                st = engine.dec_full_pass(
                    model, frozen, batches(shuffle=False), prep, _allreduce, device, bf16
                )
                f = st["f"].to(device)
                rep = guard.check(st["sizes"], epoch)
                updates += 1
                metrics.update(
                    changed_fraction=st["changed_fraction"],
                    n_empty=rep["n_empty"],
                    largest_fraction=rep["largest_fraction"],
                    collapsed=rep["collapsed"],
                )
                if updates > 1 and st["changed_fraction"] < dcfg.tol:
                    stopped = True
            if not stopped:
                tr = engine.dec_train_epoch(model, frozen, f, opt, batches(), prep, dcfg, pool, device, bf16)
                red = _allreduce(
                    torch.tensor(
                        [
                            tr["loss_sum"],
                            tr["kl_sum"],
                            tr["mse_sum"],
                            tr["pair_sum"],
                            tr["must_pairs"],
                            tr["cannot_pairs"],
                            tr["n"],
                        ],
                        dtype=torch.float64,
                        device=device,
                    )
                ).tolist()
                n = max(red[-1], 1.0)
                metrics.update(
                    loss=red[0] / n,
                    kl=red[1] / n,
                    mse=red[2] / n,
                    pairwise=red[3] / n,
                    must_pairs=int(red[4]),
                    cannot_pairs=int(red[5]),
                    rows=int(red[6]),
                )
        else:
            tr = engine.ae_train_epoch(model, opt, batches(), prep, device, bf16)
            red = _allreduce(
                torch.tensor([tr["loss_sum"], tr["n"]], dtype=torch.float64, device=device)
            ).tolist()
            metrics.update(loss=red[0] / max(red[1], 1.0), rows=int(red[1]))
            if has_val:
                ev = engine.ae_eval(model, batches("val", shuffle=False), prep, device, bf16)
                red = _allreduce(
                    torch.tensor([ev["loss_sum"], ev["n"]], dtype=torch.float64, device=device)
                ).tolist()
                val = red[0] / max(red[1], 1.0)
                metrics["val_loss"] = val
                if val < best_val:
                    best_val, bad_epochs = val, 0
                    best_model = {
                        k: v.detach().cpu().clone() for k, v in engine.unwrap(model).state_dict().items()
                    }
                else:
                    bad_epochs += 1
                if oc.patience and bad_epochs >= oc.patience:
                    stopped = True
        metrics["seconds"] = round(time.time() - t0, 3)
        metrics["stopped"] = stopped
        history.append(metrics)
        last = stopped or epoch == oc.epochs - 1
        if (epoch + 1) % cfg.scaling.checkpoint_every == 0 or last:
            with tempfile.TemporaryDirectory() as tmp:
                checkpoint = None
                if rank == 0:
                    full = {
                        "epoch": epoch,
                        "model": engine.unwrap(model).state_dict(),
                        "optim": opt.state_dict(),
                        "arch": arch,
                        "config": to_dict(cfg),
                        "history": history,
                        "best_val": best_val,
                        "best_model": best_model,
                        "bad_epochs": bad_epochs,
                        "updates": updates,
                        "stopped": stopped,
                        "guard": guard.history,
                        "device": str(device),
                        "world_size": world,
                    }
                    if dec_kind:
                        full["frozen"] = frozen.state_dict()
                        full["f"] = f.detach().cpu()
                    torch.save(full, os.path.join(tmp, STATE_FILE))
                    checkpoint = ray.train.Checkpoint.from_directory(tmp)
                ray.train.report(metrics, checkpoint=checkpoint)
        else:
            ray.train.report(metrics)


def run_training(cfg: TrainConfig) -> dict:
    """Train ``cfg.model`` with Ray Train and write ``models/<name>/``; returns the job summary."""
    import ray
    import torch
    from ray.train import CheckpointConfig, FailureConfig, RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    rr = RunRoot(cfg.run_root)
    name = cfg.model_name
    run_name = cfg.run_name or f"{name}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    storage = cfg.storage_path or rr.uri_of("_train")
    if "://" not in storage:
        storage = os.path.abspath(storage)
        os.makedirs(storage, exist_ok=True)
    use_gpu = cfg.scaling.use_gpu
    if use_gpu is None:
        use_gpu = ray.cluster_resources().get("GPU", 0) >= 1
    resources = dict(cfg.scaling.resources_per_worker)
    if use_gpu:
        resources.setdefault("GPU", 1.0)
    else:
        resources.pop("GPU", None)

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
