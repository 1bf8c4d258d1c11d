"""Golden records: the best value per attribute, with every alternative and its provenance.

Declared survivorship rules rank the candidate values of an attribute: first the trust the
bureau gives each source for that attribute (household registration for a person's name and
birth date, market regulation for an enterprise's name and legal representative…), then
recency, then how many records agree. Nothing is dropped: losing values stay as alternatives.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.store.base import GoldenSource, RecordVersion

RULES_FILE = "survivorship.toml"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value of one attribute, as one record version gave it."""

    value: Any
    source: str
    record_id: str
    version: int
    at: str
    seq: int


@dataclass(frozen=True, slots=True)
class AttributeValues:
    """The chosen value of an attribute and the alternatives, best first."""

    best: Candidate
    alternatives: tuple[Candidate, ...]
    support: int  # records agreeing with the best value


@dataclass(slots=True)
class SurvivorshipRules:
    """Source trust per attribute (higher wins); ``*`` holds the default for every attribute."""

    trust: dict[str, dict[str, int]] = field(default_factory=dict)
    _memo: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    def trust_of(self, attribute: str, source: str) -> int:
        found = self._memo.get((attribute, source))
        if found is None:
            found = self._memo[(attribute, source)] = self._trust_of(attribute, source)
        return found

    def _trust_of(self, attribute: str, source: str) -> int:
        base = attribute.split(".", 1)[0]
        for key in (attribute, base, "*"):
            table = self.trust.get(key)
            if table is not None and source in table:
                return table[source]
        return 0

    @classmethod
    def load(cls, path: Path) -> SurvivorshipRules:
        """Read ``[trust."*"]`` / ``[trust.name]`` tables of ``source = weight``."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"trust"}
        if unknown:
            raise ValueError(f"{path}: unknown key {sorted(unknown)[0]!r}; allowed: trust")
        trust: dict[str, dict[str, int]] = {}
        for attribute, table in data.get("trust", {}).items():
            if not isinstance(table, dict) or not all(isinstance(v, int) for v in table.values()):
                raise ValueError(f"{path}: trust.{attribute} must map source names to integers")
            trust[attribute] = dict(table)
        return cls(trust)

    @classmethod
    def for_store(cls, directory: Path) -> SurvivorshipRules:
        path = directory / RULES_FILE
        return cls.load(path) if path.exists() else cls()


def _flat(values: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """A record's values as attributes: each identifier scheme is one (``identifiers.hk``)."""
    for name, value in values.items():
        if name == "identifiers" and isinstance(value, dict):
            for scheme, v in value.items():
                yield f"identifiers.{scheme}", v
        else:
            yield name, value


def _candidates(records: Iterable[RecordVersion]) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = {}
    for rv in records:
        for name, value in _flat(rv.values):
            out.setdefault(name, []).append(
                Candidate(
                    value, rv.key.source, rv.key.record_id, rv.version, rv.ingested_at, rv.seq
                )
            )
    return out


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) else repr(value)


def choose(
    attribute: str, candidates: list[Candidate], rules: SurvivorshipRules
) -> AttributeValues:
    """Rank one attribute's candidates: trust, then recency, then frequency, then source name."""
    if len(candidates) == 1:  # most attributes of most subjects
        return AttributeValues(candidates[0], (), 1)
    hashed = [_hashable(c.value) for c in candidates]
    freq = Counter(hashed)
    ranked = sorted(
        zip(candidates, hashed, strict=True),
        key=lambda ch: (
            -rules.trust_of(attribute, ch[0].source),
            -ch[0].seq,
            -freq[ch[1]],
            ch[0].source,
            ch[0].record_id,
        ),
    )
    best, best_hash = ranked[0]
    return AttributeValues(best, tuple(c for c, _ in ranked[1:]), freq[best_hash])


def golden_attributes(
    records: Iterable[RecordVersion], rules: SurvivorshipRules
) -> dict[str, AttributeValues]:
    """Every attribute of an entity with its best value and alternatives."""
    return {
        name: choose(name, cands, rules) for name, cands in sorted(_candidates(records).items())
    }


