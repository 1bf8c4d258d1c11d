"""Resolution orchestration: which subject each changed record belongs to.

:class:`Resolver` is the seam between the registry (storage, events, golden values) and the
matching logic. :class:`KeyResolver` links on decisive keys only (the same valid national
identifier; for records without one, the same name with the same birth date or address);
the probabilistic engine of :mod:`resolution` plugs in behind the same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from graph_schema.subject_types import SubjectType
from registry.entities import ChangeCounts, EntityManager
from registry.store.base import RecordKey, RecordVersion, Store


class Resolver(Protocol):
    """Re-resolves the records a batch touched; runs inside the batch's transaction."""

    def resolve(self, keys: Sequence[RecordKey]) -> ChangeCounts: ...


def match_keys(subject_type: SubjectType, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(decisive keys, fallback keys) of a record's normalised values."""
    decisive: list[str] = []
    fallback: list[str] = []
    if subject_type is SubjectType.PERSON:
        if "id_number" in values:
            decisive.append("id:" + values["id_number"])
        name, birth = values.get("name"), values.get("birth_date")
        if name and isinstance(birth, str) and len(birth) == 10:
            fallback.append(f"nb:{name}|{birth}")
    elif subject_type is SubjectType.ENTERPRISE:
        if "uscc" in values:
            decisive.append("uscc:" + values["uscc"])
        if values.get("name"):
            fallback.append("en:" + values["name"])
    elif subject_type is SubjectType.BUILDING:
        code = values.get("building_code")
        if isinstance(code, str) and len(code) == 28 and code[19] == "F":
            decisive.append("bc:" + code[:24])
        if values.get("address"):
            fallback.append("ba:" + values["address"])
    elif subject_type is SubjectType.PARCEL and "parcel_code" in values:
        decisive.append("pc:" + values["parcel_code"])
    return decisive, fallback


class KeyResolver:
    """Deterministic linkage on exact keys, with merges when a record bridges subjects."""

    def __init__(self, store: Store, entities: EntityManager) -> None:
        self.store = store
        self.entities = entities

    def resolve(self, keys: Sequence[RecordKey]) -> ChangeCounts:
        before = ChangeCounts()
        before.add(self.entities.counts)
        for key in keys:
            rv = self.store.get_record(key)
            if rv is None:
                continue
            if rv.retracted:
                self.store.set_match_keys(key, [])
                self.entities.move(
                    key, None, rv.subject_type, previous=rv.entity_id, reason="retracted"
                )
                continue
            self._link(rv)
            self.entities.touch(self.store.get_record(key).entity_id)  # type: ignore[union-attr]
        touched = self.entities.flush()
        return self.entities.counts.since(before, touched)

    def _candidates(self, rv: RecordVersion, mkeys: list[str]) -> set[str]:
        found: set[str] = set()
        for others in self.store.records_by_match_keys(mkeys).values():
            for other in others:
                if other == rv.key:
                    continue
                orec = self.store.get_record(other)
                if orec is None or orec.retracted or orec.entity_id is None:
                    continue
                resolved = self.entities.resolve_id(orec.entity_id)
                if resolved is not None:
                    found.add(resolved)
        return found

    def _link(self, rv: RecordVersion) -> None:
        decisive, fallback = match_keys(rv.subject_type, rv.values)
        self.store.set_match_keys(rv.key, decisive + fallback)
        targets = self._candidates(rv, decisive)
        if not targets and not decisive:
            targets = self._candidates(rv, fallback)
        current = self.entities.resolve_id(rv.entity_id) if rv.entity_id else None
        if not targets:
            if current is None or len(self.store.records_of(current)) > 1:
                self.entities.create(rv.subject_type, [rv.key])
            return
        if current is not None and len(self.store.records_of(current)) == 1:
            # the record's own subject joins the merge, so its id keeps answering (redirect)
            targets.add(current)
        survivor = min(targets, key=lambda e: (e[:2], int(e[2:])))
        self.entities.move(rv.key, survivor, rv.subject_type, previous=rv.entity_id)
        for other in sorted(targets - {survivor}):
            if not self._conflict(rv.subject_type, survivor, other):
                self.entities.merge(survivor, other)

    def _conflict(self, subject_type: SubjectType, a: str, b: str) -> bool:
        """Two subjects holding different decisive keys (national identifiers) never merge."""
        ea, eb = self.store.get_entity(a), self.store.get_entity(b)
        ka = set(match_keys(subject_type, ea.golden)[0]) if ea else set()
        kb = set(match_keys(subject_type, eb.golden)[0]) if eb else set()
        return bool(ka and kb and not ka & kb)
