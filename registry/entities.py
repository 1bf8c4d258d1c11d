"""Subjects (entities): stable ids, membership changes, merges, splits and golden values.

Every change goes through here so that it is written to the membership log and the change
feed with one sequence number: what the registry believed on any past date can then be
reconstructed. Ids never drift: records joining keep the id, a merge keeps the survivor's id
and redirects the retired one, a split keeps the id with the larger share.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph_schema.subject_types import SubjectType
from registry.store.base import Entity, GoldenSource, RecordKey, RecordVersion, Store
from registry.survivorship import SurvivorshipRules, golden_with_sources, grow_golden
from resolution.identity import national_keys


@dataclass(slots=True)
class ChangeCounts:
    """What resolution did to subjects in one step."""

    created: int = 0
    joined: int = 0
    left: int = 0
    merged: int = 0
    split: int = 0
    attributes_changed: int = 0
    touched: set[str] = field(default_factory=set)
    # where an incremental step's time went: records resolved per subject type (once per
    # step that changed them), and seconds per "<subject type>/<step>" (``registry ingest``
    # prints them; summed like the counts)
    records: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)

    def since(self, before: ChangeCounts, touched: set[str]) -> ChangeCounts:
        """The difference from an earlier snapshot, with the subjects touched meanwhile."""
        return ChangeCounts(
            self.created - before.created,
            self.joined - before.joined,
            self.left - before.left,
            self.merged - before.merged,
            self.split - before.split,
            self.attributes_changed - before.attributes_changed,
            touched,
        )

    def timings(self) -> dict[str, dict[str, float]]:
        """Per subject type (and "all" for the steps shared by every type): the records
        resolved and the seconds of each step (to 0.1 ms)."""
        out: dict[str, dict[str, float]] = {}
        for subject_type, n in sorted(self.records.items()):
            out[subject_type] = {"records": n}
        for key, seconds in self.seconds.items():
            subject_type, _, step = key.partition("/")
            out.setdefault(subject_type, {})[step] = round(seconds, 4)
        return out

    def add(self, other: ChangeCounts) -> None:
        self.created += other.created
        self.joined += other.joined
        self.left += other.left
        self.merged += other.merged
        self.split += other.split
        self.attributes_changed += other.attributes_changed
        self.touched |= other.touched
        self.records.update(other.records)
        for key, seconds in other.seconds.items():
            self.seconds[key] = self.seconds.get(key, 0.0) + seconds


# what a refresh computes for one subject: golden values, where each came from, and the
# national identifiers its records hold
Golden = tuple[dict[str, Any], dict[str, GoldenSource], frozenset[str]]


def golden_of(
    subject_type: SubjectType, records: Sequence[RecordVersion], rules: SurvivorshipRules
) -> Golden:
    """A subject's :data:`Golden` from its records (pure: a batch run computes these in a
    child while it writes membership)."""
    golden, sources = golden_with_sources(records, rules)
    return golden, sources, national_keys(subject_type, (r.values for r in records))


# an event to write for a subject: (subject, (kind, entity id, subject type, payload))
_Event = tuple[Entity, tuple[str, str | None, str | None, dict[str, Any]]]
_MOVE_CHUNK = 20_000  # moves whose events and membership rows are written together
_REFRESH_CHUNK = 500  # subjects whose records are read together for golden values


def _key_payload(key: RecordKey) -> dict[str, str]:
    return {"source": key.source, "record_id": key.record_id}


class EntityManager:
    """Applies membership decisions to the store, with events and golden-value refresh."""

    def __init__(self, store: Store, rules: SurvivorshipRules) -> None:
        self.store = store
        self.rules = rules
        self.counts = ChangeCounts()
        # since the last flush: the new records each subject took in (a record of no
        # subject before), and the subjects changed in any other way
        self._joined: dict[str, list[RecordKey]] = {}
        self._disturbed: set[str] = set()

    def resolve_id(self, entity_id: str) -> str | None:
        """Follow merge redirects to the surviving id (None when unknown)."""
        seen: set[str] = set()
        current: str | None = entity_id
        while current is not None and current not in seen:
            seen.add(current)
            entity = self.store.get_entity(current)
            if entity is None:
                return None
            if entity.status != "retired" or entity.merged_into is None:
                return current
            current = entity.merged_into
        return current

    def create(self, subject_type: SubjectType, keys: Sequence[RecordKey]) -> str:
        """A new subject holding ``keys`` (moved out of wherever they were)."""
        entity_id = self.create_many(subject_type, 1)[0]
        for key in keys:
            self.move(key, entity_id, subject_type)
        return entity_id

    def move(
        self,
        key: RecordKey,
        entity_id: str | None,
        subject_type: SubjectType,
        *,
        previous: str | None = None,
        reason: str = "resolution",
    ) -> None:
        """Make ``key`` belong to ``entity_id`` (None: to no subject, e.g. when retracted)."""
        if previous is None:
            rec = self.store.get_record(key)
            previous = rec.entity_id if rec is not None else None
        self.move_many([(key, entity_id, previous)], subject_type, reason=reason)

    def create_many(self, subject_type: SubjectType, n: int) -> list[str]:
        """``n`` new, empty subjects (one ``subject_created`` event each)."""
        ids = self.store.new_entity_ids(subject_type, n)
        seqs = self.store.append_events(
            [("subject_created", entity_id, subject_type.value, {}) for entity_id in ids]
        )
        self.store.put_entities(
            [
                Entity(entity_id, subject_type, created_seq=seq, updated_seq=seq)
                for entity_id, seq in zip(ids, seqs, strict=True)
            ]
        )
        self.counts.created += n
        return ids

    def move_many(
        self,
        moves: Sequence[tuple[RecordKey, str | None, str | None]],
        subject_type: SubjectType,
        *,
        reason: str = "resolution",
    ) -> None:
        """:meth:`move` for many ``(key, to, previous)`` at once, ``previous`` known: the
        same events and membership rows, written a chunk at a time."""
        st = subject_type.value
        for start in range(0, len(moves), _MOVE_CHUNK):
            events: list[tuple[str, str | None, str | None, dict[str, Any]]] = []
            last_event: list[int] = []
            for key, entity_id, previous in moves[start : start + _MOVE_CHUNK]:
                if previous == entity_id:
                    last_event.append(-1)
                    continue
                if previous is not None:
                    payload = {**_key_payload(key), "reason": reason, "to": entity_id}
                    events.append(("record_left", previous, st, payload))
                    self.counts.left += 1
                    self.counts.touched.add(previous)
                    self._disturbed.add(previous)
                if entity_id is not None:
                    payload = {**_key_payload(key), "reason": reason, "from": previous}
                    events.append(("record_joined", entity_id, st, payload))
                    self.counts.joined += 1
                    self.counts.touched.add(entity_id)
                    if previous is None:
                        self._joined.setdefault(entity_id, []).append(key)
                    else:
                        self._disturbed.add(entity_id)
                last_event.append(len(events) - 1)
            seqs = self.store.append_events(events)
            self.store.assign_many(
                [
                    (key, entity_id, seqs[i])
                    for (key, entity_id, _), i in zip(
                        moves[start : start + _MOVE_CHUNK], last_event, strict=True
                    )
                    if i >= 0
                ]
            )

    def merge(self, survivor: str, retired: str, *, reason: str = "resolution") -> None:
        """Move every record of ``retired`` into ``survivor`` and redirect the retired id."""
        entity = self.store.get_entity(retired)
        if entity is None or survivor == retired:
            return
        self.move_many(
            [(rv.key, survivor, retired) for rv in self.store.records_of(retired)],
            entity.subject_type,
            reason=reason,
        )
        seq = self.store.append_event(
            "subject_merged",
            retired,
            entity.subject_type.value,
            {"into": survivor, "reason": reason},
        )
        self.store.append_event(
            "subject_absorbed",
            survivor,
            entity.subject_type.value,
            {"retired": retired, "reason": reason},
        )
        entity.status, entity.merged_into, entity.updated_seq = "retired", survivor, seq
        entity.golden = {}
        self.store.put_entity(entity)
        self.counts.merged += 1
        self.counts.touched.add(survivor)
        self.counts.touched.discard(retired)
        self._disturbed.add(survivor)

    def record_split(
        self, entity_id: str, new_id: str, subject_type: SubjectType, *, reason: str
    ) -> None:
        """Note that part of ``entity_id``'s records now form ``new_id`` (the id stays)."""
        self.store.append_event(
            "subject_split", entity_id, subject_type.value, {"into": new_id, "reason": reason}
        )
        self.counts.split += 1
        self.counts.touched.update((entity_id, new_id))
        self._disturbed.update((entity_id, new_id))

    def touch(self, entity_id: str | None) -> None:
        """Mark a subject for a golden-value refresh (a member record changed in place)."""
        if entity_id is not None:
            self.counts.touched.add(entity_id)
            self._disturbed.add(entity_id)

    def flush(
        self,
        known: Mapping[str, Sequence[RecordVersion]] | None = None,
        joined: Mapping[RecordKey, RecordVersion] | None = None,
        computed: Mapping[str, Golden] | None = None,
    ) -> set[str]:
        """Refresh the golden values of every subject touched since the last flush.

        ``known`` may give subjects' current records (a batch run holds them all): those
        are not read again. ``joined`` may give the new records that joined subjects: a
        subject changed only by new records takes them into its golden values from the
        sources those were chosen from (:func:`registry.survivorship.grow_golden`), without
        its records being read (an employer's thousandth employee record, a building's
        hundredth flat). ``computed`` may give subjects' golden values already computed
        from those ``known`` records (:func:`golden_of`)."""
        touched = set(self.counts.touched)
        grown = self._grow(touched, joined) if joined else set()
        self.refresh(touched - grown, known, computed)
        self.counts.touched.clear()
        self._joined.clear()
        self._disturbed.clear()
        return touched

    def _grow(self, touched: set[str], joined: Mapping[RecordKey, RecordVersion]) -> set[str]:
        """Grow the golden values of the touched subjects only new records joined (those
        given in ``joined``); returns the subjects done so."""
        only_joined = [
            e
            for e in sorted(touched - self._disturbed)
            if e in self._joined and all(k in joined for k in self._joined[e])
        ]
        found = self.store.get_entities(only_joined, with_sources=True)
        done: set[str] = set()
        changed: list[Entity] = []
        events: list[_Event] = []
        for entity_id, entity in found.items():
            sources, had = entity.golden_sources, entity.national_ids
            if entity.status != "active" or not entity.golden or sources is None:
                continue
            joining = [joined[k] for k in self._joined[entity_id]]
            grown = grow_golden(entity.golden, sources, joining, self.rules)
            if grown is None:
                continue
            done.add(entity_id)
            entity.golden_sources = grown[1]
            if had is not None:
                entity.national_ids = had | national_keys(
                    entity.subject_type, (rv.values for rv in joining)
                )
            if grown[0] != entity.golden or grown[1] != sources or entity.national_ids != had:
                changed.append(self._changed(entity, grown[0], events))
        self._put_changed(changed, events)
        return done

    def _changed(self, entity: Entity, golden: dict[str, Any], events: list[_Event]) -> Entity:
        """``entity`` with new golden values; its ``attributes_changed`` event, when they
        differ, is added to ``events`` (written by :meth:`_put_changed`)."""
        changes = {
            name: {"old": entity.golden.get(name), "new": golden.get(name)}
            for name in sorted(set(golden) | set(entity.golden))
            if golden.get(name) != entity.golden.get(name)
        }
        if changes or entity.status != "active":
            events.append(
                (
                    entity,
                    ("attributes_changed", entity.entity_id, entity.subject_type.value,
                     {"changes": changes}),
                )
            )  # fmt: skip
            self.counts.attributes_changed += len(changes)
        entity.golden, entity.status = golden, "active"
        return entity

    def _put_changed(self, changed: list[Entity], events: list[_Event]) -> None:
        """Write changed subjects, each with the seq of its event (if it has one)."""
        seqs = self.store.append_events([event for _, event in events])
        for (entity, _), seq in zip(events, seqs, strict=True):
            entity.updated_seq = seq
        self.store.put_entities(changed)

    def refresh(
        self,
        entity_ids: Iterable[str],
        known: Mapping[str, Sequence[RecordVersion]] | None = None,
        computed: Mapping[str, Golden] | None = None,
    ) -> None:
        """Recompute golden values of the given subjects and emit attribute changes
        (``known`` and ``computed`` as in :meth:`flush`)."""
        ordered = sorted(set(entity_ids))
        for start in range(0, len(ordered), _REFRESH_CHUNK):
            self._refresh_chunk(
                ordered[start : start + _REFRESH_CHUNK], known or {}, computed or {}
            )

    def _refresh_chunk(
        self,
        ids: list[str],
        known: Mapping[str, Sequence[RecordVersion]],
        computed: Mapping[str, Golden],
    ) -> None:
        found = self.store.get_entities(ids, with_sources=True)
        had = {i: (e.golden_sources, e.national_ids) for i, e in found.items()}
        members: dict[str, Sequence[RecordVersion]] = {i: known[i] for i in ids if i in known}
        unknown = [i for i in ids if i not in known]
        members.update(self.store.records_of_many(unknown, with_raw=False))
        changed: list[Entity] = []
        events: list[_Event] = []
        for entity_id in ids:
            entity = found.get(entity_id)
            if entity is None or entity.status == "retired":
                continue
            records = members.get(entity_id)
            if not records:
                if entity.status != "empty":
                    st = entity.subject_type.value
                    events.append((entity, ("subject_emptied", entity_id, st, {})))
                    entity.status, entity.golden = "empty", {}
                    changed.append(entity)
                continue
            done = computed.get(entity_id)
            golden, sources, national = (
                done if done is not None else golden_of(entity.subject_type, records, self.rules)
            )
            entity.golden_sources, entity.national_ids = sources, national
            if golden == entity.golden and entity.status == "active":
                # the same values, with sources or national identifiers not stored yet
                if had[entity_id] != (sources, entity.national_ids):
                    changed.append(entity)
                continue
            changed.append(self._changed(entity, golden, events))
        self._put_changed(changed, events)
