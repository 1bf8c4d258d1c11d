"""What an incremental change must re-resolve: the changed records and the subjects near them.

The subjects of the changed records are read whole: they can lose records, split or merge.
So is every other subject whose records share a blocking key with a changed record, unless
it is large. Such a *settled* subject is held together as it is
(:func:`registry.engine.cluster_records`); what a change can do to it is join a changed
record to it, or merge it with another subject through one. For that the engine needs only:

- a few of its records that share blocking keys with a changed record, those sharing the
  most first (the pairs to score);
- its records that a steward's judgement names (the not-matches a merge must respect);
- the national identifiers of all its records (a cluster never holds two values);
- how many records it has (the larger overlap keeps its id, :func:`registry.reconcile`).

The rest stay unread, which is most of a building's dozens of unit records when one more
unit arrives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from graph_schema.subject_types import SubjectType
from registry.store.base import RecordKey, RecordVersion, Store
from resolution.blocking import CHAINED_PREFIXES, blocking_keys
from resolution.identity import NATIONAL_FIELDS, national_key

# a settled subject with more records than this is read in part: at most PARTIAL_READ of
# its records that share blocks with the change
PARTIAL_ABOVE = 12
PARTIAL_READ = 6
CHAINED_READ = 5  # members read of a block keyed by a national identifier


@dataclass(slots=True)
class Neighbourhood:
    """The records to cluster, and what stands in for the records left unread."""

    records: list[RecordVersion]
    unread: dict[str, int] = field(default_factory=dict)  # subject → records not read
    subject_ids: dict[RecordKey, frozenset[str]] = field(default_factory=dict)
    # the blocking keys known of each record: a changed record's own, and of every other
    # record the changed records' keys whose blocks (at most max_block members) hold it
    keys: dict[RecordKey, list[str]] = field(default_factory=dict)


def find_neighbourhood(
    store: Store,
    changed: Sequence[RecordVersion],
    own: set[str],
    max_block: int,
) -> Neighbourhood:
    """The neighbourhood of ``changed`` (all of one subject type), whose own subjects (the
    ids in ``own``) are read whole; stores each changed record's blocking keys."""
    subject_type = changed[0].subject_type
    wanted: set[str] = set()
    keys: dict[RecordKey, list[str]] = {}
    for rv in changed:
        if rv.retracted:
            store.set_match_keys(rv.key, [])
            continue
        mkeys = blocking_keys(rv.subject_type, rv.values)
        store.set_match_keys(rv.key, mkeys)
        wanted.update(mkeys)
        keys[rv.key] = mkeys
    shared: Counter[RecordKey] = Counter()  # blocks each candidate shares with the change
    subject_of: dict[RecordKey, str] = {}
    chained = sorted(k for k in wanted if k.startswith(CHAINED_PREFIXES))
    # an oversize block pairs nothing (as in a batch run): its members are not read at all
    block_size = store.block_sizes(sorted(wanted.difference(chained)))
    blocks = store.block_members(sorted(k for k, n in block_size.items() if n <= max_block))
    # a national identifier's block is one subject's records (a building's hundred units
    # share its code): a few of them bring in the whole subject
    blocks.update(store.block_members(chained, limit=CHAINED_READ))
    changed_keys = {rv.key for rv in changed}
    for mkey, members in sorted(blocks.items()):
        if len(members) > max_block:
            continue
        for key, entity_id, other_type, retracted in members:
            if not retracted and entity_id is not None and other_type is subject_type:
                shared[key] += 1
                subject_of[key] = entity_id
                if key not in changed_keys:
                    keys.setdefault(key, []).append(mkey)
    near: dict[str, list[RecordKey]] = {}
    for key, entity_id in subject_of.items():
        if key not in changed_keys:
            near.setdefault(entity_id, []).append(key)
    sizes = store.subject_sizes(set(near) - own)
    large = {e for e, n in sizes.items() if n > PARTIAL_ABOVE}
    whole = (own | set(near)) - large
    # of a large subject, the records sharing the most blocks with the change stand for it
    # (a building's units share its code and address: one is as good as a hundred)
    part_keys = {
        k for e in large for k in sorted(near[e], key=lambda k: (-shared[k], k))[:PARTIAL_READ]
    }
    part_keys |= set(store.judged_records_of(large))
    of_whole = store.records_of_many(whole)
    of_part: dict[str, list[RecordVersion]] = {}
    for rv in store.get_records(part_keys):
        if not rv.retracted and rv.entity_id in large and rv.subject_type is subject_type:
            of_part.setdefault(rv.entity_id, []).append(rv)
    found: dict[RecordKey, RecordVersion] = {}
    for entity_id in sorted(whole | set(of_part)):
        for rv in of_whole.get(entity_id) or of_part.get(entity_id) or []:
            if rv.subject_type is subject_type:
                found[rv.key] = rv
    for rv in changed:
        if rv.retracted:
            found.pop(rv.key, None)
        else:
            found[rv.key] = rv
    out = Neighbourhood(list(found.values()), keys=keys)
    if of_part:
        national = _national_ids(store, subject_type, set(of_part))
        for entity_id, rvs in of_part.items():
            read = sum(1 for rv in rvs if rv.key in found and rv.key not in changed_keys)
            out.unread[entity_id] = sizes[entity_id] - read
            ids = national.get(entity_id, frozenset())
            for rv in rvs:
                if ids and rv.key in found:
                    out.subject_ids[rv.key] = ids
    return out


def _national_ids(
    store: Store, subject_type: SubjectType, entity_ids: set[str]
) -> dict[str, frozenset[str]]:
    name = NATIONAL_FIELDS[subject_type]
    out: dict[str, frozenset[str]] = {}
    for entity_id, values in store.field_values_of(entity_ids, name).items():
        ids = {k for v in values if (k := national_key(subject_type, {name: v}))}
        if ids:
            out[entity_id] = frozenset(ids)
    return out
