"""Logging set-up for jobs (the library itself only logs, never prints)."""

from __future__ import annotations

import logging
import sys


def setup_logging(level: str = "INFO") -> None:
    """One stderr handler with timestamps; noisy third-party loggers are kept at WARNING."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    for noisy in ("pydicom", "gensim", "smart_open", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
