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
from dataclasses import dataclass, field, replace

import numpy as np

from pacslabel.config import ConfigError, to_dict
from pacslabel.models.cae import CAEConfig
from pacslabel.models.dec import DECConfig
from pacslabel.runroot import IMAGES, RunRoot
from pacslabel.runtime import RayConfig

log = logging.getLogger(__name__)

METRICS = ("nmi_modality", "nmi_region", "hs_modality", "hs_region", "silhouette")
DEEP = ("cae_kmeans", "cdec", "cidec", "constrained_dec")
DESCRIPTORS = ("hog_kmeans", "lbp_kmeans", "pca_kmeans")


@dataclass
class CompareConfig:
    """Comparison job (see configs/compare.yaml)."""

    run_root: str = ""
    truth: str = ""  # truth.parquet: sop_instance_uid, modality, anatomical_region
    seeds: int = 5
    first_seed: int = 0
    max_images: int = 2000  # bounded sample held in memory
    constrained_share: float = 0.5  # at most this share of the sample is drawn from constraint end points
    k: int = 25
    image_size: int = 64  # images are resized to this side for every method (CAE input and descriptors)
    cae: CAEConfig = field(default_factory=CAEConfig)  # cae.input_size is replaced by image_size
    cae_epochs: int = 20
    dec_epochs: int = 20
    batch_size: int = 50
    lr: float = 0.001
    dec: DECConfig = field(default_factory=DECConfig)  # dec.k is replaced by k
    methods: list[str] = field(default_factory=lambda: [*DEEP, *DESCRIPTORS, "cop_kmeans", "pc_kmeans"])
    constraint_features: list[str] = field(default_factory=lambda: ["cae"])  # cae | hog | lbp | pca
    pc_weight: float = 1.0
    pca_components: int = 50
    max_constraints: int = 20_000
    sweep_counts: list[int] = field(default_factory=lambda: [500, 1000, 2000, 5000, 10_000, 20_000])
    sweep_seeds: int = 1  # seeds per sweep point (0 = no sweep)
    silhouette_sample: int = 5000
    ray: RayConfig = field(default_factory=RayConfig)

    def validate(self) -> None:
        if not self.run_root:
            raise ConfigError("run_root: required")
        if not self.truth:
            raise ConfigError("truth: required (path of truth.parquet)")
        if self.seeds < 1 or self.max_images < self.k:
            raise ConfigError("seeds must be >= 1 and max_images >= k")
        valid = {*DEEP, *DESCRIPTORS, "cop_kmeans", "pc_kmeans"}
        bad = [m for m in self.methods if m not in valid]
        if bad:
            raise ConfigError(f"methods: {bad[0]!r} is not valid; choose from {', '.join(sorted(valid))}")
        bad = [f for f in self.constraint_features if f not in ("cae", "hog", "lbp", "pca")]
        if bad:
            raise ConfigError(f"constraint_features: {bad[0]!r} is not valid; choose from cae, hog, lbp, pca")


