"""Read-ahead: the header reads of a batch's next files run on a few threads while one file is parsed.

A PACS dump is read cold (from disk or network storage), where one read at a time leaves the device
mostly idle: a handful of reads in flight overlap the waits with the parsing of the current file.
Reads release the GIL, so threads suffice. Memory is bounded by ``max_files`` heads in flight and by
``max_bytes`` (one file is always allowed).
"""

from __future__ import annotations

import collections
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from pacslabel.ingest.pixels import read_head


class ReadAhead:
    """Yields, in order, the head of each file (``read(path, limit)``, by default a local read) or
    ``None`` when it was not read ahead (``wanted`` false, a read error, or read-ahead off): the caller
    then reads it itself."""

    def __init__(self, max_files: int, max_bytes: int, limit: int, read=None):
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.limit = limit
        self.read = read
        self._pool = ThreadPoolExecutor(max_files, thread_name_prefix="readahead") if max_files > 0 else None

    def heads(
        self, paths: Sequence[str], sizes: Sequence[int], wanted: Sequence[bool]
    ) -> Iterator[bytes | None]:
        if self._pool is None:
            yield from (None for _ in paths)
            return
        pending: collections.deque[tuple[Future | None, int]] = collections.deque()
        in_flight = 0
        nxt = 0
        for _ in paths:
            while nxt < len(paths) and len(pending) < self.max_files:
                cost = min(max(sizes[nxt], 0), self.limit) if wanted[nxt] else 0
                if pending and in_flight + cost > self.max_bytes:
                    break
                future = self._submit(paths[nxt]) if wanted[nxt] else None
                pending.append((future, cost))
                in_flight += cost
                nxt += 1
            future, cost = pending.popleft()
            in_flight -= cost
            yield _result(future)

    def _submit(self, path: str) -> Future:
        assert self._pool is not None
        return self._pool.submit(self.read or read_head, path, self.limit)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _result(future: Future | None) -> bytes | None:
    if future is None:
        return None
    try:
        return future.result()
    except OSError:  # read again by the caller, whose error handling records the reason
        return None
