"""Context for matching: the partners of each person record, and suspect id numbers.

Partners are spouses (SPOUSE_OF) and the other parents of a child (PARENT_OF into the same
record). Their names are attached to the record's values for comparison only (see
:mod:`resolution.comparators.relations`), never stored; so is an id number that failed its
check (:mod:`resolution.suspects`), taken from the record's flagged problems.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey, RecordVersion, RelationshipVersion, Store
from resolution.comparators.relations import PARTNERS_FIELD
from resolution.suspects import with_suspect


def partner_index(rels: Iterable[RelationshipVersion]) -> dict[RecordKey, set[RecordKey]]:
    """Each record's partners among the given relationships."""
    partners: dict[RecordKey, set[RecordKey]] = {}
    parents_of: dict[RecordKey, set[RecordKey]] = {}
    for rel in rels:
        a = RecordKey(rel.source, rel.from_record_id)
        b = RecordKey(rel.source, rel.to_record_id)
        if rel.type == "SPOUSE_OF":
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        elif rel.type == "PARENT_OF":
            parents_of.setdefault(b, set()).add(a)
    for parents in parents_of.values():
        for p in parents:
            others = parents - {p}
            if others:
                partners.setdefault(p, set()).update(others)
    return partners


def with_partners(
    records: Sequence[RecordVersion],
    partners: Mapping[RecordKey, set[RecordKey]],
    name_of: Mapping[RecordKey, str],
) -> list[RecordVersion]:
    """Copies of person records whose values carry their partners' names."""
    out: list[RecordVersion] = []
    for rv in records:
        names = sorted({name_of[p] for p in partners.get(rv.key, ()) if p in name_of})
        if names and rv.subject_type is SubjectType.PERSON:
            rv = dataclasses.replace(rv, values={**rv.values, PARTNERS_FIELD: tuple(names)})
        out.append(rv)
    return out


def partners_from_store(store: Store, records: Sequence[RecordVersion]) -> list[RecordVersion]:
    """:func:`with_partners` for a few records, reading only their relationships."""
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    if not keys:
        return list(records)
    rels = store.relationships_of_records(keys)
    children = {RecordKey(r.source, r.to_record_id) for r in rels if r.type == "PARENT_OF"}
    if children:
        rels += store.relationships_of_records(children)
    index = partner_index(rels)
    wanted = {p for k in keys for p in index.get(k, ())}
    name_of = {
        rv.key: rv.values["name"]
        for rv in store.get_records(wanted)
        if not rv.retracted and isinstance(rv.values.get("name"), str)
    }
    return with_partners(records, index, name_of)


def with_suspects(records: Sequence[RecordVersion]) -> list[RecordVersion]:
    """Copies of person records whose id number failed its check, carrying it as suspect."""
    out: list[RecordVersion] = []
    for rv in records:
        if rv.problems and rv.subject_type is SubjectType.PERSON:
            values = with_suspect(rv.values, rv.problems)
            if values is not None:
                rv = dataclasses.replace(rv, values=values)
        out.append(rv)
    return out
