"""Large settled subjects are read in part, and what stands in for the rest still binds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from graph_schema.subject_types import SubjectType
from registry.engine import cluster_records
from registry.judgements import Constraints
from registry.neighbourhood import PARTIAL_READ, find_candidates, read_subjects
from registry.reconcile import reconcile
from registry.service import Registry
from registry.store.base import RecordKey, RecordVersion
from resolution.defaults import default_model
from tests.registry.conftest import ingest_persons, subject_of

X = "11010519491231002X"
Y = "440524188001010014"


def _store_only(reg: Registry, tmp: Path, source: str, rows: list[str]) -> list[RecordVersion]:
    ingest_persons(reg, tmp, source, rows, resolve=False)
    ids = [r.split(",", 1)[0] for r in rows]
    found = reg.store.get_records([RecordKey(source, i) for i in ids])
    return sorted(found, key=lambda rv: ids.index(rv.key.record_id))


def test_a_large_subject_is_read_in_part_and_a_new_record_still_joins_it(
    registry: Registry, tmp_path: Path
) -> None:
    rows = [f"H{i},张伟,{X},13812345678,1949-12-31" for i in range(1, 21)]
    ingest_persons(registry, tmp_path, "hukou", rows)
    big = subject_of(registry, "hukou", "H1")
    assert len(registry.store.records_of(big)) == 20
    (new,) = _store_only(registry, tmp_path, "social", [f"S1,张伟,{X},13812345678,1949-12-31"])

    near = read_subjects(registry.store, find_candidates(registry.store, [new], set(), 300), {big})
    read = [rv for rv in near.records if rv.entity_id == big]
    assert 1 <= len(read) <= PARTIAL_READ
    assert near.unread == {big: 20 - len(read)}
    assert all(near.subject_ids[rv.key] == frozenset({X}) for rv in read)
    # the identifiers stand in as written with the golden values, or, where they are not
    # known (a store made before they were kept), as read from every record
    assert registry.store.national_ids_of([big]) == {big: frozenset({X})}
    registry.store._conn.execute("UPDATE entities SET national_ids = NULL")
    assert registry.store.national_ids_of([big]) == {}
    again = read_subjects(registry.store, find_candidates(registry.store, [new], set(), 300), {big})
    assert again.subject_ids == near.subject_ids

    with registry.store.transaction():
        registry.resolver.resolve([new.key])
    assert subject_of(registry, "social", "S1") == big
    assert len(registry.store.records_of(big)) == 21  # the unread twenty stayed


def test_identifiers_of_unread_records_keep_subjects_apart(
    registry: Registry, tmp_path: Path
) -> None:
    settled, new = _store_only(
        registry,
        tmp_path,
        "hukou",
        ["H1,张伟,,13812345678,1949-12-31", f"H2,张伟,{Y},13812345678,1949-12-31"],
    )
    model = default_model(SubjectType.PERSON)
    held = {settled.key: "P-00000001"}
    together = cluster_records(
        SubjectType.PERSON, [settled, new], model, Constraints(), settled=held
    )
    assert [settled.key, new.key] in together.clusters, "setup: name, phone and birth link"
    # the settled subject's unread records hold another valid id number: never one person
    apart = cluster_records(
        SubjectType.PERSON,
        [settled, new],
        model,
        Constraints(),
        settled=held,
        subject_ids={settled.key: frozenset({X})},
    )
    assert [settled.key] in apart.clusters and [new.key] in apart.clusters
    assert [c.why for c in apart.conflicts] == ["different national identifiers"]


def test_unread_records_count_towards_which_id_survives_a_merge(
    registry: Registry, tmp_path: Path
) -> None:
    a1, b1, b2, b3 = _store_only(
        registry,
        tmp_path,
        "hukou",
        ["A1,张伟,,,", "B1,张伟,,,", "B2,张伟,,,", "B3,张伟,,,"],
    )
    entities = registry.entities
    with registry.store.transaction():
        big, small = entities.create_many(SubjectType.PERSON, 2)
        entities.move_many(
            [
                (a1.key, big, None),
                (b1.key, small, None),
                (b2.key, small, None),
                (b3.key, small, None),
            ],
            SubjectType.PERSON,
        )
        current = {a1.key: big, b1.key: small, b2.key: small, b3.key: small}
        cluster = [a1.key, b1.key, b2.key, b3.key]
        # one record of `big` was read; its other 20 were not, so it is the larger subject
        placed = reconcile(entities, SubjectType.PERSON, [cluster], current, unread={big: 20})
    assert list(placed) == [big]
    retired = registry.store.get_entity(small)
    assert retired is not None and retired.status == "retired" and retired.merged_into == big
    assert {rv.key for rv in registry.store.records_of(big)} == set(cluster)


def test_only_subjects_a_change_links_to_are_read_whole(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new record is scored against the records blocking found; the subjects it links to
    are read and clustered with it, the others (namesakes with their own id numbers) are not
    read at all. (What scoring such a subject finds for a steward is still queued:
    ``test_a_record_scoring_alike_with_two_subjects_is_ambiguous``.)"""
    rows = [
        f"H1,欧阳娜娜,{X},13812345678,1949-12-31",
        f"H2,欧阳娜娜,{X},,",
        f"H3,欧阳娜娜,{Y},,1959-12-31",
        f"H4,欧阳娜娜,{Y},,",
    ]
    ingest_persons(registry, tmp_path, "hukou", rows)
    same, namesake = subject_of(registry, "hukou", "H1"), subject_of(registry, "hukou", "H3")
    assert same != namesake
    (new,) = _store_only(registry, tmp_path, "social", ["S1,欧阳娜娜,,13812345678,1949-12-31"])
    found = find_candidates(registry.store, [new], set(), max_block=300)
    assert {rv.entity_id for rv in found.settled} == {same, namesake}, "setup: both found"

    asked: list[str] = []
    whole = registry.store.records_of_many

    def spy(entity_ids: Iterable[str], *, with_raw: bool = True) -> dict[str, list[RecordVersion]]:
        ids = list(entity_ids)
        asked.extend(ids)
        return whole(ids, with_raw=with_raw)

    monkeypatch.setattr(registry.store, "records_of_many", spy)
    with registry.store.transaction():
        registry.resolver.resolve([new.key])
    assert subject_of(registry, "social", "S1") == same  # by the shared phone and birth
    assert namesake not in asked, "a subject nothing links to is not read"
    assert len(registry.store.records_of(same)) == 3
    assert len(registry.store.records_of(namesake)) == 2


def test_namesakes_holding_other_id_numbers_are_not_read(
    registry: Registry, tmp_path: Path
) -> None:
    """Two valid id numbers never link, so a holder of one meets no namesake holding another
    (in a city of a million, most of a common name's block), only the namesakes holding
    none; a record without a number meets them all."""
    rows = [f"H1,欧阳娜娜,{X},,1949-12-31", "H2,欧阳娜娜,,,1949-03-01"]
    ingest_persons(registry, tmp_path, "hukou", rows)
    (holder,) = _store_only(registry, tmp_path, "social", [f"S1,欧阳娜娜,{Y},,1949-06-30"])
    found = find_candidates(registry.store, [holder], set(), max_block=300)
    assert {rv.key.record_id for rv in found.settled} == {"H2"}
    (free,) = _store_only(registry, tmp_path, "tax", ["T1,欧阳娜娜,,,1949-06-30"])
    found = find_candidates(registry.store, [free], set(), max_block=300)
    assert {rv.key.record_id for rv in found.settled} == {"H1", "H2"}
