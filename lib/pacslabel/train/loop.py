"""The Ray Train worker loop: resume from the last checkpoint, DEC centre initialisation, the shard's
batches, one epoch of the model's family with its metrics summed over the workers, and a checkpoint.

Workers: DDP over ``scaling.num_workers`` (gloo on CPU, NCCL on GPU), bf16 autocast and channels-last
on CUDA. DEC-family models compute the target distribution with a streamed pass over each worker's
shard (frequencies and label changes all-reduced), so no per-row state is held in memory.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from pacslabel.config import to_dict
from pacslabel.models.cae import build_cae
from pacslabel.models.collapse import CollapseGuard
from pacslabel.models.dec import DECConfig, build_dec_model
from pacslabel.models.store import DEC_KINDS, load_model
from pacslabel.models.tag_ae import TagAEConfig, build_tag_ae
from pacslabel.runroot import RunRoot
from pacslabel.train import engine
from pacslabel.train.collectives import allreduce, broadcast, gather_rows, sums
from pacslabel.train.config import OptimConfig, TrainConfig

log = logging.getLogger(__name__)

STATE_FILE = "state.pt"


def build_for_training(cfg: TrainConfig, n_features: int, run_root: RunRoot):
    """``(model, arch)`` for ``cfg.model``: fresh CAE / tag AE, or a DEC model on the pretrained CAE."""
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


def effective_dec(cfg: TrainConfig) -> DECConfig:
    """The DEC config of the chosen kind: DEC has β = 0, only constrained DEC uses γ."""
    d = cfg.dec
    if cfg.model == "dec":
        return replace(d, beta=0.0, gamma=0.0)
    if cfg.model == "idec":
        return replace(d, gamma=0.0)
    return d


def resume_state() -> dict[str, Any]:
    """The state saved in this run's latest checkpoint; empty on a fresh start."""
    import ray.train
    import torch

    ckpt = ray.train.get_checkpoint()
    if ckpt is None:
        return {}
    with ckpt.as_directory() as d:
        return torch.load(os.path.join(d, STATE_FILE), map_location="cpu", weights_only=False)


class ShardBatches:
    """Raw ``column`` batches of this worker's dataset shards, one epoch per call.

    With ``in_memory`` the first pass over a shard streams it and keeps it; later passes shuffle the
    kept rows with this worker's generator instead of streaming them again.
    """

    def __init__(self, column: str, optim: OptimConfig, device, in_memory: bool, seed: int):
        import torch

        self.column = column
        self.optim = optim
        self.device = device
        self.in_memory = in_memory
        self.cached: dict[str, Any] = {}
        self.shuffler = torch.Generator().manual_seed(seed)

    def _stream(self, name: str, shuffle: bool) -> Iterator:
        import ray.train

        oc = self.optim
        it = ray.train.get_dataset_shard(name).iter_torch_batches(
            batch_size=oc.batch_size,
            prefetch_batches=oc.prefetch_batches,
            local_shuffle_buffer_size=(oc.shuffle_buffer or None) if shuffle else None,
            device=self.device,
        )
        for b in it:
            yield b[self.column]

    def __call__(self, name: str = "train", shuffle: bool = True) -> Iterator:
        import torch

        if not self.in_memory:
            yield from self._stream(name, shuffle)
            return
        if name not in self.cached:  # the first pass streams and keeps the shard
            parts = []
            for x in self._stream(name, shuffle):
                parts.append(x)
                yield x
            self.cached[name] = torch.cat(parts) if parts else None
            return
        x = self.cached[name]
        if x is None:
            return
        bs = self.optim.batch_size
        order = torch.randperm(len(x), generator=self.shuffler).to(x.device) if shuffle else None
        for i in range(0, len(x), bs):
            yield x[order[i : i + bs]] if order is not None else x[i : i + bs]


@dataclass
class Worker:
    """One worker's place in the group, model, optimiser and input."""

    cfg: TrainConfig
    dcfg: DECConfig
    arch: dict
    rank: int
    world: int
    device: Any
    bf16: bool
    model: Any
    prep: Callable
    batches: ShardBatches
    opt: Any = None
    frozen: Any = None  # DEC: the model of the last full pass, which reproduces its Q
    pool: engine.ConstraintPool | None = None

    @property
    def dec_kind(self) -> bool:
        return self.cfg.model in DEC_KINDS


