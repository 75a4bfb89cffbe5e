"""Anatomical region reconstruction from BodyPartExamined and the free-text description tags.

The rules are data (``regions.yaml`` next to this module, or any file with the same layout): fields
visited in a fixed order (descriptions before BodyPartExamined), exact remaps of BodyPartExamined (the
PS3.16 defined terms of ``bodypart_terms.yaml`` first, the file's own remaps over them), ordered
multilingual regular expressions with first-match semantics (no rule decides where two description
fields name different regions), then (modality, region) special cases.
Output regions are :data:`pacslabel.vocab.REGIONS` or missing. See the header of ``regions.yaml`` for
the evaluation order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pacslabel.tags.bodypart_terms import body_part_terms
from pacslabel.vocab import REGIONS, code_value

DEFAULT_RULES = Path(__file__).with_name("regions.yaml")
_REGION_SET = frozenset(REGIONS)
_SEPARATORS = re.compile(r"[_\-^./\\,;:()\[\]+*|#\"'=<>&]+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_EXTRA_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i"})


def normalise_text(value: object) -> str:
    """Case-folded ASCII with separators turned into single spaces ("RTG Pluća_PA" -> "rtg pluca pa")."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKD", str(value).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_EXTRA_LETTERS)
    return " ".join(_SEPARATORS.sub(" ", text).split())


def bpe_key(value: object) -> str:
    """BodyPartExamined lookup key: upper-case letters and digits only ("t-spine" -> "TSPINE")."""
    return _NOT_ALNUM.sub("", normalise_text(value).upper())


@dataclass(frozen=True)
class Rule:
    """One ordered pattern rule; ``from_`` lists regions it may refine besides an open value."""

    id: str
    region: str
    lang: str
    pattern: re.Pattern
    modalities: frozenset[str] | None = None
    fields: frozenset[str] | None = None
    from_: frozenset[str] = frozenset()


