"""Salted hashing of the keys that must still link records (patients, studies, reports)."""

from __future__ import annotations

import hashlib
import hmac


def hash_key(value: str | None, salt: bytes) -> str | None:
    """HMAC-SHA256 of a stripped identifier, hex, 32 characters; None and blank values stay None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return hmac.new(salt, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
