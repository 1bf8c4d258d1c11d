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
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD
from resolution.identity import national_key
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


def partners_from_store(
    store: Store,
    records: Sequence[RecordVersion],
    mates: Mapping[RecordKey, set[RecordKey]] | None = None,
    rels: list[RelationshipVersion] | None = None,
) -> list[RecordVersion]:
    """:func:`with_partners` for a few records, reading only their relationships (``rels``,
    when the caller already read them); housemates (:func:`co_residents_from_store`, read
    unless given) count as partners too."""
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    if not keys:
        return list(records)
    if rels is None:
        rels = store.relationships_of_records(keys)
    if mates is None:
        mates = co_residents_from_store(store, keys, rels)
    children = {RecordKey(r.source, r.to_record_id) for r in rels if r.type == "PARENT_OF"}
    if children:
        rels = rels + store.relationships_of_records(children)
    index = partner_index(rels)
    for person, others in mates.items():
        index.setdefault(person, set()).update(others)
    wanted = {p for k in keys for p in index.get(k, ())}
    name_of = store.field_of_records(wanted, "name")
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


# relationships from a person record to the record of a building or company it is tied to
ANCHOR_TYPES = frozenset(
    {"OWNS", "RESIDES_AT", "SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "EMPLOYED_BY"}
)


def anchor_of(rv: RecordVersion) -> list[str]:
    """The national keys a building or enterprise record names (building part, USCC, or a
    department's own identifier scheme)."""
    if rv.retracted:
        return []
    if rv.subject_type is SubjectType.BUILDING:
        key = national_key(rv.subject_type, rv.values)
        return [f"B:{key}"] if key else []
    if rv.subject_type is SubjectType.ENTERPRISE:
        out = [f"E:{rv.values['uscc']}"] if rv.values.get("uscc") else []
        out += [f"E:{k}:{v}" for k, v in (rv.values.get("identifiers") or {}).items()]
        return out
    return []


def anchor_targets(rels: Iterable[RelationshipVersion]) -> dict[RecordKey, set[RecordKey]]:
    """Each record's anchor records among the given relationships (from side → to side)."""
    out: dict[RecordKey, set[RecordKey]] = {}
    for rel in rels:
        if rel.type in ANCHOR_TYPES and not rel.retracted:
            a = RecordKey(rel.source, rel.from_record_id)
            out.setdefault(a, set()).add(RecordKey(rel.source, rel.to_record_id))
    return out


def with_anchors(
    records: Sequence[RecordVersion],
    targets: Mapping[RecordKey, set[RecordKey]],
    anchors_of: Mapping[RecordKey, list[str]],
) -> list[RecordVersion]:
    """Copies of person records whose values carry their anchors."""
    out: list[RecordVersion] = []
    for rv in records:
        if rv.subject_type is SubjectType.PERSON and rv.key in targets:
            found = sorted({a for t in targets[rv.key] for a in anchors_of.get(t, ())})
            if found:
                rv = dataclasses.replace(rv, values={**rv.values, ANCHORS_FIELD: tuple(found)})
        out.append(rv)
    return out


def anchors_from_store(
    store: Store,
    records: Sequence[RecordVersion],
    rels: list[RelationshipVersion] | None = None,
) -> list[RecordVersion]:
    """:func:`with_anchors` for a few records, reading only their relationships (``rels``,
    when the caller already read them)."""
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    if not keys:
        return list(records)
    if rels is None:
        rels = store.relationships_of_records(keys)
    targets = anchor_targets(rels)
    wanted = {t for ts in targets.values() for t in ts}
    anchors = {rv.key: anchor_of(rv) for rv in store.get_records(wanted)}
    return with_anchors(records, targets, anchors)


MAX_HOUSEHOLD = 8  # a "flat" with more residents is a dormitory or a data error: no context


def unit_codes(records: Iterable[RecordVersion]) -> dict[RecordKey, str]:
    """The unit code (28 characters: a flat) of each current building record that has one."""
    return {
        rv.key: code
        for rv in records
        if not rv.retracted
        and isinstance(code := rv.values.get("building_code"), str)
        and len(code) == 28
    }


def residences(rels: Iterable[RelationshipVersion]) -> list[tuple[RecordKey, RecordKey]]:
    """``(person record, home record)`` of the current RESIDES_AT relationships."""
    return [
        (RecordKey(r.source, r.from_record_id), RecordKey(r.source, r.to_record_id))
        for r in rels
        if r.type == "RESIDES_AT" and not r.retracted
    ]


def co_residents(
    homes: Iterable[tuple[RecordKey, RecordKey]],
    unit_of: Mapping[RecordKey, str],
    limit: int = MAX_HOUSEHOLD,
) -> dict[RecordKey, set[RecordKey]]:
    """Person records living in the same flat (``homes``: who resides at which building
    record; ``unit_of``: those records' unit codes), in flats of at most ``limit`` people:
    each one's housemates. A household register names husband and wife as housemates even
    when no child links them; a marriage record names them as spouses."""
    flats: dict[str, set[RecordKey]] = {}
    for person, home in homes:
        code = unit_of.get(home)
        if code is not None:
            flats.setdefault(code, set()).add(person)
    out: dict[RecordKey, set[RecordKey]] = {}
    for people in flats.values():
        if 1 < len(people) <= limit:
            for p in people:
                out.setdefault(p, set()).update(people - {p})
    return out


def co_residents_from_store(
    store: Store,
    keys: Sequence[RecordKey],
    rels: list[RelationshipVersion] | None = None,
) -> dict[RecordKey, set[RecordKey]]:
    """:func:`co_residents` of a few person records: their homes' unit codes, the building
    records with those unit codes (match key ``unit:``), and who resides at those (``rels``:
    the records' relationships, when the caller already read them)."""
    if rels is None:
        rels = store.relationships_of_records(keys)
    homes = {RecordKey(r.source, r.to_record_id) for r in rels if r.type == "RESIDES_AT"}
    codes = set(unit_codes(store.get_records(homes)).values())
    if not codes:
        return {}
    # the building records of those flats, by the match key that holds their unit code
    flats = store.records_by_match_keys(sorted(f"unit:{c}" for c in codes))
    unit_of = {k: mkey.removeprefix("unit:") for mkey, members in flats.items() for k in members}
    found = co_residents(store.links_to(unit_of, "RESIDES_AT"), unit_of)
    wanted = set(keys)
    return {k: v for k, v in found.items() if k in wanted}


def person_context(
    store: Store, records: Sequence[RecordVersion]
) -> tuple[list[RecordVersion], dict[RecordKey, set[RecordKey]]]:
    """The records as the engine compares them (partners and housemates, anchors, suspect
    ids), reading their relationships once; and the housemates found."""
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    if not keys:
        return list(records), {}
    rels = store.relationships_of_records(keys)
    mates = co_residents_from_store(store, keys, rels)
    partnered = partners_from_store(store, records, mates, rels)
    return with_suspects(anchors_from_store(store, partnered, rels)), mates


def batch_person_context(store: Store, records: Sequence[RecordVersion]) -> list[RecordVersion]:
    """:func:`person_context` for every person record at once (a batch run): all
    relationships are read in one pass instead of per record. The relationships, the homes
    and companies read for it are dropped on return, before the run's heavy phases."""
    name_of = {rv.key: rv.values["name"] for rv in records if "name" in rv.values}
    rels = list(store.iter_relationships())
    targets = anchor_targets(rels)
    tied = {rv.key: rv for rv in store.get_records({t for ts in targets.values() for t in ts})}
    partners = partner_index(rels)
    for person, mates in co_residents(residences(rels), unit_codes(tied.values())).items():
        partners.setdefault(person, set()).update(mates)
    out = with_partners(records, partners, name_of)
    anchors = {k: anchor_of(rv) for k, rv in tied.items()}
    return with_suspects(with_anchors(out, targets, anchors))
