"""Decode isolation: one long-lived child process per ingest worker, with a per-file timeout.

A decoder that segfaults, aborts or hangs takes only its child with it: the parent sees EOF (child
died -> ``decoder_crash``) or no answer within ``timeout_s`` (child killed -> ``timeout``), records
the file as rejected and starts a fresh child for the next file. The child is a plain
``python -m pacslabel.ingest.decode`` subprocess speaking length-prefixed pickles over its stdin /
stdout (no ``multiprocessing``: safe inside Ray worker processes, which must not be forked).

The child reads each file itself, from the dump named by ``source`` (:class:`.source.Source`: a local
path, or a filesystem URI whose credentials the child finds in the environment it inherits).

Fault injection for tests: ``fault_hook="module:function"`` is imported in the child and called with
each path before decoding (see :mod:`pacslabel.ingest.faults`).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
from typing import Any, BinaryIO

from pacslabel.ingest.pixels import guarded, process_file
from pacslabel.ingest.source import Source

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<Q")
STARTUP_TIMEOUT_S = 300.0


def _write_msg(stream: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("decoder stream closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_msg(stream: BinaryIO) -> Any:
    (n,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, n))


def load_hook(spec: str):
    """``"module:function"`` -> the function (None for an empty spec)."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


class DecoderProcess:
    """Runs :func:`pacslabel.ingest.pixels.process_file` in a child process, one file at a time."""

    def __init__(
        self,
        export_cfg: Any,
        timeout_s: float,
        max_file_bytes: int | None = None,
        fault_hook: str = "",
        memory_gb: float = 0.0,
        source: str = "",
    ):
        self.export_cfg = export_cfg
        self.source = source
        self.timeout_s = float(timeout_s)
        self.max_file_bytes = max_file_bytes
        self.fault_hook = fault_hook
        self.memory_gb = memory_gb
        self.proc: subprocess.Popen | None = None
        self.restarts = 0

    def _start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pacslabel.ingest.decode"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
            close_fds=False,  # lets CPython use posix_spawn: no fork of the (multi-threaded) Ray worker
        )
        init = (self.export_cfg, self.max_file_bytes, self.fault_hook, self.memory_gb, self.source)
        _write_msg(self.proc.stdin, init)
        # start-up (imports) is not charged to the first file's timeout
        ready, _, _ = select.select([self.proc.stdout], [], [], STARTUP_TIMEOUT_S)
        if not ready or _read_msg(self.proc.stdout) != "ready":
            raise EOFError("decoder process did not start")

    def _kill(self) -> int | None:
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        try:
            code = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.restarts += 1
        return code

    def process(self, path: str) -> dict[str, Any]:
        """The child's result for ``path``, or a ``decoder_crash`` / ``timeout`` reject."""
        try:
            if self.proc is None or self.proc.poll() is not None:
                if self.proc is not None:
                    self._kill()
                self._start()
            assert self.proc is not None
            _write_msg(self.proc.stdin, path)
            ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout_s)
            if not ready:
                self._kill()
                return {
                    "ok": False,
                    "reason": "timeout",
                    "stage": "decode",
                    "message": f"no answer within {self.timeout_s:g} s; decoder process restarted",
                }
            result = _read_msg(self.proc.stdout)
            return result
        except (EOFError, BrokenPipeError, OSError, pickle.UnpicklingError) as exc:
            code = self._kill()
            return {
                "ok": False,
                "reason": "decoder_crash",
                "stage": "decode",
                "message": f"decoder process died (exit code {code}): {type(exc).__name__}",
            }

    def close(self) -> None:
        if self.proc is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except Exception:
                pass
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


def _hooked(hook, path: str, export_cfg: Any, max_file_bytes: int | None, source: Source) -> dict[str, Any]:
    if hook is not None:
        hook(path)
    return process_file(path, export_cfg, max_file_bytes, source.read_head)


def _child_main() -> None:
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    inp = os.fdopen(0, "rb", buffering=0)
    export_cfg, max_file_bytes, hook_spec, memory_gb, source_uri = _read_msg(inp)
    if memory_gb:
        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    hook = load_hook(hook_spec)
    source = Source(source_uri)
    _write_msg(out, "ready")
    while True:
        try:
            path = _read_msg(inp)
        except EOFError:
            return
        _write_msg(out, guarded(_hooked, hook, path, export_cfg, max_file_bytes, source))


if __name__ == "__main__":
    _child_main()
