"""Read-ahead of header reads: same bytes in the same order, bounded files and bytes in flight."""

from __future__ import annotations

import threading
import time

from pacslabel.ingest import readahead
from pacslabel.ingest.pixels import read_head
from pacslabel.ingest.readahead import ReadAhead


def _files(tmp_path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        p = tmp_path / f"f{i}"
        p.write_bytes(bytes([i % 256]) * (100 + 37 * i))
        paths.append(str(p))
    return paths


def test_heads_come_in_order_with_the_bytes_of_a_direct_read(tmp_path):
    paths = _files(tmp_path, 20)
    sizes = [100 + 37 * i for i in range(20)]
    wanted = [i % 3 != 1 for i in range(20)]
    ra = ReadAhead(max_files=4, max_bytes=10**9, limit=500)
    try:
        heads = list(ra.heads(paths, sizes, wanted))
    finally:
        ra.close()
    assert len(heads) == 20
    for path, want, head in zip(paths, wanted, heads, strict=True):
        assert head == (read_head(path, 500) if want else None)
    assert all(len(h) <= 500 for h in heads if h is not None)


def test_off_missing_and_unreadable_files_give_none(tmp_path):
    paths = [*_files(tmp_path, 2), str(tmp_path / "gone")]
    off = ReadAhead(max_files=0, max_bytes=10**9, limit=10**6)
    assert list(off.heads(paths, [100, 137, 50], [True] * 3)) == [None] * 3
    on = ReadAhead(max_files=2, max_bytes=10**9, limit=10**6)
    try:
        heads = list(on.heads(paths, [100, 137, 50], [True] * 3))
    finally:
        on.close()
    assert heads[0] == read_head(paths[0]) and heads[2] is None


def _counting_reads(monkeypatch) -> list[str]:
    started: list[str] = []
    lock = threading.Lock()

    def fake(path, limit):
        with lock:
            started.append(path)
        return b"x"

    monkeypatch.setattr(readahead, "read_head", fake)
    return started


def test_files_in_flight_never_exceed_max_files(monkeypatch):
    started = _counting_reads(monkeypatch)
    paths = [f"p{i}" for i in range(12)]
    ra = ReadAhead(max_files=3, max_bytes=10**9, limit=100)
    try:
        it = ra.heads(paths, [50] * 12, [True] * 12)
        for k in range(12):
            next(it)
            time.sleep(0.02)  # every submitted read has had time to start
            assert len(started) <= min(k + 3, 12), (k, len(started))
        assert len(started) == 12
    finally:
        ra.close()


def test_bytes_in_flight_bounded_but_one_large_file_always_read(monkeypatch):
    started = _counting_reads(monkeypatch)
    paths = [f"p{i}" for i in range(6)]
    ra = ReadAhead(max_files=8, max_bytes=120, limit=10**6)
    try:
        it = ra.heads(paths, [50, 50, 50, 500, 50, 50], [True] * 6)
        next(it)  # p0 yielded, p1 in flight: p0 + p1 = 100 <= 120, adding p2 would exceed it
        time.sleep(0.05)
        assert sorted(started) == ["p0", "p1"]
        assert len(list(it)) == 5 and sorted(started) == paths  # p3 alone exceeds the budget: read anyway
    finally:
        ra.close()
