"""Search subjects by name, identifier, phone or address.

Each criterion is looked up in the search index (:mod:`registry.search_keys`,
:mod:`registry.search_index`): a few indexed keys per query, never a scan of all subjects.
Every hit is a key of a current record, so results are active subjects only, each once. A
criterion scores a subject 0..1 by its best record, at the comparison level the resolution
comparators give (an exact name 1, the same name typed otherwise 0.95, a homophone 0.8 …;
identifiers and phones are exact); the subject's score is the mean over the criteria given,
so a subject matching all of them ranks first and one matching some still appears.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field
from rapidfuzz.fuzz import ratio
from rapidfuzz.process import extract

from graph_schema.addresses import Address
from graph_schema.enterprise_names import EnterpriseName
from graph_schema.person_names import PersonName
from graph_schema.subject_types import SubjectType
from graph_schema.text import clean, collapse_ws, nfkc
from registry.search_index import refresh_search_index
from registry.search_keys import (
    CRITERIA,
    Criterion,
    address_query,
    identifier_query_keys,
    name_query_keys,
    phone_query_key,
)
from registry.store.sqlite import SQLiteStore
from resolution.comparators.addresses import address_level
from resolution.comparators.base import text_level
from resolution.comparators.enterprise_names import enterprise_name_level
from resolution.comparators.names import name_level
from resolution.parsed import parsed_enterprise_name, parsed_person_name

MAX_LIMIT = 100

# what a value found at each comparison level is worth (levels of resolution.comparators)
PERSON_NAME_SCORES = {
    "exact": 1.0, "variant": 0.95, "swapped": 0.9, "cross_script": 0.85, "homophone": 0.8,
    "one_char": 0.7, "nickname": 0.7, "jaro_winkler": 0.65, "token_set": 0.6, "initials": 0.55,
}  # fmt: skip
ENTERPRISE_NAME_SCORES = {
    "exact": 1.0, "same_core": 0.9, "fuzzy_core": 0.75, "different": 0.6, "other_branch": 0.5,
}  # fmt: skip
BUILDING_NAME_SCORES = {"exact": 1.0, "similar": 0.8}
ADDRESS_SCORES = {
    "same_room": 1.0, "same_building": 0.85, "same_number": 0.7, "same_road": 0.5,
    "same_district": 0.3,
}  # fmt: skip
WRITTEN_OTHERWISE = 0.95  # equal once normalised but typed differently (張偉 for 张伟)


class SearchHit(BaseModel):
    """One subject found, with what matched and how well."""

    id: str
    type: SubjectType
    name: str | None
    golden: dict[str, Any]
    score: float = Field(ge=0.0, le=1.0)
    matched: list[Criterion] = Field(description="the criteria this subject matched")


Scores = dict[str, float]  # subject id → its score on one criterion


def _best(found: Iterable[tuple[str, float]]) -> Scores:
    out: Scores = {}
    for entity_id, score in found:
        if score > out.get(entity_id, 0.0):
            out[entity_id] = score
    return out


class _Lookup:
    """One criterion of a search: exact keys, each hit worth 1."""

    complete = True  # False: ``find`` ranked only the closest values of a big block

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(dict.fromkeys(keys))

    def find(self, store: SQLiteStore, types: Sequence[str]) -> Scores:
        return _best((r.entity_id, 1.0) for r in store.search_rows(self.keys, types))

    def fill(self, store: SQLiteStore, types: Sequence[str], entity_ids: list[str]) -> Scores:
        """Scores of subjects found by other criteria that ``find`` left unranked."""
        return {}


def _plain(text: str) -> str:
    return collapse_ws(nfkc(text)).casefold()


class _NameLookup(_Lookup):
    """Names through their pinyin / one-blank / core keys, scored by the name comparators."""

    def __init__(self, text: str, keys: Sequence[str]) -> None:
        super().__init__(keys)
        self.person = parsed_person_name(text)
        self.company = parsed_enterprise_name(text)
        self.label = clean(text)
        self.typed = _plain(text)

    def score(self, subject_type: str, value: str, raw: str | None) -> float:
        if subject_type == SubjectType.PERSON and isinstance(self.person, PersonName):
            level, table = name_level(self.person.value, value), PERSON_NAME_SCORES
        elif subject_type == SubjectType.ENTERPRISE and isinstance(self.company, EnterpriseName):
            level, table = enterprise_name_level(self.company.value, value), ENTERPRISE_NAME_SCORES
        elif subject_type == SubjectType.BUILDING:
            level, table = text_level(self.label, value), BUILDING_NAME_SCORES
        else:
            return 0.0
        if level == "exact":
            return 1.0 if _plain(raw or value) == self.typed else WRITTEN_OTHERWISE
        return table.get(level, 0.0)

    def find(self, store: SQLiteStore, types: Sequence[str]) -> Scores:
        memo: dict[tuple[str, str, str | None], float] = {}
        found: list[tuple[str, float]] = []
        for row in store.search_rows(self.keys, types):
            written = (row.subject_type, row.value, row.raw)  # a few per key: score each once
            score = memo.get(written)
            if score is None:
                score = memo[written] = self.score(*written)
            found.append((row.entity_id, score))
        return _best(found)


class _AddressLookup(_Lookup):
    """Addresses sharing the query's road (and door number): the closest values by
    rapidfuzz, then graded by the address comparator (conflicting districts drop out)."""

    def __init__(self, query: Address, key: str | None, limit: int) -> None:
        super().__init__([key] if key else [])
        self.query = query
        self.way = query.road or query.community or query.detail or None
        self.wanted = self._tail(query.value)
        self.closest = max(40, 2 * limit)

    def _tail(self, value: str) -> str:
        """The address from its road (or estate) on: the part that tells doors apart."""
        at = value.find(self.way) if self.way else -1
        return value[at:] if at >= 0 else value

    def score(self, value: str) -> float:
        level = address_level(self.query.value, value)
        if level not in ADDRESS_SCORES:
            return 0.0
        return ADDRESS_SCORES[level] - 0.1 * (1 - ratio(self.wanted, self._tail(value)) / 100)

    def find(self, store: SQLiteStore, types: Sequence[str]) -> Scores:
        if not self.keys:
            return {}
        values = store.search_values(self.keys[0], types)
        if len(values) > self.closest:  # the comparator parses each value: only the closest
            tails = [self._tail(v) for v in values]
            best = extract(self.wanted, tails, scorer=ratio, limit=self.closest)
            values = [values[i] for _, _, i in best]
            self.complete = False
        scores = {v: s for v in values if (s := self.score(v)) > 0}
        rows = store.search_rows(self.keys, types, values=list(scores))
        return _best((r.entity_id, scores[r.value]) for r in rows)

    def fill(self, store: SQLiteStore, types: Sequence[str], entity_ids: list[str]) -> Scores:
        rows = store.search_rows(self.keys, types, entity_ids=entity_ids)
        scores = {v: self.score(v) for v in {r.value for r in rows}}
        return _best((r.entity_id, scores[r.value]) for r in rows)


def _lookups(
    given: dict[Criterion, str], wanted: Collection[SubjectType], limit: int
) -> dict[Criterion, _Lookup]:
    """The lookup of each criterion; ValueError when a phone or address is unreadable."""
    lookups: dict[Criterion, _Lookup] = {}
    for criterion, text in given.items():
        if criterion == "name":
            lookups[criterion] = _NameLookup(text, name_query_keys(text, wanted))
        elif criterion == "identifier":
            lookups[criterion] = _Lookup(identifier_query_keys(text, wanted))
        elif criterion == "phone":
            lookups[criterion] = _Lookup([phone_query_key(text)])
        else:
            parsed, key = address_query(text)
            lookups[criterion] = _AddressLookup(parsed, key, limit)
    return lookups


def search(
    store: SQLiteStore,
    *,
    name: str | None = None,
    identifier: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    types: Collection[SubjectType] | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Active subjects matching any of the criteria, best first (score desc, then id).

    ``identifier`` is any national or other identifier (id number, also in its 15-digit form;
    USCC; real-estate unit or building code; parcel code; approval number; other schemes).
    ``types`` restricts the subject types (None: all; empty: none, so no hits). Raises
    ValueError when no criterion is given, ``limit`` is outside 1..100, or the phone or
    address cannot be read.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    texts = (name, identifier, phone, address)
    given = {
        c: text.strip()
        for c, text in zip(CRITERIA, texts, strict=True)
        if text is not None and text.strip()
    }
    if not given:
        raise ValueError("search needs at least one criterion: name, identifier, phone or address")
    wanted = frozenset(SubjectType) if types is None else frozenset(types)
    lookups = _lookups(given, wanted, limit)
    if not wanted:
        return []
    refresh_search_index(store)
    type_values = sorted(t.value for t in wanted)
    per: dict[str, dict[Criterion, float]] = {}
    for criterion, lookup in lookups.items():
        for entity_id, score in lookup.find(store, type_values).items():
            per.setdefault(entity_id, {})[criterion] = score
    for criterion, lookup in lookups.items():
        missing = [] if lookup.complete else [e for e, s in per.items() if criterion not in s]
        for entity_id, score in lookup.fill(store, type_values, missing).items():
            if score > 0:
                per[entity_id][criterion] = score
    ranked = sorted(
        ((round(sum(s.values()) / len(lookups), 4), eid) for eid, s in per.items()),
        key=lambda pair: (-pair[0], pair[1]),
    )[:limit]
    return list(_hits(store, ranked, per))


def _hits(
    store: SQLiteStore, ranked: list[tuple[float, str]], per: dict[str, dict[Criterion, float]]
) -> Iterable[SearchHit]:
    entities = store.get_entities(eid for _, eid in ranked)
    for score, eid in ranked:
        entity = entities.get(eid)
        if entity is None or entity.status != "active":  # changed since the lookup
            continue
        name = entity.golden.get("name")
        yield SearchHit(
            id=eid,
            type=entity.subject_type,
            name=name if isinstance(name, str) else None,
            golden=entity.golden,
            score=min(max(score, 0.0), 1.0),
            matched=[c for c in CRITERIA if c in per[eid]],
        )
