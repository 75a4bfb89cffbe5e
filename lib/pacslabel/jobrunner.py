"""The shape every job shares: parse config, set up logging and Ray, call one function, write a summary.

A job module under ``jobs/`` is one call: ``run_job(verb, ConfigClass, function, argv)``. The config
class may carry ``run_root`` (the resolved config and the summary are written under
``<run_root>/_jobs/<verb>/``) and ``ray`` (a :class:`~pacslabel.runtime.RayConfig`; Ray is started
before the function runs).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pacslabel.config import ConfigError, dump_config, load_config
from pacslabel.logs import setup_logging

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_config_path(verb: str) -> Path | None:
    """``configs/<verb>.yaml`` in the working directory, else in the source checkout, else None."""
    for base in (Path.cwd(), REPO_ROOT):
        candidate = base / "configs" / f"{verb}.yaml"
        if candidate.is_file():
            return candidate
    return None


def parse_args(verb: str, argv: list[str] | None) -> tuple[Path | None, list[str], str]:
    parser = argparse.ArgumentParser(
        prog=f"pacslabel {verb}", description=f"Run the {verb} job. Overrides are key=value (dotted)."
    )
    parser.add_argument("--config", type=Path, default=None, help="YAML config (default configs/<verb>.yaml)")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("overrides", nargs="*", help="key=value overrides, e.g. run_root=/data/run")
    args = parser.parse_args(argv)
    return args.config or default_config_path(verb), args.overrides, args.log_level


def run_job(
    verb: str, config_cls: type, function: Callable[[Any], dict], argv: list[str] | None = None
) -> dict:
    """Run one job and return its summary; config errors exit with status 2 and a one-line message."""
    config_path, overrides, level = parse_args(verb, argv)
    setup_logging(level)
    try:
        cfg = load_config(config_cls, config_path, overrides)
    except ConfigError as exc:
        print(f"pacslabel {verb}: config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    if getattr(cfg, "ray", None) is not None:
        from pacslabel.runtime import init_ray

        init_ray(cfg.ray)
    run_root = None
    if getattr(cfg, "run_root", None):
        from pacslabel.runroot import RunRoot

        run_root = RunRoot(cfg.run_root)
        run_root.write_text(dump_config(cfg), "_jobs", verb, "config.yaml")
    started = time.time()
    try:
        summary = function(cfg)
    except ConfigError as exc:  # a value only the job itself can check (e.g. an output that exists)
        print(f"pacslabel {verb}: config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    summary = {"job": verb, "seconds": round(time.time() - started, 3), **(summary or {})}
    if run_root is not None:
        run_root.write_json(summary, "_jobs", verb, "summary.json")
    print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    return summary
