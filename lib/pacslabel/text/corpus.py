"""Restartable streams of cleaned reports read from a Parquet token table, batch by batch.

gensim walks its corpus once for the vocabulary and once per epoch; :class:`ParquetCorpus` re-reads
the token table on every pass, so the driver never holds more than one Parquet batch of reports as
Python strings. Files and row groups are read in a fixed order, so document tags (the running index
of kept rows) are the same on every pass.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import pyarrow.fs as pafs
import pyarrow.parquet as pq

from pacslabel.runroot import ACCESSION_KEY
from pacslabel.storage import from_uri


def parquet_files(uri: str) -> tuple[pafs.FileSystem, list[str]]:
    """The filesystem and the sorted ``.parquet`` files under ``uri`` (a directory or one file)."""
    fs, base = from_uri(uri)
    info = fs.get_file_info(base)
    if info.type == pafs.FileType.File:
        return fs, [base]
    if info.type == pafs.FileType.NotFound:
        raise FileNotFoundError(uri)
    found = fs.get_file_info(pafs.FileSelector(base, recursive=True))
    files = sorted(f.path for f in found if f.type == pafs.FileType.File and f.path.endswith(".parquet"))
    return fs, files


def in_fraction(key: str, fraction: float) -> bool:
    """Stable pseudo-random membership of ``key`` in a ``fraction`` of keys (same on every machine)."""
    if fraction >= 1.0:
        return True
    return zlib.crc32(key.encode()) % 1_000_000 < fraction * 1_000_000


class ParquetCorpus:
    """Iterate the kept rows of a token table as token lists or ``TaggedDocument(words, [i])``.

    ``fraction`` < 1 keeps a stable subset of accession keys (a training sample); ``limit`` > 0 stops
    after that many documents.
    """

    def __init__(
        self,
        uri: str,
        tagged: bool = True,
        fraction: float = 1.0,
        limit: int = 0,
        batch_size: int = 8192,
        with_keys: bool = False,
    ):
        self.uri = uri
        self.tagged = tagged
        self.fraction = fraction
        self.limit = limit
        self.batch_size = batch_size
        self.with_keys = with_keys

    def __iter__(self) -> Iterator:
        from gensim.models.doc2vec import TaggedDocument

        fs, files = parquet_files(self.uri)
        i = 0
        for path in files:
            with fs.open_input_file(path) as f:
                pf = pq.ParquetFile(f)
                for batch in pf.iter_batches(
                    batch_size=self.batch_size, columns=[ACCESSION_KEY, "tokens", "excluded"]
                ):
                    keys = batch.column(0).to_pylist()
                    toks = batch.column(1).to_pylist()
                    excluded = batch.column(2).to_pylist()
                    for key, words, reason in zip(keys, toks, excluded, strict=True):
                        if reason is not None or not in_fraction(key or "", self.fraction):
                            continue
                        if self.with_keys:
                            yield key, words
                        elif self.tagged:
                            yield TaggedDocument(words, [i])
                        else:
                            yield words
                        i += 1
                        if self.limit and i >= self.limit:
                            return

    def __len__(self) -> int:
        return sum(1 for _ in ParquetCorpus(self.uri, False, self.fraction, self.limit, self.batch_size))


class TaggedList:
    """A restartable tagged view of an in-memory list of token lists (for small corpora and tests)."""

    def __init__(self, docs):
        self.docs = docs

    def __iter__(self):
        from gensim.models.doc2vec import TaggedDocument

        for i, d in enumerate(self.docs):
            yield d if isinstance(d, TaggedDocument) else TaggedDocument(list(d), [i])

    def __len__(self) -> int:
        return len(self.docs)
