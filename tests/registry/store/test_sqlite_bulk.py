"""The bulk entity and membership statements answer exactly as their single-row forms."""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

from graph_schema.subject_types import SubjectType
from registry.mapping import Mapping
from registry.service import Registry
from registry.store.base import Entity, RecordKey, RecordVersion, Store
from tests.registry.conftest import ROWS as MARKET_ROWS
from tests.registry.conftest import ingest_persons, subject_of, write_csv

ROWS = [
    "a1,张伟,11010519491231002X,13800000001",
    "a2,张伟,11010519491231002X,13800000001",
    "a3,李娜,440524188001010014,13900000002",
    "a4,王芳,,13700000003",
]


def test_new_entity_ids_continue_the_single_counter(registry: Registry) -> None:
    store = registry.store
    with store.transaction():
        first = store.new_entity_id(SubjectType.BUILDING)
        batch = store.new_entity_ids(SubjectType.BUILDING, 3)
        after = store.new_entity_id(SubjectType.BUILDING)
        assert store.new_entity_ids(SubjectType.BUILDING, 0) == []
    numbers = [int(i.split("-")[1]) for i in [first, *batch, after]]
    assert numbers == list(range(numbers[0], numbers[0] + 5))
    assert all(i.startswith(SubjectType.BUILDING.id_prefix + "-") for i in batch)


