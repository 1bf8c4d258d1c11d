"""Context for matching: the partners of each person record, and suspect id numbers.

Partners are spouses (SPOUSE_OF) and the other parents of a child (PARENT_OF into the same
record). Their names are attached to the record's values for comparison only (see
:mod:`resolution.comparators.relations`), never stored; so is an id number that failed its
check (:mod:`resolution.suspects`), taken from the record's flagged problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey, RecordVersion, RelationshipVersion, Store
from resolution.blocking import partner_key
from resolution.comparators.relations import ANCHORS_FIELD, PARTNERS_FIELD
from resolution.identity import national_key
from resolution.suspects import SUSPECT_ID, suspect_id_number


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


def partner_names(
    keys: Iterable[RecordKey],
    partners: Mapping[RecordKey, set[RecordKey]],
    name_of: Mapping[RecordKey, str],
) -> dict[RecordKey, tuple[str, ...]]:
    """Each record's partners (those with a name), by :func:`partner_key`, sorted."""
    out: dict[RecordKey, tuple[str, ...]] = {}
    for key in keys:
        mates = partners.get(key)
        if mates:
            names = {partner_key(name_of[p]) for p in mates if p in name_of}
            if names:
                out[key] = tuple(sorted(names))
    return out


def with_values(rv: RecordVersion, values: dict[str, Any]) -> RecordVersion:
    """A copy of ``rv`` holding ``values`` (built field by field: ``dataclasses.replace``
    costs three times as much, a measurable share of a batch run's context)."""
    return RecordVersion(
        rv.key, rv.version, rv.subject_type, rv.content_hash, rv.raw, values, rv.problems,
        rv.formats, rv.origin, rv.ingested_at, rv.seq, rv.retracted, rv.entity_id,
        rv.document,
    )  # fmt: skip


def with_context(
    records: Sequence[RecordVersion],
    partners: Mapping[RecordKey, tuple[str, ...]] | None = None,
    anchors: Mapping[RecordKey, tuple[str, ...]] | None = None,
) -> list[RecordVersion]:
    """Copies of person records whose values carry their partners' names, their anchors
    and a suspect id number (one failing its check), each record copied once."""
    partners = partners or {}
    anchors = anchors or {}
    out: list[RecordVersion] = []
    for rv in records:
        if rv.subject_type is not SubjectType.PERSON:
            out.append(rv)
            continue
        names = partners.get(rv.key)
        found = anchors.get(rv.key)
        suspect = (
            suspect_id_number(rv.problems)
            if rv.problems and not rv.values.get("id_number")
            else None
        )
        if names is None and found is None and suspect is None:
            out.append(rv)
            continue
        values = dict(rv.values)
        if names is not None:
            values[PARTNERS_FIELD] = names
        if found is not None:
            values[ANCHORS_FIELD] = found
        if suspect is not None:
            values[SUSPECT_ID] = suspect
        out.append(with_values(rv, values))
    return out


def partners_from_store(
    store: Store,
    keys: Sequence[RecordKey],
    mates: Mapping[RecordKey, set[RecordKey]] | None = None,
    rels: list[RelationshipVersion] | None = None,
) -> dict[RecordKey, tuple[str, ...]]:
    """:func:`partner_names` of a few person records, reading only their relationships
    (``rels``, when the caller already read them); housemates
    (:func:`co_residents_from_store`, read unless given) count as partners too."""
    if not keys:
        return {}
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
    return partner_names(keys, index, store.field_of_records(wanted, "name"))


# relationships from a person record to the record of a building or company it is tied to
ANCHOR_TYPES = frozenset(
    {"OWNS", "RESIDES_AT", "SHAREHOLDER_OF", "LEGAL_REPRESENTATIVE_OF", "EMPLOYED_BY"}
)


# the fields of a building or enterprise record that :func:`anchor_of` reads
ANCHOR_FIELDS = ("building_code", "uscc", "identifiers")


def anchor_of(subject_type: SubjectType, values: Mapping[str, Any]) -> list[str]:
    """The national keys a current building or enterprise record names (building part,
    USCC, or a department's own identifier scheme)."""
    if subject_type is SubjectType.BUILDING:
        key = national_key(subject_type, values)
        return [f"B:{key}"] if key else []
    if subject_type is SubjectType.ENTERPRISE:
        out = [f"E:{values['uscc']}"] if values.get("uscc") else []
        out += [f"E:{k}:{v}" for k, v in (values.get("identifiers") or {}).items()]
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


def anchor_keys(
    keys: Iterable[RecordKey],
    targets: Mapping[RecordKey, set[RecordKey]],
    anchors_of: Mapping[RecordKey, list[str]],
) -> dict[RecordKey, tuple[str, ...]]:
    """The anchors of each record (those with any), sorted."""
    out: dict[RecordKey, tuple[str, ...]] = {}
    for key in keys:
        tied = targets.get(key)
        if tied:
            found = {a for t in tied for a in anchors_of.get(t, ())}
            if found:
                out[key] = tuple(sorted(found))
    return out