def load_sample(cfg: CompareConfig, rr: RunRoot):
    """``(uids, images uint8 (N, H, W), modality, region, must (M, 2), cannot (C, 2))`` of the sample."""
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    from pacslabel.train.data import UID, fetch_images, read_constraints

    rng = np.random.default_rng(cfg.first_seed)
    truth = pq.read_table(cfg.truth, columns=[UID, "modality", "anatomical_region"]).to_pandas()
    truth = truth.drop_duplicates(UID).set_index(UID)
    dset = pads.dataset(rr.path(IMAGES), filesystem=rr.fs, format="parquet")
    all_uids = np.asarray(dset.to_table(columns=[UID]).column(UID).to_pylist(), dtype=object)
    all_uids = all_uids[np.isin(all_uids, truth.index.to_numpy())]
    must_u: list = []
    cannot_u: list = []
    try:
        must_u, cannot_u = read_constraints(rr, cfg.max_constraints, cfg.first_seed)
    except FileNotFoundError:
        log.warning("no constraints/ table: constrained methods are skipped")
    known = set(all_uids.tolist())
    chosen: list[str] = []
    seen: set[str] = set()
    budget = int(cfg.max_images * cfg.constrained_share)
    pairs = [p for p in must_u + cannot_u if p[0] in known and p[1] in known]
    for r in rng.permutation(len(pairs)):
        if len(chosen) + 2 > budget:
            break
        for u in pairs[r]:
            if u not in seen:
                seen.add(u)
                chosen.append(u)
    rest = [u for u in all_uids[rng.permutation(len(all_uids))].tolist() if u not in seen]
    chosen += rest[: cfg.max_images - len(chosen)]
    pixels = fetch_images(rr, set(chosen))
    uids = [u for u in chosen if u in pixels]
    x = np.stack([pixels[u] for u in uids])
    pos = {u: i for i, u in enumerate(uids)}

    def idx(pairs):
        out = [(pos[a], pos[b]) for a, b in pairs if a in pos and b in pos]
        return np.asarray(out, np.int64).reshape(-1, 2)

    t = truth.loc[uids]
    return (
        uids,
        x,
        t["modality"].to_numpy(object),
        t["anatomical_region"].to_numpy(object),
        idx(must_u),
        idx(cannot_u),
    )


def score(labels, modality, region, features, cfg: CompareConfig, seed: int) -> dict:
    from pacslabel.metrics import label_scores, silhouette_on_sample

    s = label_scores(labels, modality, region)
    out = {m: float(s[m]) for m in METRICS if m in s}
    out["silhouette"] = silhouette_on_sample(features, labels, cfg.silhouette_sample, seed)
    out["n_clusters"] = len(np.unique(labels))
    return out


def resize(x: np.ndarray, size: int) -> np.ndarray:
    """uint8 images resized to ``size``² (area averaging) for the descriptors."""
    import torch
    import torch.nn.functional as F

    if x.shape[-1] == size:
        return x
    t = torch.from_numpy(x).unsqueeze(1).float()
    mode = "area" if x.shape[-1] > size else "bilinear"
    t = F.interpolate(t, size=(size, size), mode=mode)
    return t.squeeze(1).round().clamp(0, 255).to(torch.uint8).numpy()


