"""Fault injection for testing decode isolation (``decode.fault_hook``); never used in production.

Each hook looks at the file name: ``abort_on_marker`` calls ``os.abort()`` (like a segfaulting codec)
when the name contains ``CRASHME``; ``hang_on_marker`` sleeps for an hour when it contains ``HANGME``;
``faults_on_markers`` does both.
"""

from __future__ import annotations

import os
import time


def abort_on_marker(path: str) -> None:
    if "CRASHME" in os.path.basename(path):
        os.abort()


def hang_on_marker(path: str) -> None:
    if "HANGME" in os.path.basename(path):
        time.sleep(3600)


def faults_on_markers(path: str) -> None:
    abort_on_marker(path)
    hang_on_marker(path)