@dataclass
class Progress:
    """What one epoch hands to the next; saved with every checkpoint and restored on resume."""

    guard: CollapseGuard
    history: list = field(default_factory=list)
    best_val: float = float("inf")
    best_model: dict | None = None
    bad_epochs: int = 0
    updates: int = 0
    stopped: bool = False
    f: Any = None  # DEC: cluster frequencies of the last full pass

    @classmethod
    def resumed(cls, state: dict[str, Any], collapse_max_fraction: float) -> Progress:
        guard = CollapseGuard(collapse_max_fraction)
        guard.history = list(state.get("guard", []))
        return cls(
            guard,
            list(state.get("history", [])),
            state.get("best_val", float("inf")),
            state.get("best_model"),
            state.get("bad_epochs", 0),
            state.get("updates", 0),
            state.get("stopped", False),
        )


def init_centres(w: Worker) -> None:
    """k-means centres of up to ``dec.kmeans_sample`` embeddings gathered from every worker, computed on
    rank 0 and broadcast."""
    import torch

    dcfg = w.dcfg
    per_worker = max(1, dcfg.kmeans_sample // w.world)
    z = engine.encode_batches(
        w.model, w.batches(shuffle=False), w.prep, per_worker, w.device, w.bf16, drain=True
    )
    z = gather_rows(z)
    centres = torch.zeros_like(w.model.centres.data)
    if w.rank == 0:
        centres = torch.from_numpy(engine.kmeans_centres(z, dcfg.k, dcfg.kmeans_n_init, w.cfg.seed))
    w.model.centres.data.copy_(broadcast(centres.to(w.device)))


def _constraint_pool(ref, dcfg: DECConfig, seed: int) -> engine.ConstraintPool:
    """The constrained-DEC pool from the driver's ``(images, must, cannot)`` object ref."""
    import ray

    images, must, cannot = ray.get(ref)
    return engine.ConstraintPool(
        images, must, cannot, dcfg.constraint_batch_size, dcfg.pairs_per_batch, seed=seed
    )


def start_worker(config: dict) -> tuple[Worker, Progress, int]:
    """This worker's model (fresh, or resumed from the last checkpoint), optimiser and input; returns
    them with the progress so far and the first epoch to run."""
    import ray.train
    import ray.train.torch
    import torch

    cfg: TrainConfig = config["cfg"]
    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    device = ray.train.torch.get_device()
    on_gpu = device.type == "cuda"
    is_image = cfg.model != "tag_ae"
    channels_last = cfg.scaling.channels_last and on_gpu and is_image
    torch.manual_seed(cfg.seed)
    if cfg.scaling.torch_threads:
        torch.set_num_threads(cfg.scaling.torch_threads)
    dcfg = effective_dec(cfg)

    model, arch = build_for_training(cfg, config.get("n_features", 0), RunRoot(config["run_root"]))
    state = resume_state()
    if state:
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
    batches = ShardBatches(column, cfg.optim, device, bool(config.get("in_memory")), cfg.seed + rank)
    w = Worker(cfg, dcfg, arch, rank, world, device, cfg.scaling.bf16 and on_gpu, model, prep, batches)
    progress = Progress.resumed(state, dcfg.collapse_max_fraction)
    if w.dec_kind:
        if not state:
            init_centres(w)
        w.frozen = engine.frozen_copy(model)
        if "frozen" in state:
            w.frozen.load_state_dict(state["frozen"])
            progress.f = state["f"].to(device)
    kwargs = {"find_unused_parameters": True} if w.dec_kind and dcfg.beta == 0 else {}
    w.model = ray.train.torch.prepare_model(
        model, move_to_device=False, parallel_strategy_kwargs=kwargs or None
    )
    w.opt = torch.optim.Adam(w.model.parameters(), lr=cfg.optim.lr, weight_decay=cfg.optim.weight_decay)
    if "optim" in state:
        w.opt.load_state_dict(state["optim"])
    start = state.get("epoch", -1) + 1
    if cfg.model == "constrained_dec":
        w.pool = _constraint_pool(config["pool"], dcfg, cfg.seed + 1000 * rank + start)
    return w, progress, start


def dec_epoch(w: Worker, p: Progress, epoch: int) -> dict[str, Any]:
    """A full pass (target update, collapse check, ``dec.tol`` stop) when due, then one DEC / IDEC /
    constrained DEC epoch; returns its metrics."""
    metrics: dict[str, Any] = {"epoch": epoch}
    dcfg = w.dcfg
    if epoch % dcfg.update_interval == 0 or p.f is None:
        st = engine.dec_full_pass(
            w.model, w.frozen, w.batches(shuffle=False), w.prep, allreduce, w.device, w.bf16
        )
        p.f = st["f"].to(w.device)
        rep = p.guard.check(st["sizes"], epoch)
        p.updates += 1
        metrics.update(
            changed_fraction=st["changed_fraction"],
            n_empty=rep["n_empty"],
            largest_fraction=rep["largest_fraction"],
            collapsed=rep["collapsed"],
        )
        if p.updates > 1 and st["changed_fraction"] < dcfg.tol:
            p.stopped = True
    if p.stopped:
        return metrics
    tr = engine.dec_train_epoch(
        w.model, w.frozen, p.f, w.opt, w.batches(), w.prep, dcfg, w.pool, w.device, w.bf16
    )
    keys = ("loss_sum", "kl_sum", "mse_sum", "pair_sum", "must_pairs", "cannot_pairs", "n")
    loss, kl, mse, pair, must, cannot, rows = sums([tr[k] for k in keys], w.device)
    n = max(rows, 1.0)
    metrics.update(
        loss=loss / n,
        kl=kl / n,
        mse=mse / n,
        pairwise=pair / n,
        must_pairs=int(must),
        cannot_pairs=int(cannot),
        rows=int(rows),
    )
    return metrics


def ae_epoch(w: Worker, p: Progress, epoch: int) -> dict[str, Any]:
    """One reconstruction epoch, then the validation loss (best weights kept, ``optim.patience`` stop)
    when rows are held out; returns its metrics."""
    metrics: dict[str, Any] = {"epoch": epoch}
    tr = engine.ae_train_epoch(w.model, w.opt, w.batches(), w.prep, w.device, w.bf16)
    loss, rows = sums([tr["loss_sum"], tr["n"]], w.device)
    metrics.update(loss=loss / max(rows, 1.0), rows=int(rows))
    if w.cfg.optim.val_fraction <= 0:
        return metrics
    ev = engine.ae_eval(w.model, w.batches("val", shuffle=False), w.prep, w.device, w.bf16)
    loss, rows = sums([ev["loss_sum"], ev["n"]], w.device)
    val = loss / max(rows, 1.0)
    metrics["val_loss"] = val
    if val < p.best_val:
        p.best_val, p.bad_epochs = val, 0
        p.best_model = {k: v.detach().cpu().clone() for k, v in engine.unwrap(w.model).state_dict().items()}
    else:
        p.bad_epochs += 1
    if w.cfg.optim.patience and p.bad_epochs >= w.cfg.optim.patience:
        p.stopped = True
    return metrics


def checkpoint_state(w: Worker, p: Progress, epoch: int) -> dict[str, Any]:
    """Everything a resumed run and the model export need, as saved in ``STATE_FILE``."""
    state = {
        "epoch": epoch,
        "model": engine.unwrap(w.model).state_dict(),
        "optim": w.opt.state_dict(),
        "arch": w.arch,
        "config": to_dict(w.cfg),
        "history": p.history,
        "best_val": p.best_val,
        "best_model": p.best_model,
        "bad_epochs": p.bad_epochs,
        "updates": p.updates,
        "stopped": p.stopped,
        "guard": p.guard.history,
        "device": str(w.device),
        "world_size": w.world,
    }
    if w.dec_kind:
        state["frozen"] = w.frozen.state_dict()
        state["f"] = p.f.detach().cpu()
    return state


def report_epoch(w: Worker, p: Progress, epoch: int, metrics: dict[str, Any]) -> None:
    """Report the epoch's metrics to Ray Train, with a checkpoint (written by rank 0) every
    ``scaling.checkpoint_every`` epochs and after the last one."""
    import ray.train
    import torch

    last = p.stopped or epoch == w.cfg.optim.epochs - 1
    if (epoch + 1) % w.cfg.scaling.checkpoint_every != 0 and not last:
        ray.train.report(metrics)
        return
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = None
        if w.rank == 0:
            torch.save(checkpoint_state(w, p, epoch), os.path.join(tmp, STATE_FILE))
            checkpoint = ray.train.Checkpoint.from_directory(tmp)
        ray.train.report(metrics, checkpoint=checkpoint)


def train_loop_per_worker(config: dict) -> None:
    """Ray Train worker loop for every model kind (see module docstring)."""
    w, progress, start = start_worker(config)
    for epoch in range(start, w.cfg.optim.epochs):
        if progress.stopped:
            break
        t0 = time.time()
        metrics = dec_epoch(w, progress, epoch) if w.dec_kind else ae_epoch(w, progress, epoch)
        metrics["seconds"] = round(time.time() - t0, 3)
        metrics["stopped"] = progress.stopped
        progress.history.append(metrics)
        report_epoch(w, progress, epoch, metrics)