class RegionRules:
    """The parsed rules file: ``fields`` (search order), ``remaps``, ordered ``rules``, ``special``;
    ``multi`` holds the parts of the multi-region BodyPartExamined values (by remap key)."""

    def __init__(
        self,
        version: int,
        fields: list[str],
        remaps: dict[str, str],
        rules: list[Rule],
        special: dict[tuple[str, str], str],
        multi: dict[str, frozenset[str]] | None = None,
    ):
        self.version = version
        self.fields = fields
        self.remaps = remaps
        self.rules = rules
        self.special = special
        self.multi = multi or {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> RegionRules:
        """Parse and check a rules file (default: the packaged ``regions.yaml``)."""
        path = Path(path) if path else DEFAULT_RULES
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fields = list(data["fields"])
        remaps: dict[str, str] = {}
        for target, values in (data.get("remaps") or {}).items():
            for value in values:
                key = bpe_key(value)
                if key in remaps and remaps[key] != target:
                    raise ValueError(f"{path}: remap value {value!r} maps to both {remaps[key]} and {target}")
                remaps[key] = str(target)
        multi: dict[str, frozenset[str]] = {}
        if data.get("standard_terms", True):
            for term in body_part_terms().values():
                key = bpe_key(term.term)
                if key in remaps or term.region is None:
                    continue
                remaps[key] = term.region
                if term.parts:
                    multi[key] = frozenset(term.parts)
        rules: list[Rule] = []
        seen: set[str] = set()
        for raw in data.get("rules") or []:
            rid = str(raw["id"])
            if rid in seen:
                raise ValueError(f"{path}: duplicate rule id {rid!r}")
            seen.add(rid)
            region = str(raw["region"])
            if region not in _REGION_SET:
                raise ValueError(f"{path}: rule {rid!r} targets {region!r}, not one of {REGIONS}")
            rule_fields = raw.get("fields")
            if rule_fields and not set(rule_fields) <= set(fields):
                raise ValueError(f"{path}: rule {rid!r} names fields outside {fields}")
            rules.append(
                Rule(
                    id=rid,
                    region=region,
                    lang=str(raw.get("lang", "")),
                    pattern=re.compile(str(raw["pattern"])),
                    modalities=frozenset(raw["modalities"]) if raw.get("modalities") else None,
                    fields=frozenset(rule_fields) if rule_fields else None,
                    from_=frozenset(raw.get("from") or ()),
                )
            )
        special = {}
        for raw in data.get("special") or []:
            if raw["to"] not in _REGION_SET:
                raise ValueError(f"{path}: special case targets {raw['to']!r}, not a region")
            special[(str(raw["modality"]).upper(), str(raw["region"]))] = str(raw["to"])
        return cls(int(data.get("version", 0)), fields, remaps, rules, special, multi)

    def table(self) -> pd.DataFrame:
        """One row per rule (order, id, region, lang, pattern), for the report."""
        return pd.DataFrame(
            [
                {"order": i, "id": r.id, "region": r.region, "lang": r.lang, "pattern": r.pattern.pattern}
                for i, r in enumerate(self.rules)
            ]
        )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


Override = tuple[str, str, str]
"""(modality, rule id, matched term): a reading of a rule that one archive's BodyPartExamined overrules."""


class RegionReconstructor:
    """Callable ``df -> (region, rule_id)``; caches rule matches per distinct field value, so it is
    cheap on archives where descriptions repeat (load it once per worker). A rule match listed in
    ``overrides`` (modality, rule id, matched term) is ignored, as if the rule had not matched."""

    def __init__(self, rules: RegionRules | str | Path | None = None, overrides: Iterable[Override] = ()):
        self.rules = rules if isinstance(rules, RegionRules) else RegionRules.load(rules)
        self.overrides = frozenset(tuple(o) for o in overrides)
        self._matches: dict[tuple[str, str], tuple[tuple[int, tuple[str, ...]], ...]] = {}
        self._resolved: dict[tuple, tuple[str | None, ...]] = {}

    def _match(self, field: str, value: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """(rule index, the terms it matched, in text order) of every rule whose pattern matches, in
        file order."""
        key = (field, value)
        hit = self._matches.get(key)
        if hit is None:
            text = normalise_text(value)
            found = []
            for i, rule in enumerate(self.rules.rules):
                if rule.fields is None or field in rule.fields:
                    terms = tuple(m.group(0).strip() for m in rule.pattern.finditer(text))
                    if terms:
                        found.append((i, terms))
            hit = tuple(found)
            if len(self._matches) < 200_000:
                self._matches[key] = hit
        return hit

    def _rules_for(self, modality: str, field: str, value: str):
        """(rule, first term not overridden) of the matches that apply to ``modality``."""
        for i, terms in self._match(field, value):
            rule = self.rules.rules[i]
            if rule.modalities is not None and modality not in rule.modalities:
                continue
            term = next((t for t in terms if (modality, rule.id, t) not in self.overrides), None)
            if term is not None:
                yield rule, term

    def _first_rule(self, modality: str, field: str, value: str) -> Rule | None:
        return next((rule for rule, _ in self._rules_for(modality, field, value)), None)

    def _conflict(self, modality: str, values: dict[str, str | None]) -> bool:
        """Whether two description fields name different regions, neither refining the other."""
        named = [
            rule
            for field in self.rules.fields
            if field != "body_part_examined" and values.get(field)
            for rule in [self._first_rule(modality, field, values[field])]
            if rule is not None
        ]
        return any(
            a.region != b.region and a.region not in b.from_ and b.region not in a.from_
            for i, a in enumerate(named)
            for b in named[i + 1 :]
        )

    def resolve(
        self, modality: str | None, values: dict[str, str | None]
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """Region, rule id, the field that decided and the term its rule matched, for one instance
        (``values``: field -> raw text or None). A multi-region BodyPartExamined is read as its default
        region unless a later field names another of its parts. Descriptions that contradict each
        other leave the decision to BodyPartExamined alone."""
        modality = code_value(modality)
        current: str | None = None
        rule_id: str | None = None
        decided_by: str | None = None
        term: str | None = None
        parts: frozenset[str] = frozenset()
        done = False
        conflict = self._conflict(modality, values)
        for field in self.rules.fields:
            value = values.get(field)
            if not value:
                continue
            bpe = field == "body_part_examined"
            if conflict and not bpe:
                continue
            if bpe and current not in _REGION_SET:
                key = bpe_key(value)
                target = self.rules.remaps.get(key)
                if target is not None:
                    current, rule_id, decided_by = target, f"remap:{key}", field
                    parts = self.rules.multi.get(key, frozenset())
            for rule, matched in self._rules_for(modality, field, value):
                if (
                    current is None
                    or current not in _REGION_SET
                    or current in rule.from_
                    or (not bpe and rule.region in parts)
                ):
                    current, rule_id, decided_by, term = rule.region, rule.id, field, matched
                    done = True
                    break
            if done:
                break
        if current not in _REGION_SET:
            return None, None, None, None
        special = self.rules.special.get((modality, current))
        if special is not None:
            current, rule_id = special, f"{rule_id}>special:{modality}"
        return current, rule_id, decided_by, term

    def explain(self, df: pd.DataFrame, hide: Iterable[str] = ()) -> pd.DataFrame:
        """Per row: ``region``, ``rule_id``, ``source`` ("bpe" when BodyPartExamined decided, "rules"
        when a description did, None when open) and ``term`` (what the deciding rule matched). Fields in
        ``hide`` count as missing."""
        fields = self.rules.fields
        hidden = set(hide)
        n = len(df)
        columns = [
            [None] * n if name in hidden else self._column(df, name, n) for name in ["modality", *fields]
        ]
        rows = []
        for row in zip(*columns, strict=True):
            hit = self._resolved.get(row)
            if hit is None:
                hit = self.resolve(row[0], dict(zip(fields, row[1:], strict=True)))
                if len(self._resolved) < 200_000:
                    self._resolved[row] = hit
            rows.append(hit)
        out = pd.DataFrame(
            rows, index=df.index, columns=["region", "rule_id", "source", "term"], dtype=object
        )
        out["source"] = (
            out["source"]
            .map(lambda f: None if f is None else ("bpe" if f == "body_part_examined" else "rules"))
            .astype(object)
        )
        return out

    def __call__(self, df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        out = self.explain(df)
        return out["region"].rename("region"), out["rule_id"].rename("rule_id")

    @staticmethod
    def _column(df: pd.DataFrame, name: str, n: int) -> list[str | None]:
        if name not in df.columns:
            return [None] * n
        return [_clean(v) for v in df[name].tolist()]


def reconstruct_region(
    df: pd.DataFrame, rules: RegionRules | str | Path | None = None
) -> tuple[pd.Series, pd.Series]:
    """Reconstructed region (REGIONS or None) and the id of the rule that decided it, per row.

    ``df`` needs ``modality`` and any of the rule fields (body_part_examined, study_description,
    requested_procedure_description, protocol_name, series_description); absent columns count as missing.
    """
    return RegionReconstructor(rules)(df)


def region_accuracy(
    modality: Iterable, predicted: Iterable, truth: Iterable, by: str = "modality"
) -> pd.DataFrame:
    """Coverage and accuracy per modality, plus an ``ALL`` row.

    Rows whose truth is missing are left out. ``coverage`` = predicted / n; ``accuracy`` = correct /
    predicted (precision of the rules where they fire); ``accuracy_all`` = correct / n.
    """
    frame = pd.DataFrame(
        {by: list(modality), "predicted": list(predicted), "truth": list(truth)}, dtype=object
    )
    frame = frame[frame["truth"].map(_clean).notna()].copy()
    frame["covered"] = frame["predicted"].map(_clean).notna()
    frame["correct"] = frame["covered"] & (frame["predicted"] == frame["truth"])
    frame[by] = frame[by].map(lambda m: _clean(m) or "(none)")

    def summarise(part: pd.DataFrame) -> dict:
        n = len(part)
        covered = int(part["covered"].sum())
        correct = int(part["correct"].sum())
        return {
            "n": n,
            "covered": covered,
            "correct": correct,
            "coverage": covered / n if n else float("nan"),
            "accuracy": correct / covered if covered else float("nan"),
            "accuracy_all": correct / n if n else float("nan"),
        }

    rows = [{by: key, **summarise(part)} for key, part in frame.groupby(by, sort=True)]
    rows.append({by: "ALL", **summarise(frame)})
    return pd.DataFrame(rows)


def rule_hit_counts(rule_ids: pd.Series) -> pd.DataFrame:
    """Rows per rule id (missing = ``(no rule)``), most frequent first."""
    counts = rule_ids.map(lambda r: _clean(r) or "(no rule)").value_counts()
    return counts.rename_axis("rule_id").reset_index(name="rows")
