"""What an incremental change must re-resolve: the changed records and the subjects near them.

The subjects of the changed records are read whole: they can lose records, split or merge.
Every other subject is *settled*, held together as it is
(:func:`registry.engine.cluster_records`); what a change can do to it is join a changed
record to it, or merge it with another subject through one. So the work goes in two steps:

1. :func:`find_candidates`: the records sharing blocking keys with a changed record, at
   most a few of each settled subject (those sharing the most blocks first; a building's
   units share its code and address: one is as good as a hundred). The change is scored
   against these alone.
2. :func:`read_subjects`: only the settled subjects a change *links* to are read and
   clustered with it. One the change does not link to cannot change; reading it (in a
   city of a million people, the namesakes in a name-and-district block) changes nothing.
   Of a large subject only what the engine needs is read: its candidate records, those a
   steward's judgement names (the not-matches a merge must respect), the national
   identifiers of all its records (a cluster never holds two values) and how many records
   it has (the larger overlap keeps its id, :func:`registry.reconcile`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.blocking import CHAINED_PREFIXES, block_parts, blocking_keys, readable_blocks
from resolution.identity import NATIONAL_FIELDS, national_key

# a settled subject with more records than this is read in part: at most PARTIAL_READ of
# its records that share blocks with the change
PARTIAL_ABOVE = 12
PARTIAL_READ = 6
CHAINED_READ = 5  # members read of a block keyed by a national identifier


@dataclass(slots=True)
class Candidates:
    """What blocking found for a change: the records to score it against."""

    subject_type: SubjectType
    # the records of the touched subjects (read whole), the changed ones as changed
    own: list[RecordVersion] = field(default_factory=list)
    # records of other subjects sharing blocks with the change: of each subject, at most
    # PARTIAL_READ, those sharing the most blocks first
    settled: list[RecordVersion] = field(default_factory=list)
    # the blocking keys known of each record: a changed record's own, and of every other
    # record the keys whose blocks (at most max_block members) hold it
    keys: dict[RecordKey, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class Neighbourhood:
    """The records to cluster, and what stands in for the records left unread."""

    records: list[RecordVersion]
    unread: dict[str, int] = field(default_factory=dict)  # subject → records not read
    subject_ids: dict[RecordKey, frozenset[str]] = field(default_factory=dict)


def find_candidates(
    store: Store,
    changed: Sequence[RecordVersion],
    own: set[str],
    max_block: int,
) -> Candidates:
    """The candidates of ``changed`` (all of one subject type), whose own subjects (the ids
    in ``own``) are read whole; stores each changed record's blocking keys.

    Candidates are found by the changed records' keys only: the other records of a touched
    subject are scored against these candidates, not against everything their own keys
    would find (a batch run's reach). Looking those up too put an update's p99 at 40 ms
    in the 880k city, for no change in quality measured (``tests/registry/
    test_incremental.py``, ``benchmarks/incremental_scale.py``)."""
    subject_type = changed[0].subject_type
    out = Candidates(subject_type)
    wanted: set[str] = set()
    keys = out.keys
    for rv in changed:
        if rv.retracted:
            store.set_match_keys(rv.key, [])
            continue
        mkeys = blocking_keys(rv.subject_type, rv.values)
        store.set_match_keys(rv.key, mkeys)
        wanted.update(mkeys)
        keys[rv.key] = mkeys
    found: dict[RecordKey, RecordVersion] = {}
    for _, rvs in sorted(store.records_of_many(own, with_raw=False).items()):
        found.update((rv.key, rv) for rv in rvs if rv.subject_type is subject_type)
    for rv in changed:
        if rv.retracted:
            found.pop(rv.key, None)
        else:
            found[rv.key] = rv
    out.own = list(found.values())
    shared: Counter[RecordKey] = Counter()  # blocks each candidate shares with the change
    near: dict[str, list[RecordKey]] = {}
    chained = sorted(k for k in wanted if k.startswith(CHAINED_PREFIXES))
    # an oversize block pairs nothing (as in a batch run): its members are not read at all;
    # of a split name block only the half the change pairs with is read (:func:`reach`)
    others = wanted.difference(chained)
    block_size = store.block_sizes(sorted(block_parts(others)))
    readable = readable_blocks(others, block_size, max_block)
    blocks = store.block_members(sorted(readable), subject_type=subject_type)
    # a national identifier's block is one subject's records (a building's hundred units
    # share its code): a few of them bring in the whole subject
    blocks.update(store.block_members(chained, limit=CHAINED_READ, subject_type=subject_type))
    for mkey, members in sorted(blocks.items()):
        for key, entity_id, other_type, retracted in members:
            if retracted or entity_id is None or other_type is not subject_type:
                continue
            if key in found or entity_id in own:
                continue
            if key not in shared:
                near.setdefault(entity_id, []).append(key)
            shared[key] += 1
            keys.setdefault(key, []).append(mkey)
    # of each subject, the records sharing the most blocks with the change stand for it
    # (a building's units share its code and address: one is as good as a hundred)
    picked = {
        k for ks in near.values() for k in sorted(ks, key=lambda k: (-shared[k], k))[:PARTIAL_READ]
    }
    out.settled = [
        rv
        for rv in store.get_records(picked, with_raw=False)
        if not rv.retracted and rv.entity_id is not None and rv.subject_type is subject_type
    ]
    for key in list(keys):
        if key not in picked and key not in found:
            del keys[key]
    return out


def read_subjects(store: Store, found: Candidates, subjects: set[str]) -> Neighbourhood:
    """The neighbourhood to cluster: the touched subjects' records and those of
    ``subjects`` (settled subjects a change links to) — read whole, or, for a large one, in
    part: its candidate records and those a steward's judgement names, with the national
    identifiers and the size of the whole subject standing in for the rest."""
    subject_type = found.subject_type
    sizes = store.subject_sizes(subjects)
    large = {e for e in subjects if sizes.get(e, 0) > PARTIAL_ABOVE}
    records = {rv.key: rv for rv in found.own}
    for _, rvs in sorted(store.records_of_many(subjects - large, with_raw=False).items()):
        for rv in rvs:
            if rv.subject_type is subject_type:
                records.setdefault(rv.key, rv)
    of_part: dict[str, dict[RecordKey, RecordVersion]] = {}
    for rv in found.settled:
        if rv.entity_id in large:
            of_part.setdefault(rv.entity_id, {})[rv.key] = rv
    judged = set(store.judged_records_of(large)).difference(records)
    for rv in store.get_records(judged, with_raw=False):
        if not rv.retracted and rv.entity_id in large and rv.subject_type is subject_type:
            of_part.setdefault(rv.entity_id, {})[rv.key] = rv
    out = Neighbourhood([])
    if of_part:
        national = _national_ids(store, subject_type, set(of_part))
        for entity_id, part in sorted(of_part.items()):
            fresh = [rv for k, rv in part.items() if k not in records]
            records.update((rv.key, rv) for rv in fresh)
            out.unread[entity_id] = sizes[entity_id] - len(fresh)
            ids = national.get(entity_id, frozenset())
            if ids:
                out.subject_ids.update((rv.key, ids) for rv in fresh)
    out.records = list(records.values())
    return out


def _national_ids(
    store: Store, subject_type: SubjectType, entity_ids: set[str]
) -> dict[str, frozenset[str]]:
    """The national identifiers the records of these subjects hold: as written with their
    golden values, or (a subject whose are not known) read from every record."""
    stored = store.national_ids_of(entity_ids)
    out = {entity_id: ids for entity_id, ids in stored.items() if ids}
    name = NATIONAL_FIELDS[subject_type]
    for entity_id, values in store.field_values_of(entity_ids.difference(stored), name).items():
        ids = {k for v in values if (k := national_key(subject_type, {name: v}))}
        if ids:
            out[entity_id] = frozenset(ids)
    return out
