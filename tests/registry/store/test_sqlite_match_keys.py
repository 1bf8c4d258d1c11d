"""The blocking index: keys written record by record or a city at once read back the same,
a block is one range of the keyed table, and stores of the old layout are converted."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_schema.subject_types import SubjectType
from registry.service import Registry
from registry.store import sqlite_match_keys
from registry.store.base import RecordKey
from registry.store.sqlite import SQLiteStore
from tests.registry.conftest import ingest_persons

ROWS = [
    "a1,张伟,11010519491231002X,13800000001",
    "a2,张伟,11010519491231002X,13800000001",
    "a3,李娜,440524188001010014,13900000002",
    "a4,王芳,,13700000003",
]


def _keys(store: SQLiteStore) -> list[tuple[str, str, str]]:
    return sorted(store._conn.execute("SELECT mkey, source, record_id FROM match_keys"))


def _layout(store: SQLiteStore) -> tuple[str, set[str]]:
    conn = store._conn
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='match_keys'").fetchone()[0]
    indexes = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='match_keys' "
        "AND sql IS NOT NULL"
    )
    return str(sql), {name for (name,) in indexes}


@pytest.fixture
def store(registry: Registry, tmp_path: Path) -> SQLiteStore:
    ingest_persons(registry, tmp_path, "hukou", ROWS)
    assert isinstance(registry.store, SQLiteStore)
    return registry.store


def test_a_block_is_read_from_the_keyed_table_alone(store: SQLiteStore) -> None:
    """Members, sizes and a record's keys come from the table and its by-record index,
    without a table probe per member."""
    sql, indexes = _layout(store)
    assert "WITHOUT ROWID" in sql.upper()
    assert indexes == {"match_keys_record"}
    plan = str(
        store._conn.execute(
            "EXPLAIN QUERY PLAN SELECT mkey, COUNT(*) FROM match_keys WHERE mkey IN (?, ?) "
            "GROUP BY mkey",
            ("a", "b"),
        ).fetchall()
    )
    assert "PRIMARY KEY" in plan and "match_keys_record" not in plan
    key = "id:11010519491231002X"
    assert store.block_sizes([key, "nothing"]) == {key: 2}
    members = store.block_members([key], subject_type=SubjectType.PERSON)[key]
    assert sorted(k.record_id for k, *_ in members) == ["a1", "a2"]


def test_keys_set_one_record_at_a_time_are_replaced_not_duplicated(
    store: SQLiteStore,
) -> None:
    a4 = RecordKey("hukou", "a4")
    with store.transaction():
        store.set_match_keys(a4, ["x:1", "x:2", "x:2"])
        store.set_match_keys(a4, ["x:2", "x:3"])
    assert store.match_keys_of([a4]) == {a4: ["x:2", "x:3"]}
    assert store.records_by_match_keys(["x:2", "x:1"]) == {"x:2": [a4]}
    with store.transaction():
        store.set_match_keys(a4, [])
    assert store.match_keys_of([a4]) == {}


@pytest.mark.parametrize("city_sized", [False, True])
def test_replacing_a_types_keys_at_once_gives_what_record_by_record_gives(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch, city_sized: bool
) -> None:
    """Both write paths (row by row, and sorted through a scratch table with the by-record
    index built after) leave the same rows, the other types' keys untouched."""
    if city_sized:
        monkeypatch.setattr(sqlite_match_keys, "_REBUILD_INDEXES_AT", 1)
    other = RecordKey("other", "b1")
    with store.transaction():
        store.set_match_keys(other, ["addr:1"])  # no person record: kept by a person rewrite
    records = [RecordKey("hukou", f"a{i}") for i in range(1, 5)]
    rows = [(k, [f"k:{i % 2}", f"own:{k.record_id}", f"k:{i % 2}"]) for i, k in enumerate(records)]
    with store.transaction():
        store.replace_all_match_keys(SubjectType.PERSON, rows)
    expected = sorted(
        {(m, k.source, k.record_id) for k, ms in rows for m in ms} | {("addr:1", *other)}
    )
    assert _keys(store) == expected
    assert _layout(store)[1] == {"match_keys_record"}
    assert store.match_keys_of([records[0]]) == {records[0]: ["k:0", "own:a1"]}
    assert "temp.match_keys_new" not in str(
        store._conn.execute("SELECT name FROM temp.sqlite_master").fetchall()
    )


def test_a_store_of_the_old_layout_is_converted_when_opened(
    registry: Registry, store: SQLiteStore, tmp_path: Path
) -> None:
    """A store whose ``match_keys`` is a rowid table with an index on ``mkey`` (as made
    before the keyed layout) is converted in place the first time it is opened, keys and
    all, and resolves on as before."""
    before = _keys(store)
    conn = store._conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("ALTER TABLE match_keys RENAME TO match_keys_keyed_old")
    conn.execute("CREATE TABLE match_keys(mkey TEXT NOT NULL, source TEXT NOT NULL, "
                 "record_id TEXT NOT NULL)")  # fmt: skip
    conn.execute("INSERT INTO match_keys SELECT * FROM match_keys_keyed_old")
    conn.execute("DROP TABLE match_keys_keyed_old")
    conn.execute("CREATE INDEX match_keys_key ON match_keys(mkey)")
    conn.execute("CREATE INDEX match_keys_record ON match_keys(source, record_id)")
    conn.execute("COMMIT")
    assert "WITHOUT ROWID" not in _layout(store)[0].upper()
    registry.close()
    reopened = Registry(tmp_path / "store")
    try:
        converted = reopened.store
        assert isinstance(converted, SQLiteStore)
        sql, indexes = _layout(converted)
        assert "WITHOUT ROWID" in sql.upper() and indexes == {"match_keys_record"}
        assert _keys(converted) == before
        ingest_persons(reopened, tmp_path, "civil", ["c1,张伟,11010519491231002X,1"])
        subjects = {rv.entity_id for rv in converted.iter_records() if rv.values.get("name")}
        assert len(subjects) == 3  # c1 joined a1 and a2 through the converted blocks
    finally:
        reopened.close()
