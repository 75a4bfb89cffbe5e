"""The shape every job shares: parse config, set up logging and Ray, call one function, write a summary.

A job module under ``jobs/`` is one call: ``run_job(verb, ConfigClass, function, argv)``. The config
class may carry ``run_root`` (the resolved config and the summary are written under
``<run_root>/_jobs/<verb>/``) and ``ray`` (a :class:`~pacslabel.runtime.RayConfig`; Ray is started
before the function runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pacslabel
from pacslabel.config import ConfigError, dump_config, load_config
from pacslabel.logs import setup_logging
from pacslabel.runroot import JOBS, RunRoot
from pacslabel.runtime import init_ray

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
# Config keys that name files or directories outside the code (the dump, the run root, tables).
PATH_KEYS = frozenset({"input", "run_root", "reports", "truth", "truth_path", "storage_path", "out"})
# Set by the Ray job supervisor for the driver of a submitted job: the job's runtime env and metadata.
RAY_JOB_CONFIG_VARIABLE = "RAY_JOB_CONFIG_JSON_ENV_VAR"


def default_config_path(verb: str) -> Path | None:
    """``configs/<verb>.yaml`` in the working directory, else in the source checkout, else None."""
    for base in (Path.cwd(), REPO_ROOT):
        candidate = base / "configs" / f"{verb}.yaml"
        if candidate.is_file():
            return candidate
    return None


def submitted_working_dir() -> str | None:
    """The ``working_dir`` of the Ray job this process drives (``ray job submit --working-dir``), else None.

    A submitted job's driver and every worker run in their own node's unpacked copy of that directory.
    """
    raw = os.environ.get(RAY_JOB_CONFIG_VARIABLE)
    if not raw:
        return None
    try:
        runtime_env = json.loads(raw).get("runtime_env") or {}
    except (ValueError, AttributeError):
        return None
    return runtime_env.get("working_dir") or None


def relative_paths(cfg: Any, prefix: str = "") -> list[str]:
    """Dotted keys of ``PATH_KEYS`` fields (nested config sections included) that hold a relative path."""
    found = []
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            found += relative_paths(value, f"{prefix}{f.name}.")
        elif (
            f.name in PATH_KEYS
            and isinstance(value, str)
            and value
            and "://" not in value
            and not os.path.isabs(os.path.expanduser(value))
        ):
            found.append(f"{prefix}{f.name}={value}")
    return found


def check_paths_for_submitted_job(cfg: Any) -> None:
    """A relative data path in a submitted job would resolve inside the job's copy of its working_dir: a
    temporary directory, different on every node and deleted with the job. Fail at once instead."""
    working_dir = submitted_working_dir()
    if working_dir is None or not dataclasses.is_dataclass(cfg):
        return
    relative = relative_paths(cfg)
    if relative:
        raise ConfigError(
            f"{', '.join(relative)}: relative, but this job runs in a copy of its working_dir "
            f"({working_dir}) on every node; give absolute paths on storage that every node sees"
        )


def parse_args(verb: str, argv: list[str] | None) -> tuple[list[Path], list[str], str]:
    parser = argparse.ArgumentParser(
        prog=f"pacslabel {verb}", description=f"Run the {verb} job. Overrides are key=value (dotted)."
    )
    parser.add_argument(
        "--config",
        type=Path,
        action="append",
        help="YAML config (default configs/<verb>.yaml); repeat it to layer files, later keys win",
    )
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("overrides", nargs="*", help="key=value overrides, e.g. run_root=/data/run")
    args = parser.parse_intermixed_args(argv)
    default = default_config_path(verb)
    configs = args.config or ([] if default is None else [default])
    return configs, args.overrides, args.log_level


def run_job(
    verb: str, config_cls: type, function: Callable[[Any], dict], argv: list[str] | None = None
) -> dict:
    """Run one job and return its summary; config errors exit with status 2 and a one-line message."""
    config_paths, overrides, level = parse_args(verb, argv)
    setup_logging(level)

    log.info("pacslabel %s from %s", pacslabel.__version__, Path(pacslabel.__file__).parent)
    try:
        cfg = load_config(config_cls, config_paths, overrides)
        check_paths_for_submitted_job(cfg)
    except ConfigError as exc:
        print(f"pacslabel {verb}: config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    if getattr(cfg, "ray", None) is not None:
        init_ray(cfg.ray)
    run_root = None
    if getattr(cfg, "run_root", None):
        run_root = RunRoot(cfg.run_root)
        run_root.write_text(dump_config(cfg), JOBS, verb, "config.yaml")
    started = time.time()
    try:
        summary = function(cfg)
    except ConfigError as exc:  # a value only the job itself can check (e.g. an output that exists)
        print(f"pacslabel {verb}: config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    summary = {"job": verb, "seconds": round(time.time() - started, 3), **(summary or {})}
    if run_root is not None:
        run_root.write_json(summary, JOBS, verb, "summary.json")
    print(json.dumps(summary, indent=2, sort_keys=True, default=str))
    return summary