def subsample_pairs(must, cannot, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``count`` constraints drawn from the union, keeping at least one of each kind."""
    kinds = np.r_[np.zeros(len(must), int), np.ones(len(cannot), int)]
    pairs = np.concatenate([must, cannot]) if len(kinds) else np.zeros((0, 2), np.int64)
    if count >= len(pairs):
        return must, cannot
    pick = rng.choice(len(pairs), size=count, replace=False)
    for kind in (0, 1):
        if not (kinds[pick] == kind).any() and (kinds == kind).any():
            pick[0 if kind == 0 else -1] = rng.choice(np.flatnonzero(kinds == kind))
    return pairs[pick[kinds[pick] == 0]], pairs[pick[kinds[pick] == 1]]


def run_compare(cfg: CompareConfig) -> dict:
    """Run every method over ``cfg.seeds`` seeds; write compare.json and compare.md; return a summary."""
    import torch

    from pacslabel.models.cae import build_cae
    from pacslabel.models.dec import build_dec_model
    from pacslabel.train import engine
    from pacslabel.train.inprocess import predict, train_autoencoder, train_dec

    rr = RunRoot(cfg.run_root)
    started = time.time()
    _, x_raw, modality, region, must, cannot = load_sample(cfg, rr)
    size = cfg.image_size
    cae_cfg = replace(cfg.cae, input_size=size)
    cae_cfg.validate()
    x = resize(x_raw, size)
    prep = engine.image_prep(size, "cpu")
    dcfg = replace(cfg.dec, k=cfg.k)
    log.info("comparison sample: %d images, %d must, %d cannot", len(x), len(must), len(cannot))
    skipped: dict[str, str] = {}
    try:
        import pacslabel.baselines as bl
    except ImportError as exc:  # the classic baselines are optional at run time
        bl = None
        for m in (*DESCRIPTORS, "cop_kmeans", "pc_kmeans"):
            skipped[m] = f"pacslabel.baselines unavailable: {exc}"
    has_pairs = len(must) > 0 and len(cannot) > 0
    if not has_pairs:
        for m in ("constrained_dec", "cop_kmeans", "pc_kmeans"):
            skipped.setdefault(m, "no must-link and cannot-link pairs inside the sample")
    want = set(cfg.methods) - set(skipped)
    descriptors: dict[str, np.ndarray] = {}
    if bl is not None:
        if "hog_kmeans" in want or "hog" in cfg.constraint_features:
            descriptors["hog"] = bl.hog_features(x)
        if "lbp_kmeans" in want or "lbp" in cfg.constraint_features:
            descriptors["lbp"] = bl.lbp_features(x)
        if "pca_kmeans" in want or "pca" in cfg.constraint_features:
            descriptors["pca"] = bl.pca_features(
                bl.flatten_images(x).astype(np.float32) / 255.0, min(cfg.pca_components, len(x) - 1)
            )
    per_seed: dict[str, list[dict]] = {}
    sweep: list[dict] = []
    timings: dict[str, float] = {}

    def add(method: str, result: dict) -> None:
        per_seed.setdefault(method, []).append(result)

    def timed(method: str, t0: float) -> None:
        timings[method] = timings.get(method, 0.0) + time.time() - t0

    deep_needed = bool(want & set(DEEP)) or "cae" in cfg.constraint_features or cfg.sweep_seeds > 0
    for r in range(cfg.seeds):
        seed = cfg.first_seed + r
        torch.manual_seed(seed)
        feats = dict(descriptors)
        cae = None
        if deep_needed:
            t0 = time.time()
            cae = build_cae(cae_cfg)
            train_autoencoder(cae, x, prep, cfg.cae_epochs, cfg.batch_size, cfg.lr, seed)
            feats["cae"], _ = predict(cae, x, prep)
            timed("cae_training", t0)
        if "cae_kmeans" in want:
            lab = bl.kmeans_labels(feats["cae"], cfg.k, seed) if bl else _kmeans(feats["cae"], cfg.k, seed)
            add("cae_kmeans", score(lab, modality, region, feats["cae"], cfg, seed))
        for method, beta, gamma in (
            ("cdec", 0.0, 0.0),
            ("cidec", dcfg.beta, 0.0),
            ("constrained_dec", dcfg.beta, dcfg.gamma),
        ):
            if method not in want:
                continue
            t0 = time.time()
            model = build_dec_model(copy.deepcopy(cae), cfg.k, dcfg.nu)
            mc = replace(dcfg, beta=beta, gamma=gamma)
            pairs = (must, cannot) if gamma > 0 else (None, None)
            out = train_dec(model, x, prep, mc, cfg.dec_epochs, cfg.batch_size, cfg.lr, seed, *pairs)
            z, q = predict(model, x, prep)
            res = score(q.argmax(1), modality, region, z, cfg, seed)
            res["epochs_run"] = len(out["history"])
            res["collapsed"] = bool(out["guard"] and out["guard"][-1]["collapsed"])
            add(method, res)
            timed(method, t0)
        for name in ("hog", "lbp", "pca"):
            if f"{name}_kmeans" in want:
                lab = bl.kmeans_labels(feats[name], cfg.k, seed)
                add(f"{name}_kmeans", score(lab, modality, region, feats[name], cfg, seed))
        for feat in cfg.constraint_features:
            if feat not in feats:
                continue
            if "cop_kmeans" in want:
                t0 = time.time()
                try:
                    lab = bl.cop_kmeans(feats[feat], cfg.k, must, cannot, seed)
                    add(f"cop_kmeans_{feat}", score(lab, modality, region, feats[feat], cfg, seed))
                except bl.InfeasibleConstraints as exc:
                    skipped[f"cop_kmeans_{feat}"] = f"infeasible constraints (seed {seed}): {exc}"
                timed(f"cop_kmeans_{feat}", t0)
            if "pc_kmeans" in want:
                t0 = time.time()
                lab = bl.pc_kmeans(feats[feat], cfg.k, must, cannot, cfg.pc_weight, seed)
                add(f"pc_kmeans_{feat}", score(lab, modality, region, feats[feat], cfg, seed))
                timed(f"pc_kmeans_{feat}", t0)
        if r < cfg.sweep_seeds and has_pairs and cae is not None:
            rng = np.random.default_rng(seed)
            for count in cfg.sweep_counts:
                m_s, c_s = subsample_pairs(must, cannot, count, rng)
                model = build_dec_model(copy.deepcopy(cae), cfg.k, dcfg.nu)
                train_dec(model, x, prep, dcfg, cfg.dec_epochs, cfg.batch_size, cfg.lr, seed, m_s, c_s)
                z, q = predict(model, x, prep)
                res = score(q.argmax(1), modality, region, z, cfg, seed)
                sweep.append(
                    {
                        "constraints": count,
                        "used": len(m_s) + len(c_s),
                        "must": len(m_s),
                        "cannot": len(c_s),
                        "seed": seed,
                        **res,
                    }
                )

    summary = {
        m: {k: _mean_sd([res[k] for res in rows]) for k in METRICS} | {"runs": len(rows)}
        for m, rows in per_seed.items()
    }
    report = {
        "methods": summary,
        "per_seed": per_seed,
        "sweep": sweep,
        "skipped": skipped,
        "sample": {"images": len(x), "must": len(must), "cannot": len(cannot), "image_size": size},
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
        "note": (
            "deep models trained in-process on a bounded sample (max_images) with the Ray Train "
            "loop's steps; labels scored on the same sample"
        ),
        "config": to_dict(cfg),
    }
    rr.write_json(report, "compare.json")
    rr.write_text(render_markdown(report), "compare.md")
    return {
        "images": len(x),
        "must": len(must),
        "cannot": len(cannot),
        "methods": sorted(summary),
        "skipped": sorted(skipped),
        "sweep_points": len(sweep),
        "output": rr.uri_of("compare.json"),
        "seconds_total": round(time.time() - started, 2),
    }


def _kmeans(z, k, seed):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(z)


def _mean_sd(values) -> dict:
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)
    if arr.size == 0:
        return {"mean": None, "sd": None}
    return {"mean": float(arr.mean()), "sd": float(arr.std(ddof=1)) if arr.size > 1 else 0.0}


def render_markdown(report: dict) -> str:
    s = report["sample"]
    lines = [
        "# Method comparison",
        "",
        f"Sample: {s['images']} images at {s['image_size']}², {s['must']} must-link and {s['cannot']} "
        f"cannot-link pairs inside the sample. {report['note']}.",
        "",
        "| method | runs | " + " | ".join(METRICS) + " |",
        "|---|---|" + "---|" * len(METRICS),
    ]

    def fmt(d):
        return "–" if d["mean"] is None else f"{d['mean']:.3f} ± {d['sd']:.3f}"

    for method, row in sorted(
        report["methods"].items(), key=lambda kv: -(kv[1]["nmi_modality"]["mean"] or 0)
    ):
        lines.append(f"| {method} | {row['runs']} | " + " | ".join(fmt(row[m]) for m in METRICS) + " |")
    if report["sweep"]:
        lines += [
            "",
            "## Constraint-count sweep (constrained DEC, paper 000 Figure 6)",
            "",
            "| constraints | used | seed | nmi_modality | nmi_region |",
            "|---|---|---|---|---|",
        ]
        for p in report["sweep"]:
            lines.append(
                f"| {p['constraints']} | {p['used']} | {p['seed']} | {p['nmi_modality']:.3f} | "
                f"{p['nmi_region']:.3f} |"
            )
    if report["skipped"]:
        lines += ["", "## Skipped", ""] + [f"- {k}: {v}" for k, v in sorted(report["skipped"].items())]
    return "\n".join(lines) + "\n"