def anchors_from_store(
    store: Store,
    keys: Sequence[RecordKey],
    rels: list[RelationshipVersion] | None = None,
) -> dict[RecordKey, tuple[str, ...]]:
    """:func:`anchor_keys` of a few records, reading only their relationships (``rels``,
    when the caller already read them) and the anchoring fields of their targets."""
    if not keys:
        return {}
    if rels is None:
        rels = store.relationships_of_records(keys)
    targets = anchor_targets(rels)
    wanted = {t for ts in targets.values() for t in ts}
    tied = store.values_of_records(wanted, ANCHOR_FIELDS)
    return anchor_keys(keys, targets, {k: anchor_of(t, v) for k, (t, v) in tied.items()})


MAX_HOUSEHOLD = 8  # a "flat" with more residents is a dormitory or a data error: no context


def unit_codes(
    records: Mapping[RecordKey, tuple[SubjectType, Mapping[str, Any]]],
) -> dict[RecordKey, str]:
    """The unit code (28 characters: a flat) of each building record that has one
    (``records``: current records' types and values, as
    :meth:`~registry.store.base.Store.values_of_records` gives them)."""
    return {
        key: code
        for key, (subject_type, values) in records.items()
        if subject_type is SubjectType.BUILDING
        and isinstance(code := values.get("building_code"), str)
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
    codes = set(unit_codes(store.values_of_records(homes, ("building_code",))).values())
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
    partners = partners_from_store(store, keys, mates, rels)
    return with_context(records, partners, anchors_from_store(store, keys, rels)), mates


# the stored match keys that hold a person record's context after their "|"
CONTEXT_KEYS = {"np:": PARTNERS_FIELD, "na:": ANCHORS_FIELD}


def stored_context(store: Store, records: Sequence[RecordVersion]) -> list[RecordVersion]:
    """The records with the context their stored match keys were made with: partners
    (``np:``) and anchors (``na:``) read back from those keys, a suspect id number from the
    record's problems. One lean read, where :func:`person_context` reads relationships,
    flats, partners' names and anchoring records: an incremental run compares records of
    settled subjects with this. The keys were made with the context of the record's last
    resolution, refreshed when a housemate arrives (a batch run works it out afresh)."""
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    found: dict[str, dict[RecordKey, set[str]]] = {f: {} for f in CONTEXT_KEYS.values()}
    for key, mkeys in store.match_keys_of(keys, prefixes=tuple(CONTEXT_KEYS)).items():
        for mkey in mkeys:
            field = CONTEXT_KEYS.get(mkey[:3])
            if field is not None and "|" in mkey:
                found[field].setdefault(key, set()).add(mkey.split("|", 1)[1])
    partners = {k: tuple(sorted(v)) for k, v in found[PARTNERS_FIELD].items()}
    anchors = {k: tuple(sorted(v)) for k, v in found[ANCHORS_FIELD].items()}
    return with_context(records, partners, anchors)


# every record's partners (spouses, co-parents, housemates) and anchors, from all relationships
Ties = tuple[dict[RecordKey, set[RecordKey]], dict[RecordKey, tuple[str, ...]]]


def all_ties(store: Store) -> Ties:
    """What :func:`batch_person_context` needs besides the person records: it reads only
    relationships and the anchoring fields of their targets, so a batch run works it out in
    a child while it reads the records. The relationships, homes and companies read for it
    are dropped on return, before the run's heavy phases."""
    rels = list(store.iter_relationships())
    targets = anchor_targets(rels)
    tied = store.values_of_records({t for ts in targets.values() for t in ts}, ANCHOR_FIELDS)
    partners = partner_index(rels)
    for person, mates in co_residents(residences(rels), unit_codes(tied)).items():
        partners.setdefault(person, set()).update(mates)
    del rels
    anchors = {k: anchor_of(t, v) for k, (t, v) in tied.items()}
    return partners, anchor_keys(targets, targets, anchors)


def batch_person_context(
    store: Store, records: Sequence[RecordVersion], ties: Ties | None = None
) -> list[RecordVersion]:
    """:func:`person_context` for every person record at once (a batch run): all
    relationships are read in one pass instead of per record (``ties``: :func:`all_ties`
    when the caller has them)."""
    partners, anchors = ties if ties is not None else all_ties(store)
    name_of = {rv.key: rv.values["name"] for rv in records if "name" in rv.values}
    keys = [rv.key for rv in records if rv.subject_type is SubjectType.PERSON]
    return with_context(records, partner_names(keys, partners, name_of), anchors)
