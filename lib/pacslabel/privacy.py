"""Salted hashing of the keys that must still link records (patients, studies, reports), and configs
without the paths that outputs meant to leave the hospital must not carry."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any


def hash_key(value: str | None, salt: bytes) -> str | None:
    """HMAC-SHA256 of a stripped identifier, hex, 32 characters; None and blank values stay None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return hmac.new(salt, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# keys of configs and summaries that name files or folders (a PACS export often names folders after
# patients): never written to an output meant to leave the hospital
PATH_KEY = re.compile(r"^(input|run_root|reports|truth|path|paths)$|_(path|paths|dir|file|uri|root)$")


def without_paths(value: Any) -> Any:
    """``value`` with every mapping entry whose key names a file or folder (:data:`PATH_KEY`) left out."""
    if isinstance(value, dict):
        return {k: without_paths(v) for k, v in value.items() if not PATH_KEY.search(str(k))}
    if isinstance(value, list | tuple):
        return [without_paths(v) for v in value]
    return value
