"""The instance frame: one compact row per labelled instance, built by streaming the run-root tables.

Per instance the frame holds small integer codes only (label, split, modality, regions, study and series
description, accession, truth), so its size is a few tens of bytes per instance plus the uid index;
every wide table is streamed batch by batch and joined to the labels through that index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pacslabel.evaluate.tables import iter_batches, read_parquet_file, table_exists
from pacslabel.runroot import ACCESSION_KEY, LABELS, TAGS, UID, RunRoot
from pacslabel.runroot import REGIONS as REGIONS_TABLE
from pacslabel.vocab import REGIONS, code_value

log = logging.getLogger(__name__)


class Codebook:
    """Strings to dense int32 codes (-1 = missing), with an optional normaliser applied per value."""

    def __init__(self, normalise: Callable[[str], str | None] | None = None):
        self.values: list[str] = []
        self._index: dict[str, int] = {}
        self._normalise = normalise
        self._pd_index: pd.Index | None = None

    def __len__(self) -> int:
        return len(self.values)

    def _code(self, value: str | None) -> int:
        if value is None:
            return -1
        if self._normalise is not None:
            value = self._normalise(value)
            if value is None:
                return -1
        code = self._index.get(value)
        if code is None:
            code = len(self.values)
            self._index[value] = code
            self.values.append(value)
            self._pd_index = None
        return code

    def encode(self, arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Codes of a string column; the normaliser runs once per distinct value of the batch."""
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if len(arr) == 0:
            return np.zeros(0, dtype=np.int32)
        if not pa.types.is_dictionary(arr.type):
            if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
                arr = pc.cast(arr, pa.string())
            arr = arr.dictionary_encode()
        lut = np.array([self._code(v) for v in arr.dictionary.to_pylist()] + [-1], dtype=np.int32)
        idx = pc.fill_null(arr.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        return lut[idx]

    def lookup(self, values: np.ndarray) -> np.ndarray:
        """Codes of existing values (no new codes); -1 for unseen ones."""
        if self._pd_index is None:
            self._pd_index = pd.Index(np.asarray(self.values, dtype=object))
        return self._pd_index.get_indexer(values).astype(np.int64)


def _clean(value: str) -> str | None:
    value = value.strip()
    return value or None


def _upper(value: str) -> str | None:
    return code_value(value) or None


def _region_from_bpe(value: str) -> str | None:
    value = code_value(value)
    return value if value in REGIONS else None


NON_WORD = re.compile(r"[\W\d_]+")


def series_words(value: str) -> str | None:
    """The first two words of a SeriesDescription, lower-cased, without digits or punctuation."""
    return " ".join(NON_WORD.sub(" ", value.lower()).split()[:2]) or None


@dataclass
class InstanceFrame:
    """Codes per labelled instance (position = row of ``uids``)."""

    uids: pd.Index
    label: np.ndarray  # int64 raw cluster label
    distance: np.ndarray  # float32, NaN when absent
    methods: dict[str, int]
    run_ids: dict[str, int]
    n_duplicate_labels: int
    codes: dict[str, np.ndarray] = field(default_factory=dict)  # name -> int32 codes, -1 missing
    books: dict[str, Codebook] = field(default_factory=dict)
    region_source: str = "none"  # regions/ | body_part_examined | none

    @property
    def n(self) -> int:
        return len(self.uids)

    def positions(self, keys: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Frame rows of a batch of sop_instance_uids (-1 where not labelled)."""
        values = keys.to_numpy(zero_copy_only=False)
        return self.uids.get_indexer(values).astype(np.int64)

    def has(self, name: str) -> bool:
        return name in self.codes and bool((self.codes[name] >= 0).any())

    def attach(self, name: str, book: Codebook) -> None:
        self.codes[name] = np.full(self.n, -1, dtype=np.int32)
        self.books[name] = book

    def fill(self, name: str, pos: np.ndarray, arr: pa.Array) -> None:
        codes = self.books[name].encode(arr)
        ok = pos >= 0
        self.codes[name][pos[ok]] = codes[ok]

    def decoded(self, name: str) -> np.ndarray:
        """Object array of strings (None where missing), for small samples and tests."""
        book = self.books[name]
        lut = np.array([*book.values, None], dtype=object)
        return lut[self.codes[name]]


def _count_into(counts: dict[str, int], arr: pa.Array) -> None:
    vc = pc.value_counts(arr)
    for item in vc.to_pylist():
        key = "" if item["values"] is None else str(item["values"])
        counts[key] = counts.get(key, 0) + int(item["counts"])


def read_labels(root: RunRoot, batch_rows: int) -> InstanceFrame:
    """labels/ as a frame; its ``split`` column, when present, becomes the ``split`` codes."""
    uid_chunks, label_chunks, dist_chunks, split_chunks = [], [], [], []
    methods: dict[str, int] = {}
    run_ids: dict[str, int] = {}
    splits = Codebook(_clean)
    has_split = False
    columns = [UID, "label", "distance", "method", "run_id", "split"]
    for batch in iter_batches(root, LABELS, columns, batch_rows):
        names = batch.schema.names
        if "split" in names:
            has_split = True
            split_chunks.append(splits.encode(batch.column("split")))
        else:
            split_chunks.append(np.full(batch.num_rows, -1, dtype=np.int32))
        uid_chunks.append(batch.column(UID).to_numpy(zero_copy_only=False))
        label_chunks.append(pc.fill_null(batch.column("label"), -1).to_numpy(zero_copy_only=False))
        if "distance" in names:
            d = batch.column("distance").to_numpy(zero_copy_only=False).astype(np.float32)
        else:
            d = np.full(batch.num_rows, np.nan, dtype=np.float32)
        dist_chunks.append(d)
        if "method" in names:
            _count_into(methods, batch.column("method"))
        if "run_id" in names:
            _count_into(run_ids, batch.column("run_id"))
    if not uid_chunks:
        raise ValueError("labels/ is empty: nothing to evaluate")
    uids = np.concatenate(uid_chunks)
    label = np.concatenate(label_chunks).astype(np.int64)
    distance = np.concatenate(dist_chunks)
    split = np.concatenate(split_chunks)
    index = pd.Index(uids)
    n_dup = 0
    if not index.is_unique:
        keep = ~index.duplicated(keep="first")
        n_dup = int((~keep).sum())
        log.warning("labels/ has %d duplicate instance rows; the first row of each is used", n_dup)
        index, label, distance, split = index[keep], label[keep], distance[keep], split[keep]
    frame = InstanceFrame(index, label, distance, methods, run_ids, n_dup)
    if has_split:
        frame.codes["split"], frame.books["split"] = split, splits
    return frame


def build_frame(root: RunRoot, truth: str = "", regions_table: str = REGIONS_TABLE, batch_rows: int = 65_536):
    """Labels joined (through the uid index) to tags, reconstructed regions and the optional truth."""
    frame = read_labels(root, batch_rows)
    for name, norm in (
        ("modality", _upper),
        ("bpe_region", _region_from_bpe),
        ("study_description", _clean),
        ("series_words", series_words),
        (ACCESSION_KEY, _clean),
    ):
        frame.attach(name, Codebook(norm))
    if table_exists(root, TAGS):
        tag_columns = (
            ("modality", "modality"),
            ("body_part_examined", "bpe_region"),
            ("study_description", "study_description"),
            ("series_description", "series_words"),
            (ACCESSION_KEY, ACCESSION_KEY),
        )
        cols = [UID, *(col for col, _ in tag_columns)]
        for batch in iter_batches(root, TAGS, cols, batch_rows):
            pos = frame.positions(batch.column(UID))
            names = batch.schema.names
            for col, name in tag_columns:
                if col in names:
                    frame.fill(name, pos, batch.column(col))
    else:
        log.warning("tags/ is missing: modality and region metrics against tags are skipped")

    frame.attach("region", Codebook(_upper))
    if regions_table and table_exists(root, regions_table):
        for batch in iter_batches(root, regions_table, [UID, "region"], batch_rows):
            if "region" in batch.schema.names:
                frame.fill("region", frame.positions(batch.column(UID)), batch.column("region"))
        frame.region_source = "regions/"
    elif frame.has("bpe_region"):
        frame.codes["region"] = frame.codes["bpe_region"].copy()
        frame.books["region"] = frame.books["bpe_region"]
        frame.region_source = "body_part_examined"

    if truth:
        frame.attach("truth_modality", Codebook(_upper))
        frame.attach("truth_region", Codebook(_upper))
        frame.attach("truth_appearance", Codebook(_clean))
        frame.attach("has_truth", Codebook())
        for batch in read_parquet_file(truth, [UID, "modality", "anatomical_region", "appearance"]):
            pos = frame.positions(batch.column(UID))
            frame.fill("has_truth", pos, pa.array(["y"] * batch.num_rows))
            frame.fill("truth_modality", pos, batch.column("modality"))
            frame.fill("truth_region", pos, batch.column("anatomical_region"))
            if "appearance" in batch.schema.names:
                frame.fill("truth_appearance", pos, batch.column("appearance"))
    return frame