def golden_values(records: Iterable[RecordVersion], rules: SurvivorshipRules) -> dict[str, Any]:
    """Only the best values, ``identifiers`` folded back into one mapping: what
    :func:`golden_attributes` chooses, ranked in place of building every candidate and
    alternative (golden values are refreshed for every subject a run touches)."""
    return golden_with_sources(records, rules)[0]


def _fold(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(flat):
        if name.startswith("identifiers."):
            out.setdefault("identifiers", {})[name.split(".", 1)[1]] = flat[name]
        else:
            out[name] = flat[name]
    return out


def golden_with_sources(
    records: Iterable[RecordVersion], rules: SurvivorshipRules
) -> tuple[dict[str, Any], dict[str, GoldenSource]]:
    """:func:`golden_values`, and where each came from (what :func:`grow_golden` needs to
    take in later records without reading these again)."""
    found: dict[str, list[tuple[Any, str, str, int]]] = {}
    for rv in records:
        source, record_id, seq = rv.key.source, rv.key.record_id, rv.seq
        for name, value in _flat(rv.values):
            found.setdefault(name, []).append((value, source, record_id, seq))
    best: dict[str, Any] = {}
    sources: dict[str, GoldenSource] = {}
    for name, cands in found.items():
        if len(cands) == 1:
            value, source, _, seq = cands[0]
            best[name], sources[name] = value, (source, seq, False)
            continue
        freq = Counter(_hashable(c[0]) for c in cands)
        won = min(
            cands,
            key=lambda c: (-rules.trust_of(name, c[1]), -c[3], -freq[_hashable(c[0])], c[1], c[2]),
        )
        rank = (rules.trust_of(name, won[1]), won[3])
        value = _hashable(won[0])
        contested = any(
            c[3] == rank[1] and rules.trust_of(name, c[1]) == rank[0] and _hashable(c[0]) != value
            for c in cands
        )
        best[name], sources[name] = won[0], (won[1], won[3], contested)
    return _fold(best), sources


def grow_golden(
    golden: Mapping[str, Any],
    sources: Mapping[str, GoldenSource],
    joining: Iterable[RecordVersion],
    rules: SurvivorshipRules,
) -> tuple[dict[str, Any], dict[str, GoldenSource]] | None:
    """The golden values (and sources) of a subject after ``joining`` records join it,
    from its golden values and their sources alone, without reading its records: exactly
    what :func:`golden_with_sources` over all of them gives, or None when that cannot be
    told without them.

    Trust, then recency, decide first, so a candidate ranking below the chosen one
    changes nothing, unless the chosen value won a tie on frequency (``contested``), which
    one more vote could turn; one ranking above wins, unless new candidates tie at the
    top with different values. Anything else (a tie with the chosen value's rank) is left
    to a full read."""
    flat = dict(_flat(golden))
    if set(flat) != set(sources):
        return None
    new: dict[str, list[tuple[Any, str, int]]] = {}
    for rv in joining:
        for name, value in _flat(rv.values):
            new.setdefault(name, []).append((value, rv.key.source, rv.seq))
    grown = dict(sources)
    for name, cands in new.items():
        ranks = [(rules.trust_of(name, c[1]), c[2]) for c in cands]
        top = max(ranks)
        at_top = [c for c, r in zip(cands, ranks, strict=True) if r == top]
        values = {_hashable(c[0]) for c in at_top}
        held = sources.get(name)
        if held is not None and top <= (rank := (rules.trust_of(name, held[0]), held[1])):
            # below or level with the chosen value: a frequency tie one more vote could
            # turn, or new candidates level with it that disagree, need every record
            if held[2] or (top == rank and values != {_hashable(flat[name])}):
                return None
            continue
        if len(values) > 1:
            return None
        flat[name], grown[name] = at_top[0][0], (at_top[0][1], top[1], False)
    return _fold(flat), grown