def test_bulk_reads_match_the_single_reads(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    store = registry.store
    ids = sorted({rv.entity_id for rv in store.iter_records() if rv.entity_id})
    assert len(ids) == 3  # a1 and a2 share an id number
    many = store.records_of_many([*ids, "P-99999999"])
    assert set(many) == set(ids)
    for entity_id in ids:
        single = store.records_of(entity_id)
        assert [(r.key, r.version, r.values) for r in many[entity_id]] == [
            (r.key, r.version, r.values) for r in single
        ]
    entities = store.get_entities([*ids, "P-99999999"])
    assert set(entities) == set(ids)
    for entity_id in ids:
        assert entities[entity_id] == store.get_entity(entity_id)


def test_assign_many_and_put_entities_write_what_the_single_forms_write(
    registry: Registry, tmp_path: Path
) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    store = registry.store
    a3, a4 = RecordKey("hukou", "a3"), RecordKey("hukou", "a4")
    target = store.get_record(a3)
    assert target is not None and target.entity_id is not None
    with store.transaction():
        seq = store.append_event("test", None, None, {})
        store.assign_many([(a4, target.entity_id, seq)])
        moved = Entity("P-77777777", SubjectType.PERSON, golden={"name": "测试"})
        store.put_entities([moved])
    after = store.get_record(a4)
    assert after is not None and after.entity_id == target.entity_id
    assert a4 in store.membership_as_of(target.entity_id, seq)
    assert store.get_entity("P-77777777") == moved


def test_match_keys_of_gives_the_keys_resolution_stored(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    a1, a4 = RecordKey("hukou", "a1"), RecordKey("hukou", "a4")
    found = registry.store.match_keys_of([a1, a4, RecordKey("hukou", "nope")])
    assert set(found) == {a1, a4}
    assert "id:11010519491231002X" in found[a1]
    assert not any(k.startswith("id:") for k in found[a4])  # a4 has no id number


def test_block_members_join_blocks_to_their_subjects(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    store = registry.store
    a1, a4 = RecordKey("hukou", "a1"), RecordKey("hukou", "a4")
    registry.retract("hukou", "a2")  # a withdrawn record leaves its blocks
    wanted = ["id:11010519491231002X", *store.match_keys_of([a4])[a4], "no-such-key"]
    found = store.block_members(wanted)
    # the joined read gives what the two single reads give together (Store's default)
    expected = Store.block_members(store, wanted)
    assert {k: sorted(v) for k, v in found.items()} == {k: sorted(v) for k, v in expected.items()}
    assert "no-such-key" not in found
    by_key = {k: (e, t, r) for k, e, t, r in found["id:11010519491231002X"]}
    assert by_key == {a1: (subject_of(registry, "hukou", "a1"), SubjectType.PERSON, False)}
    assert {k for k, *_ in found[wanted[1]]} == {a4}
    # with a limit, at most that many members of each block, read from the same blocks
    ingest_persons(registry, tmp_path, "civil", ["c1,张伟,11010519491231002X,13800000009"])
    both = store.block_members(["id:11010519491231002X"])["id:11010519491231002X"]
    one = store.block_members(["id:11010519491231002X", "no-such-key"], limit=1)
    assert len(both) == 2 and set(one) == {"id:11010519491231002X"}
    assert len(one["id:11010519491231002X"]) == 1 and one["id:11010519491231002X"][0] in both
    default = Store.block_members(store, ["id:11010519491231002X"], limit=1)
    assert len(default["id:11010519491231002X"]) == 1


def test_block_sizes_count_what_block_members_read(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    ingest_persons(registry, tmp_path, "civil", ["c1,张伟,11010519491231002X,13800000001"])
    store = registry.store
    registry.retract("hukou", "a2")  # a withdrawn record leaves its blocks
    wanted = ["id:11010519491231002X", "ph:13800000001", "ph:13700000003", "no-such-key"]
    sizes = store.block_sizes(wanted)
    assert sizes == {"id:11010519491231002X": 2, "ph:13800000001": 2, "ph:13700000003": 1}
    assert sizes == Store.block_sizes(store, wanted)
    assert sizes == {k: len(v) for k, v in store.block_members(wanted).items()}


def test_records_read_without_raw_keep_their_values(registry: Registry, tmp_path: Path) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS, resolve=False)
    full = list(registry.store.iter_records(SubjectType.PERSON))
    lean = list(registry.store.iter_records(SubjectType.PERSON, with_raw=False))
    assert [(r.key, r.version, r.values, r.problems) for r in lean] == [
        (r.key, r.version, r.values, r.problems) for r in full
    ]
    assert all(r.raw for r in full) and not any(r.raw or r.formats for r in lean)


def test_field_of_records_reads_one_text_field_as_the_records_give_it(
    registry: Registry, tmp_path: Path
) -> None:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    store = registry.store
    registry.retract("hukou", "a2")  # a withdrawn record is not read
    keys = [RecordKey("hukou", f"a{i}") for i in range(1, 6)]  # a5 does not exist
    names = store.field_of_records(keys, "name")
    assert names == {keys[0]: "张伟", keys[2]: "李娜", keys[3]: "王芳"}
    assert names == Store.field_of_records(store, keys, "name")
    # a4 has no id number; values that are not text are not text fields
    assert set(store.field_of_records(keys, "id_number")) == {keys[0], keys[2]}
    assert store.field_of_records(keys, "no_such_field") == {}


def test_records_of_many_without_raw_rows_reads_the_values_and_problems(
    registry: Registry, tmp_path: Path
) -> None:
    """A golden refresh reads subjects' records without their raw rows: the same records
    with the same values, problems and bookkeeping, only ``raw`` and ``formats`` left
    empty (as the Store default leaves them)."""
    ingest_persons(registry, tmp_path, "hukou", [*ROWS, "a9,赵六,12345,13800000009"])
    store = registry.store
    registry.retract("hukou", "a2")
    subjects = {rv.entity_id for rv in store.iter_records() if rv.entity_id}
    whole = store.records_of_many(subjects)
    lean = store.records_of_many(subjects, with_raw=False)
    assert lean == Store.records_of_many(store, subjects, with_raw=False)
    assert sorted(lean) == sorted(whole)
    for entity_id, records in whole.items():
        expected = [dataclasses.replace(rv, raw={}, formats={}) for rv in records]
        assert lean[entity_id] == expected
    assert any(rv.problems for rs in lean.values() for rv in rs), "setup: a flagged id"


def test_records_read_without_raw_rows_are_the_records_without_them(
    registry: Registry, tmp_path: Path
) -> None:
    """``get_records`` and ``iter_records`` without raw rows give what the whole read gives,
    with ``raw`` and ``formats`` left empty: retracted flags and subjects included."""
    ingest_persons(registry, tmp_path, "hukou", [*ROWS, "a9,赵六,12345,13800000009"])
    store = registry.store
    registry.retract("hukou", "a2")
    keys = [rv.key for rv in store.iter_records()] + [RecordKey("hukou", "nowhere")]

    def bare(records: list[RecordVersion]) -> list[RecordVersion]:
        return [dataclasses.replace(rv, raw={}, formats={}) for rv in records]

    assert store.get_records(keys, with_raw=False) == bare(store.get_records(keys))
    assert list(store.iter_records(with_raw=False)) == bare(list(store.iter_records()))
    people = list(store.iter_records(SubjectType.PERSON, with_raw=False))
    assert people == bare(list(store.iter_records(SubjectType.PERSON)))
    assert any(rv.retracted for rv in people) and any(rv.problems for rv in people)


def test_block_members_of_one_type_are_those_in_a_subject(
    registry: Registry, tmp_path: Path
) -> None:
    """Asked for one subject type, a block gives only its members of that type that are in
    a subject: an address's block holds its building's units and the companies there."""
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    # a record stored but not resolved yet (a store-only ingest) is in no subject
    ingest_persons(registry, tmp_path, "civil", ["c1,张伟,11010519491231002X,1"], resolve=False)
    store = registry.store
    key = "id:11010519491231002X"
    with store.transaction():
        store.set_match_keys(RecordKey("civil", "c1"), [key])
    assert {k.record_id for k, *_ in store.block_members([key])[key]} == {"a1", "a2", "c1"}
    for read in (store.block_members, lambda *a, **k: Store.block_members(store, *a, **k)):
        persons = read([key], subject_type=SubjectType.PERSON)
        assert {k.record_id for k, *_ in persons[key]} == {"a1", "a2"}
        assert read([key], subject_type=SubjectType.ENTERPRISE) == {}
        assert len(read([key], limit=1, subject_type=SubjectType.PERSON)[key]) == 1


def test_a_subjects_size_is_counted_from_its_index_in_stores_old_and_new(
    registry: Registry, tmp_path: Path
) -> None:
    """``subject_sizes`` counts current records only, from an index that holds whether each
    is retracted (no table page is read); a store made before that index gets it when
    opened, in place of the old one, and answers the same."""
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    subject = subject_of(registry, "hukou", "a1")
    assert registry.store.subject_sizes([subject]) == {subject: 2}
    registry.retract("hukou", "a2")
    assert registry.store.subject_sizes([subject]) == {subject: 1}

    def indexes(store: Store) -> set[str]:
        rows = store._conn.execute(  # type: ignore[attr-defined]
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='records'"
        )
        return {name for (name,) in rows}

    conn = registry.store._conn  # type: ignore[attr-defined]
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT entity_id, COUNT(*) FROM records WHERE entity_id IN (?) "
        "AND retracted=0 GROUP BY entity_id",
        (subject,),
    ).fetchall()
    assert "COVERING INDEX records_subject" in str(plan)
    # the schema as it was before: one index on entity_id alone
    conn.execute("DROP INDEX records_subject")
    conn.execute("CREATE INDEX records_entity ON records(entity_id)")
    registry.close()
    reopened = Registry(tmp_path / "store")
    try:
        assert "records_subject" in indexes(reopened.store)
        assert "records_entity" not in indexes(reopened.store)
        assert reopened.store.subject_sizes([subject]) == {subject: 1}
    finally:
        reopened.close()


def test_relationships_at_least_says_whether_there_are_that_many(
    registry: Registry, tmp_path: Path, mapping: Mapping
) -> None:
    """How a batch run decides whether reading the relationships is worth a child."""
    store = registry.store
    assert store.relationships_at_least(0)
    assert not store.relationships_at_least(1)
    registry.ingest_file(write_csv(tmp_path / "m.csv", MARKET_ROWS), "market", mapping)
    held = sum(1 for _ in store.iter_relationships())
    assert held >= 2
    for at_least in (store.relationships_at_least, partial(Store.relationships_at_least, store)):
        assert at_least(held)
        assert not at_least(held + 1)


def test_a_store_for_a_child_reads_through_its_own_connection(
    registry: Registry, tmp_path: Path
) -> None:
    """A forked child must not use a connection opened before the fork."""
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    store = registry.store
    twin = store.for_child()
    try:
        assert twin._conn is not store._conn  # type: ignore[attr-defined]
        assert [rv.key for rv in twin.iter_records()] == [rv.key for rv in store.iter_records()]
    finally:
        twin.close()
    assert store.get_record(RecordKey("hukou", "a1")) is not None  # still open
