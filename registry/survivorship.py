"""Golden records: the best value per attribute, with every alternative and its provenance.

Declared survivorship rules rank the candidate values of an attribute: first the trust the
bureau gives each source for that attribute (household registration for a person's name and
birth date, market regulation for an enterprise's name and legal representative…), then
recency, then how many records agree. Nothing is dropped: losing values stay as alternatives.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.store.base import RecordVersion

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


def _candidates(records: Iterable[RecordVersion]) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = {}
    for rv in records:
        for name, value in rv.values.items():
            if name == "identifiers" and isinstance(value, dict):
                for scheme, v in value.items():
                    out.setdefault(f"identifiers.{scheme}", []).append(
                        Candidate(
                            v, rv.key.source, rv.key.record_id, rv.version, rv.ingested_at, rv.seq
                        )
                    )
                continue
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
    found: dict[str, list[tuple[Any, str, str, int]]] = {}
    for rv in records:
        source, record_id, seq = rv.key.source, rv.key.record_id, rv.seq
        for name, value in rv.values.items():
            if name == "identifiers" and isinstance(value, dict):
                for scheme, v in value.items():
                    found.setdefault(f"identifiers.{scheme}", []).append(
                        (v, source, record_id, seq)
                    )
            else:
                found.setdefault(name, []).append((value, source, record_id, seq))
    out: dict[str, Any] = {}
    for name in sorted(found):
        cands = found[name]
        if len(cands) == 1:
            best = cands[0][0]
        else:
            freq = Counter(_hashable(c[0]) for c in cands)
            best = min(
                cands,
                key=lambda c: (
                    -rules.trust_of(name, c[1]),
                    -c[3],
                    -freq[_hashable(c[0])],
                    c[1],
                    c[2],
                ),
            )[0]
        if name.startswith("identifiers."):
            out.setdefault("identifiers", {})[name.split(".", 1)[1]] = best
        else:
            out[name] = best
    return out


_ABSENT = object()


def keeps_golden(golden: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether a record with these values joining a subject leaves its golden values as they
    are: every value it gives is already the chosen one. Whatever its trust and recency,
    each of its candidates then has the chosen value, and every other value's candidates
    rank as before (its support only grew the chosen value's): the best of them all still
    holds the chosen value. An attribute the golden values lack is a change."""
    for name, value in values.items():
        if name == "identifiers" and isinstance(value, dict):
            chosen = golden.get("identifiers")
            if not isinstance(chosen, dict):
                return False
            if any(chosen.get(scheme, _ABSENT) != v for scheme, v in value.items()):
                return False
        elif golden.get(name, _ABSENT) != value:
            return False
    return True
