"""Method comparison of papers 001 / 000 over R seeds, on a bounded in-memory sample of images/.

Deep models are trained in-process (the same training steps as the Ray Train loop) on at most
``max_images`` images: the comparison is about relative quality, and ``jobs.train`` is the route for
archive-scale training. Baselines come from :mod:`pacslabel.baselines`. Writes ``compare.json`` and
``compare.md`` at the run root, including the constraint-count sweep of paper 000 Figure 6.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import replace

import numpy as np

from pacslabel import baselines as bl
from pacslabel.compare.config import DEEP, CompareConfig
from pacslabel.compare.report import render_markdown, score, summarise
from pacslabel.compare.sample import load_sample, resize, subsample_pairs
from pacslabel.config import to_dict
from pacslabel.models.cae import build_cae
from pacslabel.models.dec import build_dec_model
from pacslabel.runroot import RunRoot
from pacslabel.train import engine
from pacslabel.train.inprocess import predict, train_autoencoder, train_dec

log = logging.getLogger(__name__)


def descriptor_features(x: np.ndarray, want: set[str], cfg: CompareConfig) -> dict[str, np.ndarray]:
    """The HOG / LBP / PCA descriptors of ``x`` that a wanted method or a constraint feature uses."""
    out: dict[str, np.ndarray] = {}
    if "hog_kmeans" in want or "hog" in cfg.constraint_features:
        out["hog"] = bl.hog_features(x)
    if "lbp_kmeans" in want or "lbp" in cfg.constraint_features:
        out["lbp"] = bl.lbp_features(x)
    if "pca_kmeans" in want or "pca" in cfg.constraint_features:
        out["pca"] = bl.pca_features(
            bl.flatten_images(x).astype(np.float32) / 255.0, min(cfg.pca_components, len(x) - 1)
        )
    return out


class Comparison:
    """The methods of ``cfg`` on one sample; collects scores per method and seed, sweep points, skipped
    methods and the seconds spent per method."""

    def __init__(self, cfg: CompareConfig, rr: RunRoot):
        self.cfg = cfg
        _, x_raw, self.modality, self.region, self.must, self.cannot = load_sample(cfg, rr)
        self.cae_cfg = replace(cfg.cae, input_size=cfg.image_size)
        self.cae_cfg.validate()
        self.x = resize(x_raw, cfg.image_size)
        self.prep = engine.image_prep(cfg.image_size, "cpu")
        self.dcfg = replace(cfg.dec, k=cfg.k)
        log.info(
            "comparison sample: %d images, %d must, %d cannot", len(self.x), len(self.must), len(self.cannot)
        )
        self.skipped: dict[str, str] = {}
        self.has_pairs = len(self.must) > 0 and len(self.cannot) > 0
        if not self.has_pairs:
            for m in ("constrained_dec", "cop_kmeans", "pc_kmeans"):
                self.skipped[m] = "no must-link and cannot-link pairs inside the sample"
        self.want = set(cfg.methods) - set(self.skipped)
        self.descriptors = descriptor_features(self.x, self.want, cfg)
        self.per_seed: dict[str, list[dict]] = {}
        self.sweep: list[dict] = []
        self.timings: dict[str, float] = {}

    def _add(self, method: str, labels, features, seed: int) -> dict:
        result = score(labels, self.modality, self.region, features, self.cfg, seed)
        self.per_seed.setdefault(method, []).append(result)
        return result

    def _timed(self, method: str, t0: float) -> None:
        self.timings[method] = self.timings.get(method, 0.0) + time.time() - t0

    def _dec(self, cae, dcfg, seed: int, must=None, cannot=None):
        """A DEC model on a copy of ``cae`` trained with ``dcfg``: ``(training output, z, q)``."""
        cfg = self.cfg
        model = build_dec_model(copy.deepcopy(cae), cfg.k, dcfg.nu)
        out = train_dec(
            model, self.x, self.prep, dcfg, cfg.dec_epochs, cfg.batch_size, cfg.lr, seed, must, cannot
        )
        z, q = predict(model, self.x, self.prep)
        return out, z, q

    def run_seed(self, r: int) -> None:
        """Every wanted method with seed ``first_seed + r``, and the sweep for the first ``sweep_seeds``."""
        import torch

        cfg = self.cfg
        seed = cfg.first_seed + r
        torch.manual_seed(seed)
        feats = dict(self.descriptors)
        cae = None
        if self.want & set(DEEP) or "cae" in cfg.constraint_features or cfg.sweep_seeds > 0:
            t0 = time.time()
            cae = build_cae(self.cae_cfg)
            train_autoencoder(cae, self.x, self.prep, cfg.cae_epochs, cfg.batch_size, cfg.lr, seed)
            feats["cae"], _ = predict(cae, self.x, self.prep)
            self._timed("cae_training", t0)
        if "cae_kmeans" in self.want:
            self._add("cae_kmeans", bl.kmeans_labels(feats["cae"], cfg.k, seed), feats["cae"], seed)
        self._dec_methods(cae, seed)
        for name in ("hog", "lbp", "pca"):
            if f"{name}_kmeans" in self.want:
                self._add(f"{name}_kmeans", bl.kmeans_labels(feats[name], cfg.k, seed), feats[name], seed)
        for feat in cfg.constraint_features:
            if feat in feats:
                self._constrained_kmeans(feat, feats[feat], seed)
        if r < cfg.sweep_seeds and self.has_pairs and cae is not None:
            self._sweep(cae, seed)

    def _dec_methods(self, cae, seed: int) -> None:
        """DEC (β = γ = 0), IDEC (γ = 0) and constrained DEC on the seed's CAE."""
        d = self.dcfg
        for method, beta, gamma in (
            ("cdec", 0.0, 0.0),
            ("cidec", d.beta, 0.0),
            ("constrained_dec", d.beta, d.gamma),
        ):
            if method not in self.want:
                continue
            t0 = time.time()
            pairs = (self.must, self.cannot) if gamma > 0 else (None, None)
            out, z, q = self._dec(cae, replace(d, beta=beta, gamma=gamma), seed, *pairs)
            res = self._add(method, q.argmax(1), z, seed)
            res["epochs_run"] = len(out["history"])
            res["collapsed"] = bool(out["guard"] and out["guard"][-1]["collapsed"])
            self._timed(method, t0)

    def _constrained_kmeans(self, feat: str, features: np.ndarray, seed: int) -> None:
        """COP k-means and PC k-means on one feature set."""
        cfg = self.cfg
        if "cop_kmeans" in self.want:
            t0 = time.time()
            try:
                lab = bl.cop_kmeans(features, cfg.k, self.must, self.cannot, seed)
                self._add(f"cop_kmeans_{feat}", lab, features, seed)
            except bl.InfeasibleConstraints as exc:
                self.skipped[f"cop_kmeans_{feat}"] = f"infeasible constraints (seed {seed}): {exc}"
            self._timed(f"cop_kmeans_{feat}", t0)
        if "pc_kmeans" in self.want:
            t0 = time.time()
            lab = bl.pc_kmeans(features, cfg.k, self.must, self.cannot, cfg.pc_weight, seed)
            self._add(f"pc_kmeans_{feat}", lab, features, seed)
            self._timed(f"pc_kmeans_{feat}", t0)

    def _sweep(self, cae, seed: int) -> None:
        """Constrained DEC on ``sweep_counts`` constraints drawn from the sample's pairs."""
        rng = np.random.default_rng(seed)
        for count in self.cfg.sweep_counts:
            m_s, c_s = subsample_pairs(self.must, self.cannot, count, rng)
            _, z, q = self._dec(cae, self.dcfg, seed, m_s, c_s)
            res = score(q.argmax(1), self.modality, self.region, z, self.cfg, seed)
            self.sweep.append(
                {
                    "constraints": count,
                    "used": len(m_s) + len(c_s),
                    "must": len(m_s),
                    "cannot": len(c_s),
                    "seed": seed,
                    **res,
                }
            )

    def report(self) -> dict:
        """compare.json: the summary over seeds, every run, the sweep and what was skipped."""
        return {
            "methods": summarise(self.per_seed),
            "per_seed": self.per_seed,
            "sweep": self.sweep,
            "skipped": self.skipped,
            "sample": {
                "images": len(self.x),
                "must": len(self.must),
                "cannot": len(self.cannot),
                "image_size": self.cfg.image_size,
            },
            "timings_seconds": {k: round(v, 2) for k, v in self.timings.items()},
            "note": (
                "deep models trained in-process on a bounded sample (max_images) with the Ray Train "
                "loop's steps; labels scored on the same sample"
            ),
            "config": to_dict(self.cfg),
        }


def run_compare(cfg: CompareConfig) -> dict:
    """Run every method over ``cfg.seeds`` seeds; write compare.json and compare.md; return a summary."""
    rr = RunRoot(cfg.run_root)
    started = time.time()
    comparison = Comparison(cfg, rr)
    for r in range(cfg.seeds):
        comparison.run_seed(r)
    report = comparison.report()
    rr.write_json(report, "compare.json")
    rr.write_text(render_markdown(report), "compare.md")
    return {
        "images": len(comparison.x),
        "must": len(comparison.must),
        "cannot": len(comparison.cannot),
        "methods": sorted(report["methods"]),
        "skipped": sorted(comparison.skipped),
        "sweep_points": len(comparison.sweep),
        "output": rr.uri_of("compare.json"),
        "seconds_total": round(time.time() - started, 2),
    }
