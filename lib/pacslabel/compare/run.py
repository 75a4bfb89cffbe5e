"""Method comparison of papers 001 / 000 over R seeds, on a bounded in-memory sample of images/.

The sample is split by patient (else study) into train / validation / test (:mod:`pacslabel.splits`). Every
method is fitted on the train rows only (autoencoder, DEC family, k-means, PCA, constraints inside the
train rows) and labels the test rows with the fitted model: the nearest centroid in its feature space, or
the argmax of the soft assignment for the DEC family. Scores are given for the test rows (the headline)
and the train rows. Deep models are trained in-process (the same training steps as the Ray Train loop)
on at most ``max_images`` images: the comparison is about relative quality, and ``jobs.train`` is the
route for archive-scale training. Baselines come from :mod:`pacslabel.baselines`. Writes
``compare.json`` and ``compare.md`` at the run root, including the constraint-count sweep of paper 000
Figure 6.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import replace

import numpy as np

from pacslabel import baselines as bl
from pacslabel.baselines.kmeans import squared_distances
from pacslabel.compare.config import DEEP, CompareConfig
from pacslabel.compare.report import SCORED, render_markdown, score, summarise
from pacslabel.compare.sample import load_sample, pairs_within, resize, subsample_pairs
from pacslabel.config import to_dict
from pacslabel.models.cae import build_cae
from pacslabel.models.dec import build_dec_model
from pacslabel.privacy import without_paths
from pacslabel.runroot import COMPARE_JSON, COMPARE_MD, RunRoot
from pacslabel.splits import SPLITS
from pacslabel.train import engine
from pacslabel.train.inprocess import predict, train_autoencoder, train_dec

log = logging.getLogger(__name__)


def nearest(features: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """int32 index of the nearest centre of every row (the inference rule of the k-means family)."""
    return squared_distances(features, centres).argmin(1).astype(np.int32)


def descriptor_features(x: dict[str, np.ndarray], want: set[str], cfg: CompareConfig) -> dict[str, dict]:
    """The HOG / LBP / PCA descriptors (per split of ``x``) that a wanted method or a constraint feature
    uses; PCA is fitted on the train rows."""
    out: dict[str, dict] = {}
    if "hog_kmeans" in want or "hog" in cfg.constraint_features:
        out["hog"] = {p: bl.hog_features(v) for p, v in x.items()}
    if "lbp_kmeans" in want or "lbp" in cfg.constraint_features:
        out["lbp"] = {p: bl.lbp_features(v) for p, v in x.items()}
    if "pca_kmeans" in want or "pca" in cfg.constraint_features:
        pca = bl.fit_pca(x["train"], min(cfg.pca_components, len(x["train"]) - 1))
        out["pca"] = {p: pca.transform(bl.flatten_images(v)).astype(np.float32) for p, v in x.items()}
    return out


class Comparison:
    """The methods of ``cfg`` fitted on the sample's train rows and scored on its test and train rows;
    collects scores per method and seed, sweep points, skipped methods and the seconds spent per method."""

    def __init__(self, cfg: CompareConfig, rr: RunRoot):
        self.cfg = cfg
        sample = load_sample(cfg, rr)
        self.rows = {p: sample.rows(p) for p in SPLITS}
        n_train, n_test = len(self.rows["train"]), len(self.rows["test"])
        if n_train < cfg.k or n_test == 0:
            raise ValueError(
                f"the sample splits into {n_train} train and {n_test} test rows: need >= k ({cfg.k}) train "
                "rows and some test rows (raise max_images or change split)"
            )
        self.cae_cfg = replace(cfg.cae, input_size=cfg.image_size)
        self.cae_cfg.validate()
        x = resize(sample.x, cfg.image_size)
        self.x = {p: x[self.rows[p]] for p in SCORED}
        self.truth = {p: (sample.modality[self.rows[p]], sample.region[self.rows[p]]) for p in SCORED}
        self.must = pairs_within(sample.must, self.rows["train"], len(x))
        self.cannot = pairs_within(sample.cannot, self.rows["train"], len(x))
        self.prep = engine.image_prep(cfg.image_size, "cpu")
        self.dcfg = replace(cfg.dec, k=cfg.k)
        log.info(
            "comparison sample: %d images (%s), %d must and %d cannot pairs inside train",
            len(x),
            ", ".join(f"{len(r)} {p}" for p, r in self.rows.items()),
            len(self.must),
            len(self.cannot),
        )
        self.skipped: dict[str, str] = {}
        self.has_pairs = len(self.must) > 0 and len(self.cannot) > 0
        if not self.has_pairs:
            for m in ("constrained_dec", "cop_kmeans", "pc_kmeans"):
                self.skipped[m] = "no must-link and cannot-link pairs inside the train rows of the sample"
        self.want = set(cfg.methods) - set(self.skipped)
        self.descriptors = descriptor_features(self.x, self.want, cfg)
        self.per_seed: dict[str, list[dict]] = {}
        self.sweep: list[dict] = []
        self.timings: dict[str, float] = {}

    def _scores(self, labels: dict, features: dict, seed: int) -> dict:
        """Scores per scored split of labels and features given per split."""
        return {p: score(labels[p], *self.truth[p], features[p], self.cfg, seed) for p in SCORED}

    def _add(self, method: str, labels: dict, features: dict, seed: int) -> dict:
        result = self._scores(labels, features, seed)
        self.per_seed.setdefault(method, []).append(result)
        return result

    def _timed(self, method: str, t0: float) -> None:
        self.timings[method] = self.timings.get(method, 0.0) + time.time() - t0

    def _kmeans(self, method: str, features: dict, seed: int) -> None:
        """k-means fitted on the train rows; test rows go to the nearest fitted centre."""
        labels, centres = bl.kmeans_labels(features["train"], self.cfg.k, seed, return_centres=True)
        self._add(method, {"train": labels, "test": nearest(features["test"], centres)}, features, seed)

    def _dec(self, cae, dcfg, seed: int, must=None, cannot=None):
        """A DEC model on a copy of ``cae`` trained on the train rows with ``dcfg``: ``(training output,
        labels per split, embeddings per split)``, labels being the argmax of the soft assignments."""
        cfg = self.cfg
        model = build_dec_model(copy.deepcopy(cae), cfg.k, dcfg.nu)
        x = self.x["train"]
        out = train_dec(model, x, self.prep, dcfg, cfg.dec_epochs, cfg.batch_size, cfg.lr, seed, must, cannot)
        zq = {p: predict(model, self.x[p], self.prep) for p in SCORED}
        return out, {p: q.argmax(1) for p, (_, q) in zq.items()}, {p: z for p, (z, _) in zq.items()}

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
            train_autoencoder(cae, self.x["train"], self.prep, cfg.cae_epochs, cfg.batch_size, cfg.lr, seed)
            feats["cae"] = {p: predict(cae, self.x[p], self.prep)[0] for p in SCORED}
            self._timed("cae_training", t0)
        if "cae_kmeans" in self.want:
            self._kmeans("cae_kmeans", feats["cae"], seed)
        self._dec_methods(cae, seed)
        for name in ("hog", "lbp", "pca"):
            if f"{name}_kmeans" in self.want:
                self._kmeans(f"{name}_kmeans", feats[name], seed)
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
            out, labels, z = self._dec(cae, replace(d, beta=beta, gamma=gamma), seed, *pairs)
            res = self._add(method, labels, z, seed)
            res["epochs_run"] = len(out["history"])
            res["collapsed"] = bool(out["guard"] and out["guard"][-1]["collapsed"])
            self._timed(method, t0)

    def _constrained_kmeans(self, feat: str, features: dict, seed: int) -> None:
        """COP k-means and PC k-means on one feature set, fitted on the train rows and their pairs."""
        cfg = self.cfg
        if "cop_kmeans" in self.want:
            t0 = time.time()
            try:
                lab, info = bl.cop_kmeans(
                    features["train"], cfg.k, self.must, self.cannot, seed, return_info=True
                )
                labels = {"train": lab, "test": nearest(features["test"], info["centres"])}
                self._add(f"cop_kmeans_{feat}", labels, features, seed)
            except bl.InfeasibleConstraints as exc:
                self.skipped[f"cop_kmeans_{feat}"] = f"infeasible constraints (seed {seed}): {exc}"
            self._timed(f"cop_kmeans_{feat}", t0)
        if "pc_kmeans" in self.want:
            t0 = time.time()
            lab, info = bl.pc_kmeans(
                features["train"], cfg.k, self.must, self.cannot, cfg.pc_weight, seed, return_info=True
            )
            labels = {"train": lab, "test": nearest(features["test"], info["centres"])}
            self._add(f"pc_kmeans_{feat}", labels, features, seed)
            self._timed(f"pc_kmeans_{feat}", t0)

    def _sweep(self, cae, seed: int) -> None:
        """Constrained DEC on ``sweep_counts`` constraints drawn from the train rows' pairs."""
        rng = np.random.default_rng(seed)
        for count in self.cfg.sweep_counts:
            m_s, c_s = subsample_pairs(self.must, self.cannot, count, rng)
            _, labels, z = self._dec(cae, self.dcfg, seed, m_s, c_s)
            self.sweep.append(
                {
                    "constraints": count,
                    "used": len(m_s) + len(c_s),
                    "must": len(m_s),
                    "cannot": len(c_s),
                    "seed": seed,
                    **self._scores(labels, z, seed),
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
                "images": sum(len(r) for r in self.rows.values()),
                "rows": {p: len(r) for p, r in self.rows.items()},
                "must": len(self.must),
                "cannot": len(self.cannot),
                "image_size": self.cfg.image_size,
                "split": self.cfg.split,
                "split_seed": self.cfg.split_seed,
            },
            "timings_seconds": {k: round(v, 2) for k, v in self.timings.items()},
            "note": (
                "Deep models trained in-process on a bounded sample (max_images) with the Ray Train loop's "
                "steps; validation rows are held out unused"
            ),
            "config": without_paths(to_dict(self.cfg)),
        }


def run_compare(cfg: CompareConfig) -> dict:
    """Run every method over ``cfg.seeds`` seeds; write compare.json and compare.md; return a summary."""
    rr = RunRoot(cfg.run_root)
    started = time.time()
    comparison = Comparison(cfg, rr)
    for r in range(cfg.seeds):
        comparison.run_seed(r)
    report = comparison.report()
    rr.write_json(report, COMPARE_JSON)
    rr.write_text(render_markdown(report), COMPARE_MD)
    return {
        "images": report["sample"]["images"],
        "rows": report["sample"]["rows"],
        "must": len(comparison.must),
        "cannot": len(comparison.cannot),
        "methods": sorted(report["methods"]),
        "skipped": sorted(comparison.skipped),
        "sweep_points": len(comparison.sweep),
        "output": rr.uri_of(COMPARE_JSON),
        "seconds_total": round(time.time() - started, 2),
    }
