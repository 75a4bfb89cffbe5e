"""Fitted objects of the tags stage, saved as one pickle tagged with the class's format version."""

from __future__ import annotations

import pickle


class Pickled:
    """``to_bytes`` / ``from_bytes`` of a fitted object; a class raises ``FORMAT_VERSION`` when its
    saved form changes, and older files are then refused rather than misread."""

    FORMAT_VERSION = 1

    def to_bytes(self) -> bytes:
        return pickle.dumps({"format": self.FORMAT_VERSION, "object": self}, protocol=5)

    @classmethod
    def from_bytes(cls, data: bytes):
        payload = pickle.loads(data)
        if not isinstance(payload, dict) or payload.get("format") != cls.FORMAT_VERSION:
            raise ValueError(
                f"not a {cls.__name__} of format {cls.FORMAT_VERSION} (one saved by another version is "
                "refused: run the tags stage again to refit it)"
            )
        if not isinstance(payload.get("object"), cls):
            raise ValueError(f"payload does not hold a {cls.__name__}")
        return payload["object"]
